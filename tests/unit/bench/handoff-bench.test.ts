// @vitest-environment happy-dom
/**
 * The pure parts of the hand-off benchmark (bench/handoff): how a run's figure is read from what
 * the demo ERP page recorded, the page probe's recording (happy-dom), how runs are spread over ERP
 * origins and companies within the product's budgets, and the report.
 */
import { describe, expect, it } from 'vitest';
import {
  companyOfOrigin,
  ORIGINS_PER_COMPANY,
  originOfRun,
  RUNS_PER_ORIGIN,
  spreadOverBudgets,
} from '../../../bench/handoff/budget-spread.ts';
import { installPageProbe, type PageObservations, timingOf } from '../../../bench/handoff/page-timing.ts';
import { type BenchResults, RESULTS_FORMAT, renderPerformance } from '../../../bench/results.ts';
import { summarize } from '../../../bench/stats.ts';
import { checkTarget } from '../../../bench/targets.ts';
import { HANDOFF_BUDGETS } from '../../../extension/handoff/budgets.ts';

const observed = (o: Partial<PageObservations>): PageObservations => ({
  clicks: [],
  statuses: [{ at: 100, state: 'ready' }],
  sessionAt: null,
  provedAt: null,
  proofState: null,
  ...o,
});

describe('reading one hand-off from the page', () => {
  it('times the click that acted to the session shown, and to the proof', () => {
    const t = timingOf(
      observed({
        clicks: [1000],
        statuses: [
          { at: 100, state: 'ready' },
          { at: 1030, state: 'logging-in' },
          { at: 1350, state: 'session' },
        ],
        sessionAt: 1350,
        provedAt: 1420,
        proofState: 'ok',
      }),
    );
    expect(t).toEqual({
      ok: true,
      handoffMs: 350,
      acceptedMs: 30,
      provedMs: 420,
      proofState: 'ok',
      unarmedClicks: 0,
    });
  });

  it('starts at the last click before the page left "ready": earlier clicks were before the arming', () => {
    const t = timingOf(
      observed({
        clicks: [500, 1700, 2900],
        statuses: [
          { at: 100, state: 'ready' },
          { at: 1740, state: 'logging-in' },
        ],
        sessionAt: 2000,
      }),
    );
    expect(t).toMatchObject({ ok: true, handoffMs: 300, unarmedClicks: 1, provedMs: null });
  });

  it('is a failure when the wallet window opened, the page shows an error, nothing arrived or nothing acted', () => {
    expect(
      timingOf(
        observed({
          clicks: [1000],
          statuses: [
            { at: 100, state: 'ready' },
            { at: 1020, state: 'waiting-for-user' },
          ],
          sessionAt: 9000,
        }),
      ),
    ).toEqual({ ok: false, error: 'WINDOW_OPENED' });
    expect(
      timingOf(
        observed({
          clicks: [1000],
          statuses: [
            { at: 100, state: 'ready' },
            { at: 1020, state: 'error' },
          ],
        }),
      ),
    ).toEqual({ ok: false, error: 'PAGE_ERROR' });
    expect(
      timingOf(
        observed({
          clicks: [1000],
          statuses: [
            { at: 100, state: 'ready' },
            { at: 1020, state: 'logging-in' },
          ],
        }),
      ),
    ).toEqual({ ok: false, error: 'NO_SESSION' });
    expect(timingOf(observed({ clicks: [1000, 2000] }))).toEqual({ ok: false, error: 'NOT_ARMED' });
    expect(timingOf(observed({}))).toEqual({ ok: false, error: 'NO_CLICK' });
  });
});

describe('the page probe', () => {
  it('records status changes, the session and the proof, and ignores clicks that are not trusted', async () => {
    document.body.innerHTML = `<p id="wallet-status" data-state="waiting"></p>
      <div data-ksef-wallet="login-button"></div><div id="session" hidden></div><div id="proof" data-state="none"></div>`;
    installPageProbe();
    const probe = (window as unknown as { __handoffBench: PageObservations }).__handoffBench;
    const $ = (id: string) => document.getElementById(id) as HTMLElement;
    // A script's click is not the user's: it must never start a measurement.
    (document.querySelector('[data-ksef-wallet]') as HTMLElement).click();
    $('wallet-status').dataset.state = 'ready';
    $('wallet-status').dataset.state = 'logging-in';
    $('session').hidden = false;
    $('proof').dataset.state = 'checking';
    $('proof').dataset.state = 'ok';
    $('proof').dataset.state = 'error';
    await new Promise((r) => setTimeout(r, 0));
    expect(probe.clicks).toEqual([]);
    expect(probe.statuses.map((s) => s.state)).toEqual(['ready', 'logging-in']);
    expect(probe.sessionAt).toEqual(expect.any(Number));
    expect(probe.proofState).toBe('ok'); // the first verdict, not a later change
  });
});

