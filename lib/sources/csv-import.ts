// A CSV file of bookings, imported by staff: read, mapped, tried as a dry run
// that lists every row's result, then applied. One bad row never stops the
// others; a row is taken whole or not at all.
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { InvalidInputError, zodFieldErrors } from '@/lib/validation';
import {
  bookingsFromCsv,
  type CSV_DATE_FORMATS,
  type CsvField,
  type CsvMapping,
  csvDateFormatSchema,
  csvMappingSchema,
  guessDateFormat,
  guessMapping,
  readCsv,
} from './csv';
import { ingestBookings, rolledBack } from './ingest';
import { countOutcomes, type IngestOutcome } from './outcomes';
import { csvSourceFor } from './sources';

/** The import's input but its mapping, which `csvMappingSchema` reads so each refusal names its field. */
export const csvImportSchema = z.object({
  propertyId: z.uuid({ error: 'Property is required.' }),
  /** The locks a row opens when it names no room. */
  deviceIds: z
    .array(z.uuid({ error: 'Each lock must be a lock id.' }))
    .max(20)
    .default([]),
  text: z.string({ error: 'Choose a CSV file.' }).min(1, 'Choose a CSV file.'),
  dateFormat: csvDateFormatSchema,
  dryRun: z.boolean().default(true),
});
/** The mapping as a form posts it: a column index (or its text) per field, blank or absent for none. */
export type CsvImportInput = z.input<typeof csvImportSchema> & {
  mapping: Partial<Record<CsvField, number | string | null>>;
};

export type CsvRowResult = {
  /** The file's line the row starts on (the header is line 1). */
  row: number;
  externalId: string | null;
  outcome: IngestOutcome;
  /** What changed, or what is wrong (naming the column or field); never guest details. */
  message: string | null;
};

export type CsvImportResult = {
  dryRun: boolean;
  rows: CsvRowResult[];
  counts: Record<IngestOutcome, number>;
};

/** The file's columns and a first guess at which holds what, for the mapping form. */
export function csvColumns(text: string): {
  headers: string[];
  mapping: CsvMapping;
  dateFormat: (typeof CSV_DATE_FORMATS)[number] | null;
  rows: number;
} {
  const table = readCsv(text);
  const mapping = guessMapping(table.headers);
  return {
    headers: table.headers,
    mapping,
    dateFormat: guessDateFormat(table, mapping),
    rows: table.rows.length,
  };
}

/**
 * Import (or, with `dryRun`, try) a CSV file of bookings at a property.
 * Rows are keyed by their id in the property's CSV source: the same file
 * imported again changes nothing, an edited row updates its stay, and a row
 * with status "cancelled" cancels it. A row missing from a later file is not
 * a cancellation: a file is not a whole calendar.
 */
export async function importCsv(
  db: Executor,
  actor: Actor,
  input: CsvImportInput,
  now: Date,
): Promise<CsvImportResult> {
  assertCan(actor, 'sources.manage');
  // Every problem at once, a mapping's named by its field (checkOut), not `mapping`.
  const { mapping: chosen, ...rest } = input;
  const parsed = csvImportSchema.safeParse(rest);
  const chosenColumns = csvMappingSchema.safeParse(chosen);
  if (!parsed.success || !chosenColumns.success) {
    throw new InvalidInputError({
      ...(chosenColumns.success ? {} : zodFieldErrors(chosenColumns.error)),
      ...(parsed.success ? {} : zodFieldErrors(parsed.error)),
    });
  }
  const data = parsed.data;
  const mapping = chosenColumns.data;
  const table = readCsv(data.text);
  const rowsRead = bookingsFromCsv(table, mapping, { dateFormat: data.dateFormat });
  const good = rowsRead.flatMap((r) => ('booking' in r ? [r] : []));
  // A dry run writes nothing at all, the property's CSV source included.
  const run = async (tx: Executor) => {
    const source = await csvSourceFor(tx, actor, data.propertyId, data.deviceIds);
    const summary = await ingestBookings(
      tx,
      source,
      good.map((r) => r.booking),
      { now, snapshot: false, actor },
    );
    return { source, summary };
  };
  const { source, summary } = data.dryRun ? await rolledBack(db, run) : await run(db);
  const taken = new Map(good.map((r, i) => [r.row, summary.results[i]] as const));
  const rows: CsvRowResult[] = rowsRead.map((r) => {
    if ('errors' in r) {
      return {
        row: r.row,
        externalId: null,
        outcome: 'error',
        message: Object.values(r.errors).join(' '),
      };
    }
    const result = taken.get(r.row);
    return {
      row: r.row,
      externalId: r.booking.externalId,
      outcome: result?.outcome ?? 'error',
      message: result?.message ?? null,
    };
  });
  const counts = countOutcomes(rows);
  if (!data.dryRun) {
    await recordAudit(
      db,
      { ...actor, sourceId: source.id },
      {
        action: 'reservation_source.csv_imported',
        targetType: 'reservation_source',
        targetId: source.id,
        detail: { rows: rows.length, ...counts },
      },
    );
  }
  return { dryRun: data.dryRun, rows, counts };
}
