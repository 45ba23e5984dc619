/**
 * What shared/ needs from its platform, injected so that the same code runs in Node tests, the PWA,
 * its key worker and the extension (STYLE.md §5). Nothing in shared/ reaches for a global clock,
 * network or random source on its own.
 */
import type { KsefRequest, KsefResponse } from './ksef/transport-types.ts';
import type { Result } from './result.ts';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with an AbortError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Transport {
  /** Sends one KSeF API request. Network-level failures are values, never exceptions. */
  send(req: KsefRequest, signal?: AbortSignal): Promise<Result<KsefResponse>>;
}

export type Platform = {
  readonly clock: Clock;
  readonly transport: Transport;
  readonly subtle: SubtleCrypto;
  random(bytes: number): Uint8Array;
};

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
