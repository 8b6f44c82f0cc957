/**
 * SERVICE_LEVEL_TARGET is the contact centre's usual goal the supervisor view shows beside the measured value: 80 % of
 * conversations accepted within 20 seconds of reaching the queue.
 */
export const SERVICE_LEVEL_TARGET = { share: 0.8, seconds: 20 } as const;

/** serviceLevel is the share accepted within the limit, or null when none was accepted yet. */
export function serviceLevel(accepted: number, withinLimit: number): number | null {
  return accepted === 0 ? null : withinLimit / accepted;
}
