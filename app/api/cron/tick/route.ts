// POST /api/cron/tick — one reconciler tick, for any outside scheduler (bearer CRON_SECRET).
import { getDatabase } from '@/db/client';
import { clock } from '@/lib/clock';
import { defaultAdapters } from '@/lib/devices/connections';
import { env } from '@/lib/env';
import { withCronSecret } from '@/lib/http/route';
import { runTick } from '@/lib/reconciler/tick';

export const dynamic = 'force-dynamic';

const tick = withCronSecret(async () => {
  const { db, hardware } = await getDatabase();
  const stats = await runTick(db, {
    now: clock.now(),
    adapters: defaultAdapters(db, { hardware }),
    calendarRefreshMinutes: env().CALENDAR_REFRESH_MINUTES,
  });
  return { ok: true, ...stats };
});

// Vercel Cron calls GET; system cron and Kubernetes usually POST.
export const GET = tick;
export const POST = tick;
