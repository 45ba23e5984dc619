/**
 * How many demo ERP origins and wallet companies the hand-off bench needs so that it stays inside
 * the product's own budgets (SECURITY.md §4, extension/handoff/budgets.ts), which the bench must
 * never weaken: each origin takes its approval click plus at most RUNS_PER_ORIGIN runs (10
 * sessions per origin per hour), and a company serves at most ORIGINS_PER_COMPANY origins so that
 * its set-up login plus every session stays within 30 logins per company per hour.
 */
import { HANDOFF_BUDGETS } from '../../extension/handoff/budgets.ts';

/** The approval click is the origin's first session of the hour. */
export const RUNS_PER_ORIGIN = HANDOFF_BUDGETS.SESSIONS_PER_ORIGIN_PER_HOUR - 1;

/** The company's set-up login (test certificate) is one login of the hour too. */
export const ORIGINS_PER_COMPANY = Math.floor(
  (HANDOFF_BUDGETS.LOGINS_PER_COMPANY_PER_HOUR - 1) / HANDOFF_BUDGETS.SESSIONS_PER_ORIGIN_PER_HOUR,
);

export type Spread = { readonly origins: number; readonly companies: number };

/** Origins and companies for `runs` hand-offs (warm-ups included). */
export function spreadOverBudgets(runs: number): Spread {
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError('runs must be a positive integer');
  const origins = Math.ceil(runs / RUNS_PER_ORIGIN);
  return { origins, companies: Math.ceil(origins / ORIGINS_PER_COMPANY) };
}

/** Which origin a run (0-based) uses, and which company an origin belongs to. */
export const originOfRun = (run: number): number => Math.floor(run / RUNS_PER_ORIGIN);
export const companyOfOrigin = (origin: number): number => Math.floor(origin / ORIGINS_PER_COMPANY);
