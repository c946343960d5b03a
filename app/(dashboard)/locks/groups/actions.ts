'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import type { DoorChanges } from '@/lib/devices/common-doors';
import {
  createLockGroup,
  deleteLockGroup,
  renameLockGroup,
  setLockGroupLocks,
} from '@/lib/devices/lock-groups';
import { type ActionResult, formOf, runAction } from '@/lib/http/action';

// Lock groups on their page. lib checks the role, the organization and the
// input (naming the field); these only read the form.

const PAGE = '/locks/groups';
const text = (formData: FormData, name: string) => String(formData.get(name) ?? '');
const lockIds = (formData: FormData) => formData.getAll('deviceIds').map(String);

function refreshed<T>(result: ActionResult<T>): ActionResult<T> {
  if (result.ok) {
    revalidatePath(PAGE);
    revalidatePath('/locks');
  }
  return result;
}

export async function createLockGroupAction(
  _previous: unknown,
  formArgument: FormData,
): Promise<ActionResult<{ groupId: string; name: string }>> {
  const formData = formOf(formArgument);
  return refreshed(
    await runAction('locks.manage', async (actor) => {
      const group = await createLockGroup(
        await getDb(),
        actor,
        {
          propertyId: text(formData, 'propertyId'),
          name: text(formData, 'name'),
          deviceIds: lockIds(formData),
        },
        clock.now(),
      );
      return { groupId: group.id, name: group.name };
    }),
  );
}

export async function renameLockGroupAction(
  _previous: unknown,
  formArgument: FormData,
): Promise<ActionResult<{ name: string }>> {
  const formData = formOf(formArgument);
  return refreshed(
    await runAction('locks.manage', async (actor) => {
      const group = await renameLockGroup(
        await getDb(),
        actor,
        { groupId: text(formData, 'groupId'), name: text(formData, 'name') },
        clock.now(),
      );
      return { name: group.name };
    }),
  );
}

/** The group's locks as ticked; its common doors follow at once. */
export async function setLockGroupLocksAction(
  _previous: unknown,
  formArgument: FormData,
): Promise<ActionResult<DoorChanges>> {
  const formData = formOf(formArgument);
  return refreshed(
    await runAction('locks.manage', async (actor) =>
      setLockGroupLocks(
        await getDb(),
        actor,
        { groupId: text(formData, 'groupId'), deviceIds: lockIds(formData) },
        clock.now(),
      ),
    ),
  );
}

/** Delete a group; a door that served only its stays stops being a common door. */
export async function deleteLockGroupAction(
  groupId: string,
): Promise<ActionResult<{ name: string; doorsUnmarked: number } & DoorChanges>> {
  return refreshed(
    await runAction('locks.manage', async (actor) =>
      deleteLockGroup(await getDb(), actor, { groupId: String(groupId) }, clock.now()),
    ),
  );
}
