import type { ImportedCodePolicy } from '@/db/schema';
import { isWeakCode } from '@/lib/access-codes/weak-codes';

export const CODE_POLICY_LABELS: Record<ImportedCodePolicy, string> = {
  random: 'Random digits',
  phone_last_4: 'Last 4 digits of the guest’s phone',
  phone_last_6: 'Last 6 digits of the guest’s phone',
};

/**
 * The digits an imported stay's code should have under the organization's
 * policy, or null for random ones: no phone digits, too few of them, or a
 * code a passer-by could guess (1111, 1234). The stay's locks may still turn
 * them down (a length they do not take, digits another live code holds,
 * backup pools included): then the code is random too (`createReservation`).
 */
export function policyDigits(
  policy: ImportedCodePolicy,
  phone: { guestPhone?: string | null; phoneLastDigits?: string | null },
): string | null {
  if (policy === 'random') return null;
  const length = policy === 'phone_last_4' ? 4 : 6;
  const digits = (phone.guestPhone ?? phone.phoneLastDigits ?? '').replace(/\D/g, '');
  if (digits.length < length) return null;
  const code = digits.slice(-length);
  return isWeakCode(code) ? null : code;
}
