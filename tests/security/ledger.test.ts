import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordCases, tally } from './ledger.ts';
import { readLedger, renderSummaryTable, summarize } from './summarize-ledger.ts';
import { THREAT_IDS } from './threats.ts';

const line = (threat: string, tried: number, leaked = 0, lost = 0) => ({
  threat,
  family: `family of ${threat}`,
  tried,
  leaked,
  lost,
  file: 'x.test.ts',
});

describe('security ledger summary', () => {
  it('passes when every threat has cases and none leaked or lost anything', () => {
    const s = summarize(
      THREAT_IDS.map((t) => line(t, 3)),
      { requireEveryThreat: true },
    );
    expect(s.problems).toEqual([]);
    expect(s.totals).toEqual({ cases: 36, leaks: 0, lost: 0 });
    expect(renderSummaryTable(s)).toMatch(/none leaked or lost anything$/);
    expect(renderSummaryTable(s).split('\n')).toHaveLength(13);
  });

  it('fails on a leak, on a loss, and on a threat without cases', () => {
    const lines = THREAT_IDS.filter((t) => t !== 'T9').map((t) => line(t, 5));
    lines.push(line('T4', 2, 1, 0), line('T12', 4, 0, 2));
    const s = summarize(lines, { requireEveryThreat: true });
    expect(s.problems).toEqual(['T4: 1 case(s) leaked', 'T9: no case was tried', 'T12: 2 case(s) lost data']);
    expect(renderSummaryTable(s)).toContain('security: FAILED');
    // A partial run (one project) does not ask for every threat, but still fails on the leak.
    expect(summarize(lines, { requireEveryThreat: false }).problems).toHaveLength(2);
  });

  it('groups cases by family and adds up across files and processes', () => {
    const s = summarize([line('T5', 200), line('T5', 50), { ...line('T5', 7), family: 'other' }], {
      requireEveryThreat: false,
    });
    const t5 = s.threats.find((t) => t.id === 'T5')!;
    expect(t5.cases).toBe(257);
    expect(t5.families).toEqual([
      { family: 'family of T5', cases: 250, file: 'x.test.ts' },
      { family: 'other', cases: 7, file: 'x.test.ts' },
    ]);
  });

  it('lists known gaps apart from the cases, without counting them as cases or as failures', () => {
    const gap = { ...line('T8', 0), family: 'masked button', gap: true };
    const s = summarize([...THREAT_IDS.map((t) => line(t, 1)), gap], { requireEveryThreat: true });
    const t8 = s.threats.find((t) => t.id === 'T8')!;
    expect(t8).toMatchObject({ cases: 1, gaps: ['masked button'] });
    expect(t8.families.map((f) => f.family)).toEqual(['family of T8']);
    expect(s.problems).toEqual([]);
    expect(renderSummaryTable(s)).toContain('known gap (T8, it.todo): masked button');
    // A threat that has only a known gap has no case: that is still a problem.
    expect(summarize([gap], { requireEveryThreat: true }).problems).toContain('T8: no case was tried');
  });

  it('refuses a ledger line it did not write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    try {
      writeFileSync(join(dir, 'a.jsonl'), `${JSON.stringify(line('T13', 1))}\n`);
      expect(() => readLedger(dir)).toThrow(/malformed/);
      writeFileSync(join(dir, 'a.jsonl'), `${JSON.stringify(line('T1', 1))}\n\n`);
      expect(readLedger(dir)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses counts that cannot be right', () => {
    expect(() => recordCases('T99' as never, 'x', { tried: 1, leaked: 0, lost: 0 })).toThrow();
    expect(() => recordCases('T1', 'x', { tried: 1, leaked: 2, lost: 0 })).toThrow();
    expect(() => recordCases('T1', 'x', { tried: 1.5, leaked: 0, lost: 0 })).toThrow();
  });

  it('a tally counts what its detectors report and keeps the first notes', () => {
    const t = tally('T1', 'demo');
    t.add();
    t.add({ leaked: true, note: 'secret in error' });
    t.add({ lost: true, note: 'row changed' });
    t.control();
    expect(t.counts).toEqual({ tried: 3, leaked: 1, lost: 1, controls: 1 });
    expect(t.notes).toEqual(['secret in error', 'row changed']);
    // Never recorded: this file tests the ledger itself and must not add a planted leak to the run.
  });
});
