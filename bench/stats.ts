/**
 * Summary statistics of repeated measurements. Pure (no Node, no DOM), so the bench page in
 * Chromium and the Node runner summarise the same way, and tests/unit/bench checks it.
 *
 * Percentiles use the nearest-rank method (the smallest sample with at least p % of the samples at
 * or below it): with 9–15 runs per cell an interpolated p95 would invent a value nobody measured,
 * and the nearest rank errs on the slow side, which is the honest side for a latency target.
 */

export type Summary = {
  readonly n: number;
  readonly median: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
};

const sorted = (samples: readonly number[]): number[] => {
  for (const s of samples) if (!Number.isFinite(s)) throw new RangeError('a sample is not a finite number');
  return [...samples].sort((a, b) => a - b);
};

/** Nearest-rank percentile, p in (0, 100]. */
export function percentile(samples: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError('p must be in (0, 100]');
  const s = sorted(samples);
  if (s.length === 0) throw new RangeError('no samples');
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length, Math.max(1, rank)) - 1]!;
}

/** The middle sample, or the mean of the two middle ones for an even count. */
export function median(samples: readonly number[]): number {
  const s = sorted(samples);
  if (s.length === 0) throw new RangeError('no samples');
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  const s = sorted(samples);
  if (s.length === 0) throw new RangeError('no samples');
  return {
    n: s.length,
    median: round1(median(s)),
    p95: round1(percentile(s, 95)),
    min: round1(s[0]!),
    max: round1(s[s.length - 1]!),
    mean: round1(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

/** One decimal: the machine's noise is far above 0.1 ms, more digits would only pretend. */
export const round1 = (x: number): number => Math.round(x * 10) / 10;

/** a / b to two decimals, or null when b is 0 (a ratio to a floor of 0 ms means nothing). */
export function ratio(a: number, b: number): number | null {
  if (b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  return Math.round((a / b) * 100) / 100;
}
