import type { Metadata } from 'next';
import Link from 'next/link';
import { ButtonLink } from '@/components/ui/button';
import { DataTable, Td } from '@/components/ui/data-table';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { requirePageActor } from '@/lib/http/session';
import { listStaffMembers } from '@/lib/staff/members';

export const metadata: Metadata = { title: 'Staff' };

/** People who are not guests and their codes on a schedule: owners and admins only. */
export default async function StaffPage() {
  const actor = await requirePageActor('staff.manage');
  const people = await listStaffMembers(await getDb(), actor, clock.now());

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Staff</h1>
          <p className="text-sm text-slate-600">
            Cleaners, maintenance and owners: one code each, on their doors during their windows.
            Times are each door’s local time.
          </p>
        </div>
        <ButtonLink href="/staff/new" variant="primary">
          Add a person
        </ButtonLink>
      </div>
      <DataTable
        columns={[
          { label: 'Name' },
          { label: 'Role', hideBelow: 'sm' },
          { label: 'Doors' },
          { label: 'Windows', hideBelow: 'md' },
          { label: 'Next window', hideBelow: 'lg' },
        ]}
        empty={
          people.length === 0 ? (
            <>
              <p>No staff yet.</p>
              <p>
                Add a cleaner, maintenance person or owner to give them a code that opens their
                doors on a schedule.
              </p>
            </>
          ) : undefined
        }
      >
        {people.map((person) => (
          <tr key={person.id} data-testid="staff-row">
            <Td>
              <Link
                href={`/staff/${person.id}`}
                className="font-medium text-brand-700 underline-offset-2 hover:underline"
              >
                {person.name}
              </Link>
            </Td>
            <Td hideBelow="sm">{person.roleLabel}</Td>
            <Td className="wrap-anywhere">{person.doors.join(', ')}</Td>
            <Td hideBelow="md">{person.windows}</Td>
            <Td hideBelow="lg" className="whitespace-nowrap">
              {person.nextWindow ?? 'None in the next two weeks'}
            </Td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
