'use server';

import { headers } from 'next/headers';
import { AuthError, CredentialsSignin } from 'next-auth';
import { signIn } from '@/auth';
import { signInSchema } from '@/lib/auth/sign-in';
import { GENERIC_ERROR_MESSAGE } from '@/lib/errors';
import { safeCallbackUrl } from '@/lib/http/callback-url';
import { logger, withRequestId } from '@/lib/log';
import { type FieldErrors, zodFieldErrors } from '@/lib/validation';

export type SignInState = {
  /** A message for the whole form. */
  error?: string;
  /** Every refused field at once, by input name. */
  fieldErrors?: FieldErrors;
  /** Echoed back so the visitor does not retype it; the password never is. */
  email?: string;
};

export async function signInAction(
  previous: SignInState,
  formData: FormData,
): Promise<SignInState> {
  const requestId = (await headers()).get('x-request-id');
  return withRequestId(requestId, () => attemptSignIn(previous, formData));
}

async function attemptSignIn(_previous: SignInState, formData: FormData): Promise<SignInState> {
  const email = formData.get('email');
  const parsed = signInSchema.safeParse({
    email: typeof email === 'string' ? email : '',
    password: formData.get('password') ?? '',
  });
  const echoedEmail = typeof email === 'string' ? email.slice(0, 320) : '';
  if (!parsed.success) return { fieldErrors: zodFieldErrors(parsed.error), email: echoedEmail };

  try {
    await signIn('credentials', {
      email: parsed.data.email,
      password: parsed.data.password,
      redirectTo: safeCallbackUrl(formData.get('callbackUrl')),
    });
    return {};
  } catch (error) {
    if (error instanceof CredentialsSignin) {
      return {
        error:
          error.code === 'rate_limited'
            ? 'Too many failed sign-ins. Wait a few minutes, then try again.'
            : 'Email or password is incorrect.',
        email: echoedEmail,
      };
    }
    if (error instanceof AuthError) {
      logger().error({ err: error }, 'sign-in failed');
      return { error: GENERIC_ERROR_MESSAGE, email: echoedEmail };
    }
    // Next's redirect after a successful sign-in is thrown; let it through.
    throw error;
  }
}
