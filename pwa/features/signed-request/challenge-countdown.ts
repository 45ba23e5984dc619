/**
 * The 10-minute life of an authentication challenge (REFERENCE.md §3.1), counted from when the
 * wallet received it on its own clock: comparing KSeF's `timestampMs` with a skewed device clock
 * would show a wrong countdown.
 */
export const CHALLENGE_LIFETIME_MS = 10 * 60 * 1000;

export type ChallengeCountdown =
  | { readonly expired: false; readonly remainingMs: number; readonly label: string }
  | { readonly expired: true };

export function challengeCountdown(receivedAtMs: number, nowMs: number): ChallengeCountdown {
  const remainingMs = receivedAtMs + CHALLENGE_LIFETIME_MS - nowMs;
  if (remainingMs <= 0) return { expired: true };
  // Rounded up: "0:00" would read as expired while a second is still left.
  const seconds = Math.ceil(remainingMs / 1000);
  const label = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  return { expired: false, remainingMs, label };
}
