import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/**
 * A phone number as staff type it ("+1 (415) 555-0123", "0044 20 7946 0958")
 * in E.164 ("+14155550123"), the form SMS providers take; null when it is not
 * a possible number or has no country code. Keyhold has no country of its own
 * to guess one from, and a guest's phone is as often foreign as not.
 */
export function toE164(input: string): string | null {
  const typed = input.trim().replace(/^00/, '+');
  if (!typed.startsWith('+')) return null;
  const parsed = parsePhoneNumberFromString(typed);
  return parsed?.isValid() ? parsed.number : null;
}
