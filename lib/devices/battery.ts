/** Below this battery level a lock is "low" (Seam's `low` status): replace the batteries. */
export const LOW_BATTERY = 0.2;
