import NextAuth from 'next-auth';
import { getDb } from '@/db/client';
import { authConfig } from '@/lib/auth/config';
import { clock } from '@/lib/clock';
import { env } from '@/lib/env';

// The config is built on first use so `next build` never reads settings or
// opens the database.
export const { handlers, auth, signIn, signOut } = NextAuth(() =>
  authConfig({ getDb, settings: env(), now: () => clock.now() }),
);
