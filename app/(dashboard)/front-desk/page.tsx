import type { Metadata } from 'next';
import { CodeStatus } from '@/components/code-status';
import { Alert } from '@/components/ui/alert';
import { EmptyState } from '@/components/ui/empty-state';
import { controlClass } from '@/components/ui/field';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { firstValues } from '@/lib/http/search-params';
import { requirePageActor } from '@/lib/http/session';
import { deskSearchSchema, listDeskStays } from '@/lib/reservations/desk';
import { formatInZone } from '@/lib/time';
import { PullBackupButton } from './pull-button';

export const metadata: Metadata = { title: 'Front desk' };

export default async function FrontDeskPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor('backup_codes.pull');
  const parsed = deskSearchSchema.safeParse(firstValues(await searchParams));
  const q = parsed.success ? parsed.data.q : undefined;
  const stays = await listDeskStays(await getDb(), actor, { q }, clock.now());

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Front desk</h1>
          <p className="text-sm text-slate-600">
            Guests in-house or arriving in the next 72 hours. A guest who cannot get in gets a
            backup code in one click.
          </p>
        </div>
        <form className="w-full sm:w-72" action="/front-desk">
          <label htmlFor="desk-search" className="sr-only">
            Search guests
          </label>
          <input
            id="desk-search"
            name="q"
            type="search"
            defaultValue={q}
            placeholder="Guest name or room"
            className={controlClass}
          />
        </form>
      </div>
      {parsed.success ? null : (
        <Alert tone="warning" role="alert">
          {parsed.error.issues[0]?.message}
        </Alert>
      )}
      {stays.length === 0 ? (
        <EmptyState>
          {q ? `No stay matches “${q}”.` : 'No guests in-house or arriving in the next 72 hours.'}
        </EmptyState>
      ) : (
        <ul className="space-y-3">
          {stays.map((stay) => (
            <li
              key={stay.reservationId}
              data-testid="desk-stay"
              className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
            >
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <p className="font-medium">{stay.guestName}</p>
                <p className="text-sm text-slate-600">
                  {formatInZone(stay.startsAt, stay.timeZone)} –{' '}
                  {formatInZone(stay.endsAt, stay.timeZone)}{' '}
                  <span className="text-slate-500">({stay.timeZone})</span>
                </p>
              </div>
              <ul className="mt-3 space-y-3">
                {stay.codes.map((code) => (
                  <li
                    key={code.accessCodeId}
                    className="flex flex-wrap items-start justify-between gap-3"
                  >
                    <div className="text-sm">
                      <p className="font-medium">{code.lockName}</p>
                      <CodeStatus state={code.state} seamIssues={code.problems} />
                    </div>
                    <PullBackupButton
                      accessCodeId={code.accessCodeId}
                      lockName={code.lockName}
                      alreadyPulled={code.backupPulled}
                    />
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
