// Apart from rules.ts (which imports node:crypto for PINs, bundling a crypto
// polyfill that calls eval, refused by the CSP): client forms reach this
// through lib/sources/code-policy.ts.

/** Codes a guest could guess: one repeated digit, or a straight run up or down. */
export function isWeakCode(code: string): boolean {
  if (/^(\d)\1+$/.test(code)) return true;
  const digits = [...code].map(Number);
  const steps = digits.slice(1).map((d, i) => d - (digits[i] ?? 0));
  return steps.every((s) => s === 1) || steps.every((s) => s === -1);
}
