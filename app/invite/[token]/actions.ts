'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { AuthError } from 'next-auth';
import { signIn } from '@/auth';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { AppError, GENERIC_ERROR_MESSAGE } from '@/lib/errors';
import { formOf } from '@/lib/http/action';
import { currentUserId, ORGANIZATION_COOKIE } from '@/lib/http/session';
import { logger, withRequestId } from '@/lib/log';
import { acceptInvitation, acceptInvitationWithNewAccount } from '@/lib/organizations/invitations';
import { type FieldErrors, fieldErrorsOf } from '@/lib/validation';

export type InviteState = { error?: string; fieldErrors?: FieldErrors };

/** Act in the organization just joined from the next page on. */
async function switchTo(organizationId: string): Promise<void> {
  (await cookies()).set(ORGANIZATION_COOKIE, organizationId, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
  });
}

async function answer(work: () => Promise<void>): Promise<InviteState> {
  const requestId = (await headers()).get('x-request-id');
  return withRequestId(requestId, async () => {
    try {
      await work();
      return {};
    } catch (error) {
      if (error instanceof AppError) {
        return { error: error.message, fieldErrors: fieldErrorsOf(error) };
      }
      if (error instanceof AuthError) {
        logger().error({ err: error }, 'sign-in after accepting an invitation failed');
        return { error: GENERIC_ERROR_MESSAGE };
      }
      // Redirects are thrown; let them through.
      throw error;
    }
  });
}

/** Accept as the signed-in user. */
export async function acceptInviteAction(
  _previous: InviteState,
  formArgument: FormData,
): Promise<InviteState> {
  const formData = formOf(formArgument);
  let joined = false;
  const state = await answer(async () => {
    const userId = await currentUserId();
    if (!userId) throw new AppError('unauthenticated', 'Sign in first, then accept.');
    const { organizationId } = await acceptInvitation(
      await getDb(),
      { token: String(formData.get('token') ?? ''), userId },
      clock.now(),
    );
    await switchTo(organizationId);
    joined = true;
  });
  if (joined) redirect('/');
  return state;
}

/** Create the invited email's account, accept, and sign in. */
export async function createAccountAction(
  _previous: InviteState,
  formArgument: FormData,
): Promise<InviteState> {
  const formData = formOf(formArgument);
  return answer(async () => {
    const password = String(formData.get('password') ?? '');
    const { organizationId, email } = await acceptInvitationWithNewAccount(
      await getDb(),
      {
        token: String(formData.get('token') ?? ''),
        name: String(formData.get('name') ?? ''),
        password,
      },
      clock.now(),
    );
    await switchTo(organizationId);
    await signIn('credentials', { email, password, redirectTo: '/' });
  });
}
