import type { Metadata } from 'next';
import { Breadcrumb } from '@/components/ui/breadcrumb';
import { getDb } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { groupLockChoices, listLockGroups } from '@/lib/devices/lock-groups';
import { requirePageActor } from '@/lib/http/session';
import { CreateGroupForm } from './create-group-form';
import { GroupCard } from './group-card';

export const metadata: Metadata = { title: 'Lock groups' };

/** Named sets of a property's locks: a common door can serve just one group's stays. */
export default async function LockGroupsPage() {
  const actor = await requirePageActor('locks.read');
  const db = await getDb();
  const [groups, places] = await Promise.all([
    listLockGroups(db, actor, {}),
    groupLockChoices(db, actor),
  ]);
  const canManage = can(actor.role, 'locks.manage');
  return (
    <div className="space-y-6">
      <Breadcrumb parent={{ href: '/locks', label: 'Locks' }} current="Lock groups" />
      <div>
        <h1 className="text-xl font-semibold">Lock groups</h1>
        <p className="max-w-prose text-sm text-slate-600">
          A group is a named set of one property’s locks, such as “Garden rooms” or “2nd floor”. A
          lock marked the common door of a group (on its own page) gets the guest code of every stay
          with a room in that group; one marked for its property gets every stay’s there.
        </p>
      </div>
      {places.map((place) => {
        const own = groups.filter((g) => g.propertyId === place.id);
        return (
          <section key={place.id} aria-labelledby={`groups-${place.id}`} className="space-y-3">
            <h2 id={`groups-${place.id}`} className="font-semibold">
              {place.name}
            </h2>
            {own.length === 0 ? (
              <p className="text-sm text-slate-600">No lock groups at {place.name} yet.</p>
            ) : (
              <ul className="space-y-3">
                {own.map((group) => (
                  <GroupCard
                    key={group.id}
                    group={group}
                    locks={place.locks}
                    canManage={canManage}
                  />
                ))}
              </ul>
            )}
          </section>
        );
      })}
      {canManage && places.length > 0 ? (
        <CreateGroupForm
          properties={places.map((p) => ({ id: p.id, name: p.name, locks: p.locks }))}
        />
      ) : null}
    </div>
  );
}
