import { describe, expect, it } from 'vitest';
import { cellOf } from '../../../bench/login/login-bench.ts';
import {
  type BenchResults,
  loginLimitOf,
  RESULTS_FORMAT,
  renderPerformance,
} from '../../../bench/results.ts';
import { summarize } from '../../../bench/stats.ts';
import { checkTarget, LOGIN_LIMITS, summaryLine } from '../../../bench/targets.ts';

describe('bench targets', () => {
  it('checks upper and lower limits, the limit itself included', () => {
    const base = { id: 'x', name: 'x', unit: 'ms', limit: 300 } as const;
    expect(checkTarget({ ...base, compare: '<=', value: 300 }).met).toBe(true);
    expect(checkTarget({ ...base, compare: '<=', value: 300.01 }).met).toBe(false);
    expect(checkTarget({ ...base, compare: '>=', value: 2, limit: 2 }).met).toBe(true);
    expect(checkTarget({ ...base, compare: '>=', value: 1.99, limit: 2 }).met).toBe(false);
  });

  it('counts a figure that was not measured as a target not met', () => {
    const t = checkTarget({ id: 'h', name: 'hand-off', unit: 'ms', compare: '<=', limit: 500, value: null });
    expect(t).toMatchObject({ value: null, met: false });
    expect(summaryLine([t, checkTarget({ ...t, value: 1 })])).toBe('bench: 1 of 2 targets met');
  });

  it('derives the login limits of the issue from L and D', () => {
    expect(LOGIN_LIMITS.tokenAtOnceMs(50)).toBe(260);
    expect(LOGIN_LIMITS.certificateAtOnceMs(50)).toBe(320);
    expect(LOGIN_LIMITS.withDelayMs(50, 300)).toBe(650);
    expect(loginLimitOf({ method: 'ksef-token', latencyMs: 50, authDelayMs: 0 })).toBe(260);
    expect(loginLimitOf({ method: 'ksef-certificate-p256', latencyMs: 0, authDelayMs: 0 })).toBe(120);
    expect(loginLimitOf({ method: 'ksef-certificate-rsa', latencyMs: 50, authDelayMs: 300 })).toBe(650);
  });
});

describe('login cells', () => {
  const sample = (ms: number, requests = 4, error?: string) => ({
    ms,
    requests,
    rateLimited: 0,
    ...(error ? { error } : {}),
  });

  it('compares medians: ours to the 4 × L floor and the reference to ours', () => {
    const c = cellOf(
      'ksef-token',
      'KSeF token',
      50,
      300,
      [sample(500, 7), sample(600, 7), sample(550, 8)],
      [sample(1300, 5), sample(1200, 5), sample(1250, 5)],
    );
    expect(c.floorMs).toBe(200);
    expect(c.ours.wallMs?.median).toBe(550);
    expect(c.ours.requests?.median).toBe(7);
    expect(c.oursToFloor).toBe(2.75);
    expect(c.speedup).toBe(2.27);
  });

  it('keeps failed logins out of the times and reports them with their codes', () => {
    const c = cellOf('ksef-token', 'KSeF token', 0, 0, [sample(90), sample(5, 1, 'NETWORK')], [sample(95)]);
    expect(c.ours).toMatchObject({ failures: 1, errors: ['NETWORK'], wallMs: { n: 1, median: 90 } });
    expect(c.oursToFloor).toBeNull();
  });
});

describe('the Performance section', () => {
  const results: BenchResults = {
    format: RESULTS_FORMAT,
    generatedAt: '2026-12-01T10:00:00.000Z',
    durationSeconds: 200,
    machine: { cpus: 2, cpuModel: 'AMD EPYC', node: 'v20.20.2' },
    settings: { runs: 9, warmups: 2 },
    targets: [
      checkTarget({
        id: 'login-a',
        name: 'login A',
        unit: 'ms',
        compare: '<=',
        limit: 260,
        value: 223.4,
        statistic: 'median',
      }),
      checkTarget({ id: 'login-b', name: 'speed-up', unit: '×', compare: '>=', limit: 2, value: 2.171 }),
      checkTarget({ id: 'login-c', name: '429 answers', unit: '', compare: '<=', limit: 0, value: 0 }),
      checkTarget({ id: 'handoff', name: 'hand-off', unit: 'ms', compare: '<=', limit: 500, value: null }),
      checkTarget({ id: 'size-b', name: 'size B', unit: 'KiB', compare: '<=', limit: 8, value: 9.2 }),
    ],
    sections: {
      handoff: { status: 'not-measured', reason: 'built later.' },
      login: {
        sandbox: { rateLimits: 'ksef', singleUseChallenges: true },
        reference: { intervalMs: 1000, timeoutMs: 120_000 },
        runs: 9,
        warmups: 2,
        rateLimitedTotal: 0,
        cells: [cellOf('ksef-token', 'KSeF token', 50, 300, [sample(580, 7)], [sample(1280, 5)])],
      },
      vault: {
        chromium: 'Chrome/156',
        kdf: { memoryKiB: 65536, iterations: 3, parallelism: 4 },
        unlockMs: summarize([340, 350]),
        kdfOnPageMs: summarize([330]),
        accountingOffice: {
          companies: 1000,
          tokens: 2500,
          certificates: 2500,
          backupBytes: 5 * 1024 * 1024,
          buildMs: 9000,
          importMs: 2900,
        },
        openAndListMs: summarize([250, 260]),
        listAgainMs: summarize([120]),
      },
    },
  };
  function sample(ms: number, requests: number) {
    return { ms, requests, rateLimited: 0 };
  }

  it('renders the summary line, each target with its state, and the sections that ran', () => {
    const md = renderPerformance(results);
    expect(md).toMatch(/^## Performance\n/);
    expect(md).toContain('**bench: 3 of 5 targets met**');
    expect(md).toContain('| speed-up | 2.17× | ≥ 2× | met |');
    expect(md).toContain('| 429 answers | 0 | ≤ 0 | met |');
    expect(md).toContain('| login A | 223.4 ms (median) | ≤ 260 ms | met |');
    expect(md).toContain('| hand-off | not measured | ≤ 500 ms | **not measured** |');
    expect(md).toContain('| size B | 9.2 KiB | ≤ 8 KiB | **missed** |');
    expect(md).toContain(
      '| 50 ms | 300 ms | KSeF token | 580 ms (p95 580 ms) | 1280 ms (p95 1280 ms) | 7 / 5 | ≤ 650 ms | 2.90× | 2.21× |',
    );
    expect(md).toContain('Not measured yet: built later.');
    expect(md).toContain('1,000 companies, 2,500 KSeF tokens, 2,500 KSeF certificates');
    expect(md).toContain(
      '| open and list (start the key worker, status, companies, tokens, certificates) | 255 ms | 260 ms |',
    );
    expect(md).not.toContain('### Crypto');
    expect(md).not.toContain('### Size');
  });
});
