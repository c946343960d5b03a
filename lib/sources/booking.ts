// What every reservation source hands the ingestion core (./ingest.ts): a
// booking in one shape, whatever it came from. Sources only fetch and parse;
// the core decides create, update or cancel.

/**
 * One end of a stay as the source gives it: a local date (an all-day iCal
 * event, a CSV cell) with maybe a local time, read in the property's zone with
 * its default check-in or check-out time; or an instant (a timed iCal event, a
 * PMS's ISO timestamp).
 */
export type StayEdge = { date: string; time?: string | null } | { at: Date };

export type BookingStatus = 'confirmed' | 'cancelled';

export type NormalizedBooking = {
  /** The booking's id at its source: an iCal UID, a PMS reservation id, a CSV column. */
  externalId: string;
  /**
   * The channel's confirmation code (Airbnb's HM…, a PMS's confirmation
   * code), when the source shows it: the same stay from two sources is
   * recognised by it.
   */
  confirmationCode?: string | null;
  /** A Keyhold property id, when the source names one; otherwise the source's own property. */
  propertyId?: string | null;
  /** A lock's name (or room) at the property, when the source names one; otherwise the source's locks. */
  room?: string | null;
  /** Never empty: a parser that has no name gives one ("Airbnb guest HM4WJ8K2NA"). */
  guestName: string;
  guestEmail?: string | null;
  /** As the source gives it; the core keeps it only when it reads as an international number. */
  guestPhone?: string | null;
  /** The only phone digits some channels give (Airbnb's "Last 4 Digits"). */
  phoneLastDigits?: string | null;
  checkIn: StayEdge;
  checkOut: StayEdge;
  status: BookingStatus;
  /** The booking's own last change at its source, when it says: an older event never overwrites a newer one. */
  updatedAt?: Date | null;
};

/** What a parser read, and what it left out on purpose (blocked dates, owner holds) with why. */
export type ParsedBookings = {
  bookings: NormalizedBooking[];
  skipped: { reason: string; count: number }[];
};
