/**
 * Sums the security ledger (ledger.ts) per threat T1–T12 into tests/artifacts/security-summary.json
 * (which `npm run readme` renders into the README) and a plain table for the console. The run fails
 * when any case leaked or lost something, or — on a full run — when a threat has no case at all:
 * a threat nobody tested is a gap, not a pass.
 *
 * No vitest here: scripts/test.ts imports this after vitest has finished.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { THREATS, type ThreatId } from './threats.ts';

export const SUMMARY_FORMAT = 'ksef-wallet-security/1';
const root = resolve(import.meta.dirname, '../..');
export const LEDGER_DIR = resolve(root, 'tests/artifacts/security-ledger');
export const SUMMARY_PATH = resolve(root, 'tests/artifacts/security-summary.json');

type Line = {
  threat: string;
  family: string;
  tried: number;
  leaked: number;
  lost: number;
  controls?: number;
  file: string;
  gap?: boolean;
};

export type ThreatSummary = {
  readonly id: ThreatId;
  readonly title: string;
  readonly cases: number;
  readonly leaks: number;
  readonly lost: number;
  readonly controls: number;
  /** Families of cases with their counts, largest first (families of controls only left out). */
  readonly families: readonly { readonly family: string; readonly cases: number; readonly file: string }[];
  /** Known gaps: failing cases kept as it.todo with the missing fix named (ledger.ts knownGap). */
  readonly gaps: readonly string[];
};

export type SecuritySummary = {
  readonly format: typeof SUMMARY_FORMAT;
  readonly generatedAt: string;
  readonly totals: { readonly cases: number; readonly leaks: number; readonly lost: number };
  readonly threats: readonly ThreatSummary[];
  /** Threats without any case, and threats with leaks or losses: empty on a good run. */
  readonly problems: readonly string[];
};

/** Removes the previous run's ledger (call before the tests start). */
export function clearLedger(dir = LEDGER_DIR): void {
  rmSync(dir, { recursive: true, force: true });
}

export function readLedger(dir = LEDGER_DIR): Line[] {
  if (!existsSync(dir)) return [];
  const lines: Line[] = [];
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .sort()) {
    for (const raw of readFileSync(resolve(dir, name), 'utf8').split('\n')) {
      if (!raw.trim()) continue;
      const l = JSON.parse(raw) as Line;
      // A line we did not write (or a half-written one from a killed worker) is refused loudly.
      if (!Object.hasOwn(THREATS, l.threat) || ![l.tried, l.leaked, l.lost].every(Number.isInteger))
        throw new Error(`security ledger ${name}: malformed line ${raw.slice(0, 120)}`);
      lines.push(l);
    }
  }
  return lines;
}

export function summarize(
  lines: readonly Line[],
  options: { requireEveryThreat: boolean; now?: Date },
): SecuritySummary {
  const threats = (Object.keys(THREATS) as ThreatId[]).map((id): ThreatSummary => {
    const gaps = [...new Set(lines.filter((l) => l.threat === id && l.gap).map((l) => l.family))];
    const mine = lines.filter((l) => l.threat === id && !l.gap);
    const byFamily = new Map<string, { family: string; cases: number; file: string }>();
    for (const l of mine) {
      const key = `${l.file}\u0000${l.family}`;
      const f = byFamily.get(key) ?? { family: l.family, cases: 0, file: l.file };
      f.cases += l.tried;
      byFamily.set(key, f);
    }
    return {
      id,
      title: THREATS[id],
      cases: mine.reduce((s, l) => s + l.tried, 0),
      leaks: mine.reduce((s, l) => s + l.leaked, 0),
      lost: mine.reduce((s, l) => s + l.lost, 0),
      controls: mine.reduce((s, l) => s + (l.controls ?? 0), 0),
      families: [...byFamily.values()]
        .filter((f) => f.cases > 0)
        .sort((a, b) => b.cases - a.cases || a.family.localeCompare(b.family)),
      gaps,
    };
  });
  const problems: string[] = [];
  for (const t of threats) {
    if (t.leaks > 0) problems.push(`${t.id}: ${t.leaks} case(s) leaked`);
    if (t.lost > 0) problems.push(`${t.id}: ${t.lost} case(s) lost data`);
    if (options.requireEveryThreat && t.cases === 0) problems.push(`${t.id}: no case was tried`);
  }
  return {
    format: SUMMARY_FORMAT,
    generatedAt: (options.now ?? new Date()).toISOString(),
    totals: {
      cases: threats.reduce((s, t) => s + t.cases, 0),
      leaks: threats.reduce((s, t) => s + t.leaks, 0),
      lost: threats.reduce((s, t) => s + t.lost, 0),
    },
    threats,
    problems,
  };
}

/** The console table: one plain line per threat, then the verdict. */
export function renderSummaryTable(s: SecuritySummary): string {
  const width = Math.max(...s.threats.map((t) => t.title.length));
  const lines = s.threats.map(
    (t) =>
      `${t.id.padEnd(3)} ${t.title.padEnd(width)}  ${String(t.cases).padStart(6)} cases, ${t.leaks} leaked, ${t.lost} lost`,
  );
  const gaps = s.threats.flatMap((t) => t.gaps.map((g) => `    known gap (${t.id}, it.todo): ${g}`));
  const verdict =
    s.problems.length === 0
      ? `security: ${s.totals.cases} cases over ${s.threats.length} threats, none leaked or lost anything${gaps.length ? `; ${gaps.length} known gap(s) above` : ''}`
      : `security: FAILED — ${s.problems.join('; ')}`;
  return [...lines, ...gaps, verdict].join('\n');
}

export function writeSummary(s: SecuritySummary, path = SUMMARY_PATH): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(s, null, 2)}\n`);
}

/**
 * `tsx tests/security/summarize-ledger.ts [--partial]`: sums whatever the ledger holds now (after
 * running some security files by hand), prints the table and writes the summary. Without
 * `--partial` every threat must have cases, as on a full `npm test`.
 */
if (process.argv[1] === import.meta.filename) {
  const s = summarize(readLedger(), { requireEveryThreat: !process.argv.includes('--partial') });
  console.log(renderSummaryTable(s));
  writeSummary(s);
  process.exit(s.problems.length === 0 ? 0 : 1);
}
