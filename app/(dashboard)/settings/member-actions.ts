'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import type { MemberRole } from '@/db/schema';
import { endMemberSessions } from '@/lib/auth/sessions';
import { clock } from '@/lib/clock';
import { type ActionResult, fieldsOf, formOf, runAction } from '@/lib/http/action';
import { invitationPath, inviteMember, revokeInvitation } from '@/lib/organizations/invitations';
import { changeMemberRole, removeMember, setMemberDisabled } from '@/lib/organizations/members';

export type InvitedMemberResult = {
  email: string;
  role: MemberRole;
  /** The one-time link's path, shown to the admin once to pass on. */
  invitePath: string;
};

/**
 * Invite a member. The answer is the same whether or not the email has a
 * Keyhold account: nothing here tells an admin about other organizations' people.
 */
export async function addMemberAction(
  _previous: ActionResult<InvitedMemberResult> | null,
  formArgument: FormData,
): Promise<ActionResult<InvitedMemberResult>> {
  const formData = formOf(formArgument);
  const result = await runAction('members.manage', async (actor) => {
    const invited = await inviteMember(
      await getDb(),
      actor,
      {
        email: String(formData.get('email') ?? ''),
        name: String(formData.get('name') ?? ''),
        // Checked by the schema inside; an unknown role is refused there, naming the field.
        role: String(formData.get('role') ?? '') as MemberRole,
      },
      clock.now(),
    );
    return { email: invited.email, role: invited.role, invitePath: invitationPath(invited.token) };
  });
  if (result.ok) revalidatePath('/settings');
  return result;
}

export async function revokeInvitationAction(argument: {
  invitationId: string;
}): Promise<ActionResult<null>> {
  const input = fieldsOf(argument);
  const result = await runAction('members.manage', async (actor) => {
    await revokeInvitation(await getDb(), actor, String(input.invitationId), clock.now());
    return null;
  });
  if (result.ok) revalidatePath('/settings');
  return result;
}

/** Answers the role the member has now, so the page shows what was saved. */
export async function changeMemberRoleAction(argument: {
  userId: string;
  role: MemberRole;
}): Promise<ActionResult<{ role: MemberRole }>> {
  const result = await runAction('members.manage', async (actor) => {
    const input = fieldsOf(argument);
    const member = await changeMemberRole(
      await getDb(),
      actor,
      {
        userId: String(input.userId),
        // Checked by the schema inside; an unknown role is refused there, naming the field.
        role: String(input.role) as MemberRole,
      },
      clock.now(),
    );
    return { role: member.role };
  });
  if (result.ok) revalidatePath('/settings');
  return result;
}

export async function setMemberDisabledAction(argument: {
  userId: string;
  disabled: boolean;
}): Promise<ActionResult<null>> {
  const input = fieldsOf(argument);
  const result = await runAction('members.manage', async (actor) => {
    await setMemberDisabled(
      await getDb(),
      actor,
      // Checked by the schema inside: anything but true or false is refused, naming the field.
      { userId: String(input.userId), disabled: input.disabled as boolean },
      clock.now(),
    );
    return null;
  });
  if (result.ok) revalidatePath('/settings');
  return result;
}

/** "Sign out everywhere": ends every session of a member of this organization. */
export async function endMemberSessionsAction(argument: {
  userId: string;
}): Promise<ActionResult<{ ended: number }>> {
  const input = fieldsOf(argument);
  return runAction('members.manage', async (actor) => ({
    ended: await endMemberSessions(
      await getDb(),
      actor,
      { userId: String(input.userId) },
      clock.now(),
    ),
  }));
}

export async function removeMemberAction(argument: {
  userId: string;
}): Promise<ActionResult<null>> {
  const input = fieldsOf(argument);
  const result = await runAction('members.manage', async (actor) => {
    await removeMember(await getDb(), actor, { userId: String(input.userId) });
    return null;
  });
  if (result.ok) revalidatePath('/settings');
  return result;
}
