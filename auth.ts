import { cookies } from 'next/headers';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { getDb } from '@/db/client';
import { DEVICE_COOKIE, verifiedDevice, withDeviceToken } from '@/lib/auth/device';
import { clientAddress, signInSchema, verifySignIn } from '@/lib/auth/sign-in';
import { clock } from '@/lib/clock';
import { env } from '@/lib/env';
import { logger } from '@/lib/log';

/** Thrown by authorize so the sign-in form can say "slow down" rather than "wrong password". */
class RateLimitedSignIn extends CredentialsSignin {
  code = 'rate_limited';
}

// The config is built on first use so `next build` never reads settings or
// opens the database.
export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const settings = env();
  return {
    secret: settings.AUTH_SECRET,
    // Keyhold is self-hosted behind whatever host name the hotel uses.
    trustHost: true,
    session: { strategy: 'jwt', maxAge: 12 * 60 * 60 },
    pages: { signIn: '/sign-in' },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(credentials, request) {
          const parsed = signInSchema.safeParse(credentials);
          if (!parsed.success) return null;
          const jar = await cookies();
          const deviceCookie = jar.get(DEVICE_COOKIE)?.value;
          const result = await verifySignIn(
            await getDb(),
            {
              ...parsed.data,
              ip: clientAddress(
                request.headers.get('x-forwarded-for'),
                settings.TRUSTED_PROXY_HOPS,
              ),
              device: verifiedDevice(settings.AUTH_SECRET, parsed.data.email, deviceCookie),
            },
            clock.now(),
            {
              maxFailuresPerSource: settings.SIGN_IN_MAX_FAILURES_PER_EMAIL,
              maxFailuresPerIp: settings.SIGN_IN_MAX_FAILURES_PER_IP,
              windowMinutes: settings.SIGN_IN_WINDOW_MINUTES,
            },
          );
          if (result.ok) {
            // This browser now counts as its own source for the email (lib/auth/device.ts).
            jar.set(
              DEVICE_COOKIE,
              withDeviceToken(settings.AUTH_SECRET, parsed.data.email, deviceCookie),
              {
                httpOnly: true,
                sameSite: 'lax',
                path: '/',
                secure:
                  new URL(request.url).protocol === 'https:' ||
                  request.headers.get('x-forwarded-proto') === 'https',
                maxAge: 365 * 24 * 60 * 60,
              },
            );
            return { id: result.userId };
          }
          logger().info({ event: 'sign_in_failed', reason: result.reason }, 'sign-in refused');
          if (result.reason === 'rate_limited') throw new RateLimitedSignIn();
          return null;
        },
      }),
    ],
    callbacks: {
      // The token holds only the user id; role and organization are read on every request.
      jwt({ token, user }) {
        return { sub: user?.id ?? token.sub };
      },
      session({ session, token }) {
        return { ...session, user: { id: token.sub ?? '' } } as typeof session;
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
});
