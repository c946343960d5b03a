// What the ingestion core can do with a booking, apart from the database so
// pages and the CLI (and the browser) can list and count them in one order.

/** Every outcome, in the order people read them. */
export const INGEST_OUTCOMES = [
  'created',
  'updated',
  'unchanged',
  /** Recognised as a stay Keyhold already has from another source, or typed by staff. */
  'linked',
  'cancelled',
  /** Staff cancelled the stay; the source still lists it. Staff's word stands. */
  'kept_cancelled',
  /** Checked out already, or cancelled before Keyhold saw it: nothing to do. */
  'ignored',
  /** Older than what Keyhold has from the source (a webhook delivered late). */
  'stale',
  'error',
] as const;

export type IngestOutcome = (typeof INGEST_OUTCOMES)[number];

/** The outcomes that change a stay: what applying a dry run would do. */
export const CHANGES_A_STAY: ReadonlySet<IngestOutcome> = new Set([
  'created',
  'updated',
  'linked',
  'cancelled',
]);

/** How many results had each outcome, every outcome present. */
export function countOutcomes(
  results: { outcome: IngestOutcome }[],
): Record<IngestOutcome, number> {
  const counts = Object.fromEntries(INGEST_OUTCOMES.map((o) => [o, 0])) as Record<
    IngestOutcome,
    number
  >;
  for (const r of results) counts[r.outcome]++;
  return counts;
}
