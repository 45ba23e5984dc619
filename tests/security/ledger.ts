/**
 * The security ledger: every security test records how many cases it tried against a threat of
 * SECURITY.md §2, and how many of those leaked something (a secret in an error, a request that
 * should have been refused reaching the network, a session handed where none belonged) or lost
 * something (a vault byte changed by a refused input, a credential gone after a fault).
 *
 * Tests count first, record, then assert — so a leak shows up in the summary as a number and is not
 * only a red test. One JSON line per call, appended to a file of its own per process (vitest runs
 * test files in parallel workers; appends from one process never interleave with another's).
 * `scripts/test.ts` clears the folder before a run and sums it afterwards (summarize-ledger.ts).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';
import { expect } from 'vitest';
import { LEDGER_DIR } from './summarize-ledger.ts';
import { THREAT_IDS, THREATS, type ThreatId } from './threats.ts';

export { THREAT_IDS, THREATS, type ThreatId };

export type CaseCounts = {
  /** Cases tried (generated inputs, fault points, attempts). Positive controls are not counted here. */
  readonly tried: number;
  /** Cases where something got through that must not have. */
  readonly leaked: number;
  /** Cases where stored data changed or a credential was lost. */
  readonly lost: number;
  /** Positive controls run alongside (a planted leak the detector must find); informative only. */
  readonly controls?: number;
};

export type LedgerLine = CaseCounts & {
  readonly threat: ThreatId;
  /** What family of cases this was, e.g. "malformed bridge envelopes". */
  readonly family: string;
  /** The test file that recorded it. */
  readonly file: string;
  readonly at: string;
  /** A known gap (an `it.todo` naming the missing fix), not a case: shown in the summary as such. */
  readonly gap?: true;
};

let ledgerFile: string | undefined;

function fileOfThisProcess(): string {
  if (!ledgerFile) {
    mkdirSync(LEDGER_DIR, { recursive: true });
    const unique = `${process.pid}-${threadId}-${Math.random().toString(36).slice(2, 10)}`;
    ledgerFile = resolve(LEDGER_DIR, `${unique}.jsonl`);
  }
  return ledgerFile;
}

/** The test file calling us, for the summary (vitest keeps it on expect's state). */
function callerFile(): string {
  const path = expect.getState().testPath;
  return path ? basename(path) : 'unknown';
}

/** Records one family of cases against a threat. Throws on nonsense counts (a test bug). */
export function recordCases(threat: ThreatId, family: string, counts: CaseCounts): void {
  if (!Object.hasOwn(THREATS, threat)) throw new TypeError(`unknown threat ${threat}`);
  for (const k of ['tried', 'leaked', 'lost', 'controls'] as const) {
    const n = counts[k];
    if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new TypeError(`${k} must be a count`);
  }
  if (counts.leaked > counts.tried || counts.lost > counts.tried)
    throw new TypeError('more leaks or losses than cases');
  const line: LedgerLine = {
    threat,
    family,
    tried: counts.tried,
    leaked: counts.leaked,
    lost: counts.lost,
    ...(counts.controls ? { controls: counts.controls } : {}),
    file: callerFile(),
    at: new Date().toISOString(),
  };
  appendFileSync(fileOfThisProcess(), `${JSON.stringify(line)}\n`);
}

/**
 * A known gap: a case this suite found failing, kept as `it.todo` with the missing fix named (so
 * the run stays green), and listed in the summary and the README so that "none leaked" is never
 * read as "nothing is known to be wrong". Call it next to the `it.todo`.
 */
export function knownGap(threat: ThreatId, description: string): void {
  if (!Object.hasOwn(THREATS, threat)) throw new TypeError(`unknown threat ${threat}`);
  const line: LedgerLine = {
    threat,
    family: description,
    tried: 0,
    leaked: 0,
    lost: 0,
    gap: true,
    file: callerFile(),
    at: new Date().toISOString(),
  };
  appendFileSync(fileOfThisProcess(), `${JSON.stringify(line)}\n`);
}

/**
 * A tally for one family: count cases as they run, then `record()` once. Keeps the counting next
 * to the detection in a test and makes "record before assert" the easy path.
 */
export function tally(threat: ThreatId, family: string) {
  const c = { tried: 0, leaked: 0, lost: 0, controls: 0 };
  const notes: string[] = [];
  return {
    /** One case: `leaked`/`lost` say what the detectors found for it; `note` explains a failure. */
    add(outcome: { leaked?: boolean; lost?: boolean; note?: string } = {}) {
      c.tried += 1;
      if (outcome.leaked) c.leaked += 1;
      if (outcome.lost) c.lost += 1;
      if ((outcome.leaked || outcome.lost) && outcome.note && notes.length < 20) notes.push(outcome.note);
    },
    control() {
      c.controls += 1;
    },
    get counts(): Readonly<typeof c> {
      return { ...c };
    },
    /** What went wrong, for the assertion message (empty when nothing did). */
    get notes(): readonly string[] {
      return notes;
    },
    record() {
      recordCases(threat, family, c);
      return { ...c, notes };
    },
  };
}
