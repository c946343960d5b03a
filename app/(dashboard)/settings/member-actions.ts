'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import type { MemberRole } from '@/db/schema';
import { endMemberSessions } from '@/lib/auth/sessions';
import { clock } from '@/lib/clock';
import { type ActionResult, runAction } from '@/lib/http/action';
import { changeMemberRole, inviteMember, setMemberDisabled } from '@/lib/organizations/members';

export type AddedMemberResult = {
  email: string;
  name: string;
  role: MemberRole;
  /** Shown to the admin once; null when the email already had an account. */
  temporaryPassword: string | null;
};

export async function addMemberAction(
  _previous: ActionResult<AddedMemberResult> | null,
  formData: FormData,
): Promise<ActionResult<AddedMemberResult>> {
  const result = await runAction('members.manage', async (actor) => {
    const added = await inviteMember(await getDb(), actor, {
      email: String(formData.get('email') ?? ''),
      name: String(formData.get('name') ?? ''),
      // Checked by the schema inside; an unknown role is refused there, naming the field.
      role: String(formData.get('role') ?? '') as MemberRole,
    });
    return {
      email: added.email,
      name: added.name,
      role: added.role,
      temporaryPassword: added.temporaryPassword,
    };
  });
  if (result.ok) revalidatePath('/settings');
  return result;
}

/** Answers the role the member has now, so the page shows what was saved. */
export async function changeMemberRoleAction(input: {
  userId: string;
  role: MemberRole;
}): Promise<ActionResult<{ role: MemberRole }>> {
  const result = await runAction('members.manage', async (actor) => {
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

export async function setMemberDisabledAction(input: {
  userId: string;
  disabled: boolean;
}): Promise<ActionResult<null>> {
  const result = await runAction('members.manage', async (actor) => {
    await setMemberDisabled(
      await getDb(),
      actor,
      { userId: String(input.userId), disabled: input.disabled === true },
      clock.now(),
    );
    return null;
  });
  if (result.ok) revalidatePath('/settings');
  return result;
}

/** "Sign out everywhere": ends every session of a member of this organization. */
export async function endMemberSessionsAction(input: {
  userId: string;
}): Promise<ActionResult<{ ended: number }>> {
  return runAction('members.manage', async (actor) => ({
    ended: await endMemberSessions(
      await getDb(),
      actor,
      { userId: String(input.userId) },
      clock.now(),
    ),
  }));
}
