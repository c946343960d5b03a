import { describe, expect, it } from 'vitest';
import type { CalendarRead } from '@/lib/sources/calendars';
import type { IngestOutcome, IngestSummary } from '@/lib/sources/ingest';
import { describeRead } from './read-words';

const none: Record<IngestOutcome, number> = {
  created: 0,
  updated: 0,
  unchanged: 0,
  linked: 0,
  cancelled: 0,
  kept_cancelled: 0,
  ignored: 0,
  stale: 0,
  error: 0,
};

const read = (summary: Partial<IngestSummary>): CalendarRead => ({
  kind: 'read',
  summary: {
    results: [],
    counts: none,
    pendingCancellation: 0,
    cancelledMissing: 0,
    distrusted: null,
    ...summary,
  },
  skipped: [],
  nextReadAt: new Date('2026-12-05T12:10:00Z'),
});

describe('what "Read now" says it did', () => {
  it.each([
    [
      'new and changed stays',
      read({ counts: { ...none, created: 2, updated: 1, unchanged: 3 } }),
      'success',
      'Read: 2 stays created, 1 updated, 3 unchanged.',
    ],
    [
      'a booking gone from one read',
      read({ counts: { ...none, unchanged: 1 }, pendingCancellation: 1 }),
      'success',
      'Read: 1 unchanged. 1 booking is missing from the feed: its stay is cancelled if the next read misses it too.',
    ],
    [
      'a booking gone from enough reads',
      read({ counts: { ...none, unchanged: 1 }, cancelledMissing: 1 }),
      'success',
      'Read: 1 unchanged. 1 stay cancelled: its booking is gone from the feed.',
    ],
    [
      'an empty read',
      read({ distrusted: 'The feed listed no bookings.' }),
      'info',
      'Read: nothing changed. Nothing was cancelled: The feed listed no bookings.',
    ],
    [
      'bookings refused',
      read({ counts: { ...none, created: 1, error: 2 } }),
      'success',
      'Read: 1 stay created, 2 refused.',
    ],
    [
      'a 304',
      { kind: 'unchanged', nextReadAt: new Date('2026-12-05T12:10:00Z') } as CalendarRead,
      'info',
      'Read: the feed has not changed.',
    ],
    [
      'a failed read',
      {
        kind: 'failed',
        error: 'Could not connect to the calendar server (connection refused).',
        nextReadAt: new Date('2026-12-24T15:30:00Z'),
      } as CalendarRead,
      'error',
      'The feed could not be read: Could not connect to the calendar server (connection refused). Keyhold tries again at 24 Dec, 10:30.',
    ],
  ])('%s', (_case, given, tone, message) => {
    expect(describeRead(given, 'America/New_York')).toEqual({ tone, message });
  });
});
