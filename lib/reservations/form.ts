import { z } from 'zod';
import type { FieldErrors } from '@/lib/validation';
import type { CreateReservationInput, UpdateReservationInput } from './stay-input';

/**
 * The reservation forms' FormData as the operations' input. Every value
 * arrives as a string (or a File, which no field takes); a blank one means
 * "not given", the locks are the checked `deviceIds` boxes, and a box is
 * true when it is sent at all.
 */
const text = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() || undefined : undefined),
  z.string().optional(),
);

export const reservationFormSchema = z.object({
  propertyId: text,
  guestName: text,
  guestEmail: text,
  guestPhone: text,
  checkInDate: text,
  checkInTime: text,
  checkOutDate: text,
  checkOutTime: text,
  deviceIds: z.array(z.string()).default([]),
  /** The "Book anyway" box, offered once a stay was refused as a double booking. */
  allowOverlap: z.preprocess((v) => v === 'on' || v === 'true', z.boolean()),
});

type FormValues = z.output<typeof reservationFormSchema>;

function readForm(formData: FormData): FormValues {
  const entries = Object.fromEntries(
    Object.keys(reservationFormSchema.shape)
      .filter((key) => key !== 'deviceIds')
      .map((key) => [key, formData.get(key)]),
  );
  const deviceIds = formData.getAll('deviceIds').filter((v) => typeof v === 'string');
  return reservationFormSchema.parse({ ...entries, deviceIds });
}

export function createInputFromForm(formData: FormData): CreateReservationInput {
  const v = readForm(formData);
  return {
    propertyId: v.propertyId ?? '',
    guestName: v.guestName ?? '',
    guestEmail: v.guestEmail ?? null,
    guestPhone: v.guestPhone ?? null,
    checkInDate: v.checkInDate ?? '',
    checkInTime: v.checkInTime,
    checkOutDate: v.checkOutDate ?? '',
    checkOutTime: v.checkOutTime,
    deviceIds: v.deviceIds,
    allowOverlap: v.allowOverlap,
  };
}

/**
 * The edit form sends the whole stay: a blanked email or phone clears it, a
 * blanked name or date is refused rather than read as "unchanged".
 */
export function updateInputFromForm(formData: FormData): UpdateReservationInput {
  const v = readForm(formData);
  return {
    guestName: v.guestName ?? '',
    guestEmail: v.guestEmail ?? null,
    guestPhone: v.guestPhone ?? null,
    checkInDate: v.checkInDate ?? '',
    checkInTime: v.checkInTime,
    checkOutDate: v.checkOutDate ?? '',
    checkOutTime: v.checkOutTime,
    deviceIds: v.deviceIds,
    allowOverlap: v.allowOverlap,
  };
}

/** Field names some lib errors use (Seam's spelling) mapped onto the form's inputs. */
const FORM_FIELD: Record<string, string> = {
  device_id: 'deviceIds',
  device_ids: 'deviceIds',
  starts_at: 'checkInDate',
  ends_at: 'checkOutDate',
};

export function formField(field: string | undefined): string | undefined {
  return field ? (FORM_FIELD[field] ?? field) : undefined;
}

/** A refusal's fields as the form's inputs are named. */
export function formFieldErrors(fieldErrors: FieldErrors): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, message] of Object.entries(fieldErrors)) {
    const input = formField(field) ?? field;
    if (!Object.hasOwn(errors, input)) errors[input] = message;
  }
  return errors;
}
