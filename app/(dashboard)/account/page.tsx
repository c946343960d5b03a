import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { listOwnSessions } from '@/lib/auth/sessions';
import { clock } from '@/lib/clock';
import { currentSessionId, requirePageActor } from '@/lib/http/session';
import { getOwnNotificationPreferences } from '@/lib/notifications/preferences';
import { formatInZone } from '@/lib/time';
import { ChangePassword, Sessions } from './account-view';
import { NotificationPreferences } from './notification-preferences';

export const metadata: Metadata = { title: 'Your account' };

// One member's own sessions, password and email notifications; every member has this page.
export default async function AccountPage() {
  const actor = await requirePageActor('sessions.own');
  const db = await getDb();
  const [{ sessions, timeZone: zone }, notifications] = await Promise.all([
    listOwnSessions(db, actor, await currentSessionId(), clock.now()),
    actor.userId ? getOwnNotificationPreferences(db, actor) : null,
  ]);
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-xl font-semibold">Your account</h1>
        <p className="text-sm text-slate-600">
          {actor.name} · {actor.email}
        </p>
      </div>
      <section aria-labelledby="sessions-heading" className="space-y-3">
        <h2 id="sessions-heading" className="font-semibold">
          Your sessions
        </h2>
        <p className="text-sm text-slate-600">
          Each browser you signed in with. A session ends 12 hours after sign-in, when you sign out,
          or when you end it here.
        </p>
        <Sessions
          sessions={sessions.map((s) => ({
            id: s.id,
            device: s.userAgent ?? 'Unknown browser',
            ip: s.ip,
            signedIn: formatInZone(s.createdAt, zone),
            lastSeen: formatInZone(s.lastSeenAt, zone),
            ends: formatInZone(s.expiresAt, zone),
            current: s.current,
          }))}
        />
      </section>
      {notifications ? (
        <section aria-labelledby="notifications-heading" className="space-y-3">
          <h2 id="notifications-heading" className="font-semibold">
            Email notifications
          </h2>
          <p className="text-sm text-slate-600">
            Be told of trouble with arrivals and locks without watching the dashboard.
          </p>
          <NotificationPreferences initial={notifications} />
        </section>
      ) : null}
      <section aria-labelledby="password-heading" className="space-y-3">
        <h2 id="password-heading" className="font-semibold">
          Change your password
        </h2>
        <ChangePassword />
      </section>
    </div>
  );
}
