/**
 * KSeF's request limits (REFERENCE §2.6): sliding windows per second, minute and hour, all at once,
 * counted per (context, client IP) on protected endpoints and per IP on the others, with the
 * per-operation figures of the spec's `x-rate-limits`. Each operation has its own counters
 * [INFER: the spec gives limits per operation; the group name only says which override applies].
 * A refused request does not count. `Retry-After` = seconds until the oldest request of the full
 * window leaves it (KSeF's block length is "dynamic"; this is its simplest honest form).
 * `/testdata/rate-limits` overrides a group (`other`) for one context; the production profile
 * equals the defaults since TEST uses PRD's figures (api-changelog 2.5.0).
 */
import type { RateLimitValues } from './spec.ts';

const WINDOWS = [
  { key: 'perSecond', ms: 1000, unit: 'sekundę' },
  { key: 'perMinute', ms: 60_000, unit: 'minutę' },
  { key: 'perHour', ms: 3_600_000, unit: 'godzinę' },
] as const;

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number; detail: string };

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  check(key: string, limits: RateLimitValues, now: number): RateDecision {
    const list = this.hits.get(key) ?? [];
    // Keep only what the longest configured window can still see.
    const longest = limits.perHour ? 3_600_000 : limits.perMinute ? 60_000 : 1000;
    const recent = list.filter((t) => now - t < longest);
    for (const w of WINDOWS) {
      const limit = limits[w.key];
      if (limit === undefined) continue;
      const inWindow = recent.filter((t) => now - t < w.ms);
      if (inWindow.length >= limit) {
        const oldest = inWindow[inWindow.length - limit] ?? inWindow[0] ?? now;
        const seconds = Math.max(1, Math.ceil((oldest + w.ms - now) / 1000));
        this.hits.set(key, recent);
        return {
          ok: false,
          retryAfterSeconds: seconds,
          detail: `Przekroczono limit ${limit} żądań na ${w.unit}. Spróbuj ponownie po ${seconds} sekundach.`,
        };
      }
    }
    recent.push(now);
    this.hits.set(key, recent);
    return { ok: true };
  }

  clear(): void {
    this.hits.clear();
  }
}
