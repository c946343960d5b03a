'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import type { Delivery } from '@/components/guest-message-state';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { type ActionRefusal, type ActionResult, formOf, runAction } from '@/lib/http/action';
import { sendGuestCodeNow } from '@/lib/messages/guest';
import { loggedOnly } from '@/lib/messages/transports';
import { getReservationDetail, type ReservationDetail } from '@/lib/reservations/detail';
import { createInputFromForm, formFieldErrors, updateInputFromForm } from '@/lib/reservations/form';
import {
  cancelReservation,
  createReservation,
  updateReservation,
} from '@/lib/reservations/operations';

/** A refusal with its fields named as the form's inputs are (lib speaks Seam's names for some). */
function forTheForm<T>(result: ActionResult<T>): ActionResult<T> {
  return result.ok ? result : { ...result, fieldErrors: formFieldErrors(result.fieldErrors) };
}

/** Create a stay, then open its page, which says what happens to its codes. */
export async function createReservationAction(
  _previous: unknown,
  formArgument: FormData,
): Promise<ActionRefusal> {
  const formData = formOf(formArgument);
  const result = forTheForm(
    await runAction('reservations.manage', async (actor) => {
      const input = createInputFromForm(formData);
      const created = await createReservation(await getDb(), actor, input, clock.now());
      return created.id;
    }),
  );
  if (!result.ok) return result;
  revalidatePath('/reservations');
  // Outside runAction: redirect works by throwing, and runAction would report it as a failure.
  redirect(`/reservations/${result.data}?saved=created`);
}

/** Save the edit form; the answer is the stay as it now is, codes and all, for the page to show at once. */
export async function updateReservationAction(
  _previous: unknown,
  formArgument: FormData,
): Promise<ActionResult<ReservationDetail>> {
  const formData = formOf(formArgument);
  const result = forTheForm(
    await runAction('reservations.manage', async (actor) => {
      const id = String(formData.get('reservationId') ?? '');
      const db = await getDb();
      const now = clock.now();
      await updateReservation(db, actor, id, updateInputFromForm(formData), now);
      return getReservationDetail(db, actor, id, now);
    }),
  );
  if (result.ok) revalidatePath('/reservations');
  return result;
}

/** Cancel a stay: its codes come off every lock. Answers the stay as it now is. */
export async function cancelReservationAction(
  reservationId: string,
): Promise<ActionResult<ReservationDetail>> {
  const result = await runAction('reservations.manage', async (actor) => {
    const db = await getDb();
    const now = clock.now();
    await cancelReservation(db, actor, String(reservationId), now);
    return getReservationDetail(db, actor, String(reservationId), now);
  });
  if (result.ok) revalidatePath('/reservations');
  return result;
}

/** What sending the code did: where it went, the text to pass on when nowhere, and the stay as it now is. */
export type SentCode = Delivery & {
  /** Only when nothing really went out (no channel, or only logged): the message, for staff to pass on. */
  text: string | null;
  /** False while a code is still on its way to a lock: the guest may arrive before it works. */
  onLocks: boolean;
  detail: ReservationDetail;
};

/** Send the stay's guest code to the guest now. `requestId` is one per form, so a double click sends once. */
export async function sendGuestCodeAction(
  reservationId: string,
  requestId: string,
): Promise<ActionResult<SentCode>> {
  return runAction('messages.send', async (actor) => {
    const db = await getDb();
    const now = clock.now();
    const sent = await sendGuestCodeNow(
      db,
      actor,
      { reservationId: String(reservationId), requestId: String(requestId) },
      now,
    );
    const logged = loggedOnly(sent.channels);
    return {
      sentBy: sent.channels,
      loggedOnly: logged,
      // For staff to pass on themselves when nothing really goes out.
      text: logged.length === sent.channels.length ? sent.text : null,
      onLocks: sent.onLocks,
      detail: await getReservationDetail(db, actor, String(reservationId), now),
    };
  });
}
