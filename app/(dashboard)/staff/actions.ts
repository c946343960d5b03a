'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { type ActionResult, fieldsOf, runAction } from '@/lib/http/action';
import {
  createStaffMember,
  removeStaffMember,
  rotateStaffCode,
  updateStaffMember,
} from '@/lib/staff/members';

// Staff members (cleaners, maintenance, owners): owners and admins only.
// Each action calls the lib function that checks again and writes the audit.

export async function createStaffMemberAction(
  input: unknown,
): Promise<ActionResult<{ id: string }>> {
  const result = await runAction('staff.manage', async (actor) => {
    const person = await createStaffMember(
      await getDb(),
      actor,
      fieldsOf(input as object | null),
      clock.now(),
    );
    return { id: person.id };
  });
  if (result.ok) revalidatePath('/staff', 'layout');
  return result;
}

export async function updateStaffMemberAction(
  staffMemberId: string,
  input: unknown,
): Promise<ActionResult<{ id: string }>> {
  const result = await runAction('staff.manage', async (actor) => {
    const person = await updateStaffMember(
      await getDb(),
      actor,
      String(staffMemberId),
      fieldsOf(input as object | null),
      clock.now(),
    );
    return { id: person.id };
  });
  if (result.ok) revalidatePath('/staff', 'layout');
  return result;
}

/** New digits for the person; the page shows them (never this answer: it may sit in a log). */
export async function rotateStaffCodeAction(staffMemberId: string): Promise<ActionResult<null>> {
  const result = await runAction('staff.manage', async (actor) => {
    await rotateStaffCode(await getDb(), actor, String(staffMemberId), clock.now());
    return null;
  });
  if (result.ok) revalidatePath('/staff', 'layout');
  return result;
}

export async function removeStaffMemberAction(staffMemberId: string): Promise<ActionResult<null>> {
  const result = await runAction('staff.manage', async (actor) => {
    await removeStaffMember(await getDb(), actor, String(staffMemberId), clock.now());
    return null;
  });
  if (result.ok) revalidatePath('/staff', 'layout');
  return result;
}
