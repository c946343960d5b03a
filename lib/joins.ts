import { and, eq } from 'drizzle-orm';
import {
  accessCodeEvents,
  accessCodes,
  devices,
  events,
  properties,
  reservationDevices,
  reservations,
} from '@/db/schema';

/**
 * Joins that keep a row with its own organization's (documenso's
 * buildTeamWhereQuery): each matches the id and the organization, so a
 * mislinked row can never show another tenant's property, stay, lock or code.
 * One place for each, instead of the two conditions written at every join.
 */

/** A stay's property. */
export const propertyOfReservation = and(
  eq(properties.id, reservations.propertyId),
  eq(properties.organizationId, reservations.organizationId),
);

/** The code an event belongs to. */
export const codeOfEvent = and(
  eq(accessCodes.id, accessCodeEvents.accessCodeId),
  eq(accessCodes.organizationId, accessCodeEvents.organizationId),
);

/** The stay of a stay–lock link. */
export const reservationOfLink = and(
  eq(reservations.id, reservationDevices.reservationId),
  eq(reservations.organizationId, reservationDevices.organizationId),
);

/** The lock of a stay–lock link. */
export const deviceOfLink = and(
  eq(devices.id, reservationDevices.deviceId),
  eq(devices.organizationId, reservationDevices.organizationId),
);

/** The lock a code is on. */
export const deviceOfCode = and(
  eq(devices.id, accessCodes.deviceId),
  eq(devices.organizationId, accessCodes.organizationId),
);

/** The lock a happening (`events`) is about. */
export const deviceOfHappening = and(
  eq(devices.id, events.deviceId),
  eq(devices.organizationId, events.organizationId),
);

/** The code a happening names. */
export const codeOfHappening = and(
  eq(accessCodes.id, events.accessCodeId),
  eq(accessCodes.organizationId, events.organizationId),
);

/** The stay a happening is credited to. */
export const reservationOfHappening = and(
  eq(reservations.id, events.reservationId),
  eq(reservations.organizationId, events.organizationId),
);
