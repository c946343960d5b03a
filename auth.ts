import { cookies } from 'next/headers';
import NextAuth from 'next-auth';
import { getDb } from '@/db/client';
import { authConfig } from '@/lib/auth/config';
import { DEVICE_COOKIE } from '@/lib/auth/device';
import { clock } from '@/lib/clock';
import { env } from '@/lib/env';

// The config is built on first use so `next build` never reads settings or
// opens the database.
export const { handlers, auth, signIn, signOut } = NextAuth(() =>
  authConfig({
    getDb,
    settings: env(),
    now: () => clock.now(),
    async rememberDevice(token, secure) {
      (await cookies()).set(DEVICE_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        secure,
        maxAge: 365 * 24 * 60 * 60,
      });
    },
  }),
);
