// The page an invitation's one-time link opens: accept signed in, or create the account.

import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { getDb } from '@/db/client';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import { clock } from '@/lib/clock';
import { AppError } from '@/lib/errors';
import { currentUserId } from '@/lib/http/session';
import { getInvitation, type InvitationView } from '@/lib/organizations/invitations';
import { AcceptForm, CreateAccountForm } from './forms';

export const metadata: Metadata = { title: 'Invitation' };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  await connection();
  const { token } = await params;
  let invitation: InvitationView;
  try {
    invitation = await getInvitation(await getDb(), token, clock.now());
  } catch (error) {
    // Unknown, used, revoked and expired links all look alike.
    if (error instanceof AppError && error.code === 'not_found') notFound();
    throw error;
  }
  const signedIn = (await currentUserId()) !== null;
  const role = ROLE_LABELS[invitation.role].toLowerCase();

  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md space-y-4">
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="mb-2 text-lg font-semibold">Join {invitation.organizationName}</h1>
          <p className="mb-5 text-sm text-slate-600">
            {invitation.email} is invited as {role}.
          </p>
          {signedIn ? (
            <AcceptForm token={token} />
          ) : (
            <div className="space-y-6">
              <p className="text-sm">
                Already have a Keyhold account?{' '}
                <Link
                  href={`/sign-in?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`}
                  className="text-brand-700 underline"
                >
                  Sign in to accept
                </Link>
                .
              </p>
              <div>
                <h2 className="mb-3 text-sm font-semibold">New to Keyhold? Create your account</h2>
                <CreateAccountForm token={token} name={invitation.name} />
              </div>
            </div>
          )}
        </div>
      </div>
    </main>
  );
}
