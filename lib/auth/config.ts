import type { NextAuthConfig } from 'next-auth';
import { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import type { Db } from '@/db/client';
import type { Env } from '@/lib/env';
import { logger } from '@/lib/log';
import { DEVICE_COOKIE, verifiedDevice, withDeviceToken } from './device';
import { liveSession, revokeSession, SESSION_LIFETIME_SECONDS, startSession } from './sessions';
import { clientAddress, signInSchema, verifySignIn } from './sign-in';

declare module 'next-auth' {
  interface User {
    /** The user_sessions row made at sign-in; only authorize sets it. */
    sessionId?: string;
  }
  interface Session {
    sessionId: string;
  }
}

/** Thrown by authorize so the sign-in form can say "slow down" rather than "wrong password". */
class RateLimitedSignIn extends CredentialsSignin {
  code = 'rate_limited';
}

export type AuthDeps = {
  getDb: () => Promise<Db>;
  settings: Pick<
    Env,
    | 'AUTH_SECRET'
    | 'TRUSTED_PROXY_HOPS'
    | 'SIGN_IN_MAX_FAILURES_PER_EMAIL'
    | 'SIGN_IN_MAX_FAILURES_PER_IP'
    | 'SIGN_IN_WINDOW_MINUTES'
  >;
  now: () => Date;
  /**
   * Sets the `keyhold-device` cookie after a sign-in, so this browser counts
   * as its own source for the email (lib/auth/device.ts). Next's cookie store
   * in the app; tests that drive the handlers in-process leave it out.
   */
  rememberDevice?: (token: string, secure: boolean) => Promise<void>;
};

/**
 * The Auth.js configuration, apart from Next so tests can drive the real
 * handlers in-process. The cookie holds a JWT with the user id (`sub`) and
 * the session row id (`sid`); the row decides whether it still means anything.
 */
export function authConfig({ getDb, settings, now, rememberDevice }: AuthDeps): NextAuthConfig {
  return {
    secret: settings.AUTH_SECRET,
    // Keyhold is self-hosted behind whatever host name the hotel uses.
    trustHost: true,
    // The cookie's own lifetime; the session row's expires_at is the absolute end.
    session: { strategy: 'jwt', maxAge: SESSION_LIFETIME_SECONDS },
    pages: { signIn: '/sign-in' },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(credentials, request) {
          const parsed = signInSchema.safeParse(credentials);
          if (!parsed.success) return null;
          const db = await getDb();
          const ip = clientAddress(
            request.headers.get('x-forwarded-for'),
            settings.TRUSTED_PROXY_HOPS,
          );
          const deviceCookie = cookieValue(request.headers.get('cookie'), DEVICE_COOKIE);
          const device = verifiedDevice(settings.AUTH_SECRET, parsed.data.email, deviceCookie);
          const result = await verifySignIn(db, { ...parsed.data, ip, device }, now(), {
            maxFailuresPerSource: settings.SIGN_IN_MAX_FAILURES_PER_EMAIL,
            maxFailuresPerIp: settings.SIGN_IN_MAX_FAILURES_PER_IP,
            windowMinutes: settings.SIGN_IN_WINDOW_MINUTES,
          });
          if (result.ok) {
            const session = await startSession(
              db,
              { userId: result.userId, userAgent: request.headers.get('user-agent'), ip },
              now(),
            );
            await rememberDevice?.(
              withDeviceToken(settings.AUTH_SECRET, parsed.data.email, deviceCookie),
              new URL(request.url).protocol === 'https:' ||
                request.headers.get('x-forwarded-proto') === 'https',
            );
            return { id: result.userId, sessionId: session.id };
          }
          logger().info({ event: 'sign_in_failed', reason: result.reason }, 'sign-in refused');
          if (result.reason === 'rate_limited') throw new RateLimitedSignIn();
          return null;
        },
      }),
    ],
    callbacks: {
      // The token holds only the user id and the session id; role and
      // organization are read on every request. A token whose session row is
      // revoked or past its end answers null: Auth.js then clears the cookie
      // and /api/auth/session returns nothing, rather than re-issuing it.
      async jwt({ token, user }) {
        if (user) return { sub: user.id, sid: user.sessionId };
        const session = await liveSession(await getDb(), token.sid, now());
        if (!session || session.userId !== token.sub) return null;
        return { sub: token.sub, sid: session.id };
      },
      session({ session, token }) {
        return {
          ...session,
          sessionId: String(token.sid ?? ''),
          user: { id: token.sub ?? '' },
        } as typeof session;
      },
    },
    events: {
      // Both ways out (the nav's sign-out action and POST /api/auth/signout) end here.
      async signOut(message) {
        if ('token' in message && message.token) {
          await revokeSession(await getDb(), message.token.sid, now());
        }
      },
    },
    logger: {
      // Auth.js logs failed sign-ins as errors with stacks; they are expected outcomes here.
      error(error) {
        if (error instanceof CredentialsSignin) return;
        // The cause (a database error, say) is what tells an operator what broke.
        logger().error({ err: error }, 'auth error');
      },
      warn(code) {
        logger().warn({ code }, 'auth warning');
      },
      debug() {},
    },
  };
}

/** One cookie's value from a Cookie header, or undefined. */
function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}
