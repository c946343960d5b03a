// The safety net's numbers and words, apart from the database so any page
// (and the arrivals board in the browser) can say them. The rule itself is
// `countMissing` in ./ingest.ts.

/** Clean reads of a feed that must miss a booking before its stay is cancelled. */
export const MISSING_READS_TO_CANCEL = 2;

/**
 * A read listing fewer than this share of the upcoming bookings Keyhold has
 * from the feed is not trusted to cancel anything (a feed cut short, a
 * channel's bad day); nor is an empty one.
 */
export const SHRUNK_READ_SHARE = 0.5;

export type PendingCancellation = { sourceName: string; missingReads: number };

/** The words every page uses for a stay pending cancellation. */
export function pendingCancellationText(pending: PendingCancellation): string {
  const left = MISSING_READS_TO_CANCEL - pending.missingReads;
  const reads = left <= 1 ? 'the next read still leaves' : `${left} more reads still leave`;
  return `Pending cancellation: “${pending.sourceName}” no longer lists this booking. It is cancelled if ${reads} it out; if the guest is still coming, check the booking at the channel.`;
}
