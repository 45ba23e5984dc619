/**
 * When the vault locks itself (ARCHITECTURE.md "Lock", SECURITY.md §4): after an idle time the
 * user chooses between 5 and 240 minutes (default 15; there is no "never"), and at the latest 12
 * hours after unlocking, whatever the activity. OS screen lock, browser restart (nothing is
 * persisted, so a new browser starts locked), an app update and "Lock now" lock at once through
 * `lock(reason)`. Pure: the clock is passed in, so the rules are tested without waiting.
 */
import { ok, type Result } from '../result.ts';
import { type DomainError, domainFail } from './errors.ts';

export const LOCK_POLICY = Object.freeze({
  DEFAULT_IDLE_MINUTES: 15,
  MIN_IDLE_MINUTES: 5,
  MAX_IDLE_MINUTES: 240,
  MAX_UNLOCKED_MS: 12 * 60 * 60 * 1000,
});

export const LOCK_REASONS = [
  'user',
  'idle',
  'max-age',
  'os-locked',
  'app-update',
  'rekey',
  'passphrase-changed',
  'vault-deleted',
] as const;
export type LockReason = (typeof LOCK_REASONS)[number];

export const isLockReason = (x: unknown): x is LockReason =>
  typeof x === 'string' && (LOCK_REASONS as readonly string[]).includes(x);

export function parseIdleMinutes(input: unknown): Result<number, DomainError> {
  if (
    typeof input !== 'number' ||
    !Number.isInteger(input) ||
    input < LOCK_POLICY.MIN_IDLE_MINUTES ||
    input > LOCK_POLICY.MAX_IDLE_MINUTES
  ) {
    return domainFail(
      'AUTO_LOCK_OUT_OF_RANGE',
      `${LOCK_POLICY.MIN_IDLE_MINUTES}–${LOCK_POLICY.MAX_IDLE_MINUTES} minutes`,
    );
  }
  return ok(input);
}

export type UnlockedPeriod = {
  readonly unlockedAtMs: number;
  readonly lastActivityMs: number;
  readonly idleMinutes: number;
};

/** The moment the vault must lock and why: whichever of idle and the 12-hour cap comes first. */
export function lockDeadline(p: UnlockedPeriod): {
  readonly atMs: number;
  readonly reason: 'idle' | 'max-age';
} {
  const idleMinutes = Math.min(
    Math.max(p.idleMinutes, LOCK_POLICY.MIN_IDLE_MINUTES),
    LOCK_POLICY.MAX_IDLE_MINUTES,
  );
  const idleAt = p.lastActivityMs + idleMinutes * 60_000;
  const maxAt = p.unlockedAtMs + LOCK_POLICY.MAX_UNLOCKED_MS;
  return idleAt < maxAt ? { atMs: idleAt, reason: 'idle' } : { atMs: maxAt, reason: 'max-age' };
}

/** Why the vault must be locked at `nowMs`, or null while it may stay open. */
export function lockDue(p: UnlockedPeriod, nowMs: number): 'idle' | 'max-age' | null {
  const d = lockDeadline(p);
  return nowMs >= d.atMs ? d.reason : null;
}
