/**
 * Time as KSeF writes it: ISO 8601 with 7 fractional digits and an explicit `+00:00` offset
 * (spec examples, REFERENCE §2.4). JavaScript has milliseconds, so the last four digits are zero.
 */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000+00:00');
}

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The sandbox clock: the injected one, or real time plus whatever `advanceTime` added. */
export type Clock = { now(): number };

export function createSandboxClock(injected?: Clock): Clock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => (injected ? injected.now() : Date.now() + offset),
    advance(ms: number) {
      if (injected) throw new Error('advanceTime works only with the built-in clock (no `clock` option)');
      if (!Number.isFinite(ms) || ms < 0) throw new Error('advanceTime takes a non-negative number of ms');
      offset += ms;
    },
  };
}
