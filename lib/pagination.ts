import { AppError } from './errors';
import { isId } from './ids';

/**
 * Keyset page cursors shared by every list: the last row of the previous page
 * as `createdAt|id` (created_at has millisecond precision, so a JavaScript
 * Date read back compares equal).
 */
export function formatCursor(row: { createdAt: Date; id: string | number }): string {
  return `${row.createdAt.toISOString()}|${row.id}`;
}

export function parseCursor(value: string): { at: Date; id: string } {
  const [at, id] = value.split('|');
  const when = new Date(at ?? '');
  // Year 0000 parses in JavaScript but Postgres cannot hold it.
  const wellFormed = /^(?!0000)\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(at ?? '') && isId(id);
  if (!wellFormed || Number.isNaN(when.getTime()) || !id) {
    throw new AppError('invalid_input', 'The page cursor is not valid.', { field: 'page_cursor' });
  }
  return { at: when, id };
}

/** The same cursor for tables keyed by a bigserial (the audit log) rather than a UUID. */
export function parseSerialCursor(value: string): { at: Date; id: number } {
  const [at, id] = value.split('|');
  const when = new Date(at ?? '');
  const wellFormed = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(at ?? '') && /^\d{1,15}$/.test(id ?? '');
  if (!wellFormed || Number.isNaN(when.getTime())) {
    throw new AppError('invalid_input', 'The page cursor is not valid.', { field: 'page_cursor' });
  }
  return { at: when, id: Number(id) };
}
