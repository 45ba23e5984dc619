/**
 * The targets of issue 10, as data: each measured figure is checked against its limit here and only
 * here (tests never assert timings). A target whose figure could not be measured in this run is
 * reported as not met, with the reason, so the summary line never counts a gap as a success.
 */

export type Comparison = '<=' | '>=';

export type Target = {
  /** Stable key (README rows, diffs between runs). */
  readonly id: string;
  readonly name: string;
  /** The measured figure, or null when it could not be measured in this run. */
  readonly value: number | null;
  readonly unit: string;
  readonly compare: Comparison;
  readonly limit: number;
  readonly met: boolean;
  /** Which statistic `value` is (median, p95, count, …). */
  readonly statistic?: string;
  /** Why there is no value, or what the figure depends on. */
  readonly note?: string;
};

export function checkTarget(
  t: Omit<Target, 'met' | 'value'> & { readonly value: number | null | undefined },
): Target {
  const value = t.value ?? null;
  const met =
    value !== null && Number.isFinite(value) && (t.compare === '<=' ? value <= t.limit : value >= t.limit);
  return { ...t, value: value === null ? null : Math.round(value * 100) / 100, met };
}

export function summaryLine(targets: readonly Target[]): string {
  const met = targets.filter((t) => t.met).length;
  return `bench: ${met} of ${targets.length} targets met`;
}

/** The login limits (ms) at per-request latency L and server-side verification delay D. */
export const LOGIN_LIMITS = Object.freeze({
  /** KSeF token, sandbox completes at once: ≤ 4 × L + 60 ms. */
  tokenAtOnceMs: (latencyMs: number) => 4 * latencyMs + 60,
  /** KSeF certificate (RSA-2048), sandbox completes at once: ≤ 4 × L + 120 ms. */
  certificateAtOnceMs: (latencyMs: number) => 4 * latencyMs + 120,
  /** Either method with a verification delay D: ≤ 4 × L + D + 150 ms. */
  withDelayMs: (latencyMs: number, delayMs: number) => 4 * latencyMs + delayMs + 150,
  /** Fixed-1-second polling must take at least this many times as long as ours (with D > 0). */
  minSpeedupOverFixedPolling: 2,
});

export const OTHER_LIMITS = Object.freeze({
  handoffMs: (latencyMs: number) => 4 * latencyMs + 300,
  unlockP95Ms: 1000,
  /** RFC 9106 second option; the unlock figure only counts at this memory or more. */
  unlockMinMemoryKiB: 64 * 1024,
  openAndListMs: 300,
  pwaFirstLoadKiB: 100,
  contentScriptKiB: 8,
});
