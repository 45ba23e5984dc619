/**
 * A client clock for fault tests: real time plus the waits it asked for, which return at once
 * (a 429 storm's Retry-After, retry back-off, poll delays). A storm then costs milliseconds, not
 * seconds, and the code still sees the time it waited pass. The sandbox keeps real time.
 */
import type { Clock } from '../../../shared/platform.ts';

export function instantWaits(offsetMs = 0): Clock {
  let waited = offsetMs;
  return {
    now: () => Date.now() + waited,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      waited += Math.max(0, ms);
      await new Promise((r) => setImmediate(r));
    },
  };
}
