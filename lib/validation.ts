import type { z } from 'zod';
import { AppError } from './errors';

/** Fields named as the Seam-style API and its users know them. */
const SEAM_FIELD: Record<string, string> = {
  deviceId: 'device_id',
  startsAt: 'starts_at',
  endsAt: 'ends_at',
  preferredCodeLength: 'preferred_code_length',
};

/** Parse with zod and answer the first problem as an AppError naming the field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  throw new AppError('invalid_input', issue?.message ?? 'Invalid input.', {
    field: SEAM_FIELD[key] ?? key,
  });
}
