import type { LockDetail } from '@/lib/devices/lock-detail';

/**
 * Who else opens this door and when (cleaners, maintenance, owners), in the
 * words of the Staff page: every member who reads locks sees it, never the digits.
 */
export function StaffAccess({ staff }: { staff: LockDetail['staff'] }) {
  return (
    <section aria-labelledby="staff-access-heading" className="space-y-2">
      <h2 id="staff-access-heading" className="text-lg font-semibold">
        Staff with access
      </h2>
      {staff.length === 0 ? (
        <p className="text-sm text-slate-600">Nobody but guests has a code for this lock.</p>
      ) : (
        <ul className="space-y-1 text-sm" data-testid="staff-with-access">
          {staff.map((person, index) => (
            // Two people may share a name and windows: the order is the list's (by name).
            // biome-ignore lint/suspicious/noArrayIndexKey: the list has no ids to hand out
            <li key={index}>
              <span className="font-medium">{person.name}</span> ({person.roleLabel.toLowerCase()})
              — {person.windows}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