describe('spreading the runs over ERP origins and companies', () => {
  it('gives each origin its approval click plus at most 9 runs, and a company at most two origins', () => {
    expect(RUNS_PER_ORIGIN).toBe(9);
    expect(ORIGINS_PER_COMPANY).toBe(2);
    expect(spreadOverBudgets(9)).toEqual({ origins: 1, companies: 1 });
    expect(spreadOverBudgets(11)).toEqual({ origins: 2, companies: 1 });
    expect(spreadOverBudgets(19)).toEqual({ origins: 3, companies: 2 });
    expect(() => spreadOverBudgets(0)).toThrow(RangeError);
  });

  it('stays within 10 sessions per origin and 30 logins per company per hour for any number of runs', () => {
    for (let runs = 1; runs <= 200; runs++) {
      const { origins, companies } = spreadOverBudgets(runs);
      const perOrigin = new Map<number, number>();
      for (let r = 0; r < runs; r++) perOrigin.set(originOfRun(r), (perOrigin.get(originOfRun(r)) ?? 0) + 1);
      expect(perOrigin.size).toBe(origins);
      const perCompany = new Map<number, number>();
      for (const [origin, n] of perOrigin) {
        // The approval click is a session of the origin, too.
        expect(n + 1).toBeLessThanOrEqual(HANDOFF_BUDGETS.SESSIONS_PER_ORIGIN_PER_HOUR);
        const c = companyOfOrigin(origin);
        expect(c).toBeLessThan(companies);
        perCompany.set(c, (perCompany.get(c) ?? 1) + n + 1); // 1: the company's set-up login
      }
      for (const logins of perCompany.values())
        expect(logins).toBeLessThanOrEqual(HANDOFF_BUDGETS.LOGINS_PER_COMPANY_PER_HOUR);
    }
  });
});

describe('the hand-off in the Performance section', () => {
  const handoff = {
    status: 'measured' as const,
    chromium: 'Chrome/156',
    latencyMs: 50,
    runs: 9,
    warmups: 2,
    erpOrigins: 2,
    companies: 1,
    runsPerOrigin: 9,
    handoffMs: summarize([300, 340, 360]),
    acceptedMs: summarize([20, 25, 30]),
    provedMs: summarize([380, 400, 420]),
    tokenLoginMs: summarize([220, 225, 230]),
    requests: summarize([4, 4, 4]),
    overheadMs: 115,
    handoffToLogin: 1.51,
    handoffToLimit: 0.68,
    limitMs: 500,
    unarmedClicks: 0,
    proofFailures: 0,
    failures: 0,
    errors: [],
    rateLimited: 0,
    loadAverage: { before: 0.42, after: 0.9 },
  };
  const results = (h: BenchResults['sections']['handoff']): BenchResults => ({
    format: RESULTS_FORMAT,
    generatedAt: '2026-12-01T10:00:00.000Z',
    durationSeconds: 240,
    machine: { cpus: 2, cpuModel: 'AMD EPYC', node: 'v20.20.2' },
    settings: { runs: 9, warmups: 2 },
    targets: [
      checkTarget({
        id: 'handoff',
        name: 'one-click hand-off',
        unit: 'ms',
        statistic: 'median',
        compare: '<=',
        limit: 500,
        value: 340,
      }),
    ],
    sections: { handoff: h },
  });

  it('shows the medians and p95s, the ratios to the token login and to the limit, and the set-up', () => {
    const md = renderPerformance(results(handoff));
    expect(md).toContain('| one-click hand-off | 340 ms (median) | ≤ 500 ms | met |');
    expect(md).toContain('| click → session in the demo ERP | 340 ms | 360 ms |');
    expect(md).toContain('| KSeF token login from Node, same L, same rounds | 225 ms | 230 ms |');
    expect(md).toContain('Hand-off ÷ token login: 1.51×');
    expect(md).toContain('adds 115 ms');
    expect(md).toContain('(4 × L + 300 = 500 ms): 0.68×');
    expect(md).toContain('on 2 loopback origins');
    expect(md).toContain('for 1 company;');
    expect(md).toContain('Failed runs: 0; 429 answers: 0.');
    expect(md).toContain('load average was 0.42 as the rounds began and 0.9 as they ended');
    expect(md).not.toContain('Not measured yet');
  });

  it('names failed runs and their codes', () => {
    const md = renderPerformance(
      results({ ...handoff, failures: 2, errors: ['PAGE_ERROR', 'NO_SESSION'], rateLimited: 1 }),
    );
    expect(md).toContain('Failed runs: 2 (PAGE_ERROR, NO_SESSION); 429 answers: 1.');
  });
});
