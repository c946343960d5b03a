import type { Metadata } from 'next';
import { CodeStatus } from '@/components/code-status';
import { Alert } from '@/components/ui/alert';
import { Breadcrumb } from '@/components/ui/breadcrumb';
import { EmptyState } from '@/components/ui/empty-state';
import { Panel } from '@/components/ui/panel';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { orNotFound, requirePageActor } from '@/lib/http/session';
import { getStaffMember, staffDoorChoices } from '@/lib/staff/members';
import { StaffForm } from '../staff-form';
import { PersonActions } from './person-actions';

export const metadata: Metadata = { title: 'Staff member' };

/** One person: their code, their doors with each scheduled code and where it stands, entries, edit. */
export default async function StaffMemberPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor('staff.manage');
  const { id } = await params;
  const db = await getDb();
  const now = clock.now();
  const [person, choices] = await Promise.all([
    orNotFound(() => getStaffMember(db, actor, id, now)),
    staffDoorChoices(db, actor),
  ]);

  return (
    <div className="space-y-5">
      <Breadcrumb parent={{ href: '/staff', label: 'Staff' }} current={person.name} />
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">{person.name}</h1>
          <p className="text-sm text-slate-600">
            {[person.roleLabel, person.email, person.phone].filter(Boolean).join(' · ')}
          </p>
        </div>
        {person.removed ? null : (
          <PersonActions
            staffMemberId={person.id}
            name={person.name}
            reachable={Boolean(person.email || person.phone)}
          />
        )}
      </div>

      {person.removed ? (
        <Alert tone="info">Removed: their codes are off the locks. Their entries stay below.</Alert>
      ) : (
        <Panel title="Code">
          <p className="text-sm text-slate-700">
            Their code is{' '}
            <span className="font-mono text-lg font-semibold" data-testid="staff-code">
              {person.code}
            </span>
            , on every door below unless that door says otherwise.
          </p>
          <ul className="list-inside list-disc text-sm text-slate-700">
            {person.windowWords.map((words) => (
              <li key={words}>{words}</li>
            ))}
          </ul>
        </Panel>
      )}

      <Panel title="Doors and scheduled codes">
        <p className="text-sm text-slate-600">
          Codes are made up to 72 hours ahead, one per window, in each door’s local time. A lock
          that keeps schedules holds one of them at a time: it gets the next window’s code once the
          one before it has ended.
        </p>
        {person.locks.length === 0 ? (
          <EmptyState>No doors.</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100">
            {person.locks.map((lock) => (
              <li key={lock.deviceId} className="space-y-2 py-3" data-testid="staff-door">
                <h3 className="font-medium">
                  {lock.name}
                  {lock.propertyName ? (
                    <span className="font-normal text-slate-500"> · {lock.propertyName}</span>
                  ) : null}
                </h3>
                {lock.otherDigits ? (
                  <Alert tone="warning">
                    This door has digits of its own:{' '}
                    <span className="font-mono font-semibold">{lock.otherDigits}</span>. Another
                    code on this lock holds {person.name}’s, or the lock cannot take them.
                  </Alert>
                ) : null}
                {lock.codes.length === 0 ? (
                  <p className="text-sm text-slate-600">No window in the next 72 hours.</p>
                ) : (
                  <ul className="space-y-2">
                    {lock.codes.map((code) => (
                      <li
                        key={code.id}
                        className="flex flex-wrap items-start justify-between gap-2 text-sm"
                        data-testid="staff-door-code"
                      >
                        <span>{code.window}</span>
                        <CodeStatus state={code.state} detail />
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel title="Last entries">
        {person.entries.length === 0 ? (
          <p className="text-sm text-slate-600">
            No entries yet. Locks that report which code opened them credit entries here.
          </p>
        ) : (
          <ul className="space-y-1 text-sm" data-testid="staff-entries">
            {person.entries.map((entry) => (
              <li key={entry.id}>{entry.words}</li>
            ))}
          </ul>
        )}
      </Panel>

      {person.removed ? null : (
        <Panel title="Change">
          <StaffForm
            choices={choices}
            staffMemberId={person.id}
            initial={{
              name: person.name,
              role: person.role,
              email: person.email,
              phone: person.phone,
              deviceIds: person.deviceIds,
              groupIds: person.groupIds,
              windows: person.windows,
            }}
          />
        </Panel>
      )}
    </div>
  );
}
