import { EmptyState } from '@/components/ui/empty-state';
import { describeEventType } from '@/lib/access-codes/describe';
import type { LockDetailEvent } from '@/lib/devices/lock-detail';
import { formatInZone } from '@/lib/time';

/** What happened on the lock lately, newest first, and who did it. */
export function Events({ events, zone }: { events: LockDetailEvent[]; zone: string }) {
  return (
    <section aria-labelledby="events-heading" className="space-y-3">
      <h2 id="events-heading" className="text-lg font-semibold">
        Recent events
      </h2>
      {events.length === 0 ? (
        <EmptyState>Nothing has happened on this lock yet.</EmptyState>
      ) : (
        <ol
          data-testid="lock-events"
          className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm"
        >
          {events.map((event) => (
            <li key={event.id} className="flex flex-wrap justify-between gap-x-3 px-4 py-2 text-sm">
              <span>
                <span className="font-medium" title={event.eventType}>
                  {describeEventType(event.eventType)}
                </span>
                <span className="text-slate-600">
                  {' '}
                  · {eventSubject(event)}
                  {event.changeType ? ` (${event.changeType})` : ''}
                </span>
                <span className="block text-xs text-slate-500">
                  {event.actorName ? `by ${event.actorName}` : 'by Keyhold'}
                </span>
              </span>
              <time
                dateTime={event.occurredAt}
                className="text-xs whitespace-nowrap text-slate-500"
              >
                {formatInZone(new Date(event.occurredAt), zone)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function eventSubject(event: LockDetailEvent): string {
  if (event.isBackup) return event.guestName ? `Backup code for ${event.guestName}` : 'Backup code';
  if (event.guestName) return event.guestName;
  return event.codeName ?? 'Unnamed code';
}
