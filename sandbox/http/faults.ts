/**
 * Which fault, if any, a request meets (REFERENCE-independent test machinery): first the one-shot
 * rules injected through the control API, consumed in order by matching requests; then the random
 * rates, drawn from the seeded generator — two draws per request always, so that one seed gives
 * the same sequence of faults on every run.
 */
import type { Runtime } from '../runtime.ts';

export type FaultDecision =
  | { kind: 'none'; dropAfter: boolean }
  | { kind: 'drop-before' }
  | { kind: 'error'; status: number; random: boolean }
  | { kind: 'rate-limit'; retryAfterSeconds: number };

export function decideFault(rt: Runtime, operationKey: string | null): FaultDecision {
  let dropAfter = false;
  const index = rt.faultRules.findIndex((r) => !r.rule.operation || r.rule.operation === operationKey);
  if (index >= 0) {
    const slot = rt.faultRules[index]!;
    slot.remaining -= 1;
    if (slot.remaining <= 0) rt.faultRules.splice(index, 1);
    const { rule } = slot;
    if (rule.kind === 'drop-before') return { kind: 'drop-before' };
    if (rule.kind === 'error') return { kind: 'error', status: rule.status ?? 500, random: false };
    if (rule.kind === 'rate-limit')
      return { kind: 'rate-limit', retryAfterSeconds: rule.retryAfterSeconds ?? 1 };
    dropAfter = true;
  }
  const errorDraw = rt.random();
  const dropDraw = rt.random();
  if (!dropAfter && errorDraw < rt.settings.faults.serverErrorRate)
    return { kind: 'error', status: 500, random: true };
  return { kind: 'none', dropAfter: dropAfter || dropDraw < rt.settings.faults.dropRate };
}
