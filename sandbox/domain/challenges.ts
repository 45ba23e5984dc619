/**
 * Challenges (REFERENCE §3.1, §11 "Challenge"): a 36-character `CR` reference number, valid for
 * 10 minutes. Whether KSeF lets one be used twice is undocumented; by default the first accepted
 * (202) submission consumes it and any later use is 21111, like an expired or unknown one
 * (`singleUseChallenges`, REFERENCE §14 question 1). A rejected (400) submission does not consume it.
 */
import type { Runtime } from '../runtime.ts';
import { newReferenceNumber, REFERENCE_TYPES } from './reference-number.ts';
import { MINUTE_MS } from './time.ts';

export const CHALLENGE_LIFETIME_MS = 10 * MINUTE_MS;

export function createChallenge(rt: Runtime, clientIp: string) {
  const now = rt.now();
  // Forget challenges long past their lifetime, so the state does not grow without bound.
  for (const [key, c] of Object.entries(rt.state.challenges)) {
    if (now - c.timestampMs > 2 * CHALLENGE_LIFETIME_MS) delete rt.state.challenges[key];
  }
  const challenge = newReferenceNumber(REFERENCE_TYPES.challenge, now);
  rt.state.challenges[challenge] = { timestampMs: now, clientIp, consumed: false };
  rt.store.changed();
  return { challenge, timestampMs: now };
}

export type LiveChallenge = { challenge: string; timestampMs: number };

/** The challenge if it exists, is younger than 10 minutes and was not consumed. */
export function liveChallenge(rt: Runtime, challenge: string): LiveChallenge | null {
  const c = rt.state.challenges[challenge];
  if (!c) return null;
  if (rt.now() - c.timestampMs >= CHALLENGE_LIFETIME_MS) return null;
  if (c.consumed && rt.settings.singleUseChallenges) return null;
  return { challenge, timestampMs: c.timestampMs };
}

export function consumeChallenge(rt: Runtime, challenge: string): void {
  const c = rt.state.challenges[challenge];
  if (c) {
    c.consumed = true;
    rt.store.changed();
  }
}
