/**
 * `npm test`: every test of the project, then one plain line `N passed, N failed` summed over
 * every runner (CI reads only that line). Steps: system packages, static checks (types, lint,
 * import boundaries), then all vitest projects (unit, integration, security, e2e). Extra
 * arguments go to vitest, e.g. `npm test -- --project unit`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  clearLedger,
  readLedger,
  renderSummaryTable,
  summarize,
  writeSummary,
} from '../tests/security/summarize-ledger.ts';
import { ensureSystemDeps } from './system-deps.ts';

const root = resolve(import.meta.dirname, '..');
const artifacts = resolve(root, 'tests/artifacts');
mkdirSync(artifacts, { recursive: true });

ensureSystemDeps();

let passed = 0;
let failed = 0;
let skipped = 0;

function run(label: string, cmd: string, args: string[]): boolean {
  console.log(`\n▶ ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  return r.status === 0;
}

const extra = process.argv.slice(2);
if (extra.length === 0) {
  // Static checks count as one test each: a type error or a broken import rule is a failure.
  for (const [label, script] of [
    ['types', 'typecheck'],
    ['lint', 'lint'],
    ['import boundaries', 'check:boundaries'],
  ] as const) {
    if (run(label, 'npm', ['run', '--silent', script])) passed += 1;
    else failed += 1;
  }
}

const resultsFile = resolve(artifacts, 'vitest-results.json');
rmSync(resultsFile, { force: true });
clearLedger(); // the security ledger is this run's alone (tests/security/ledger.ts)
const vitestOk = run('vitest', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${resultsFile}`,
  ...extra,
]);
if (existsSync(resultsFile)) {
  const r = JSON.parse(readFileSync(resultsFile, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites: number;
  };
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  // A file that fails to load (syntax error, failing hook) has no failed test but must count.
  if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) failed += r.numFailedTestSuites;
}
if (!vitestOk && failed === 0) failed += 1; // vitest itself crashed or found no results

// The security summary per threat (SECURITY.md T1–T12) counts as one test: it fails on any leak or
// loss, and on a full run also when a threat has no case at all. Only a full run writes the file
// the README's Security section is rendered from.
try {
  const ledger = readLedger();
  if (extra.length === 0 || ledger.length > 0) {
    const security = summarize(ledger, { requireEveryThreat: extra.length === 0 });
    console.log(`\n▶ security summary\n${renderSummaryTable(security)}`);
    if (extra.length === 0) writeSummary(security);
    if (security.problems.length === 0) passed += 1;
    else failed += 1;
  }
} catch (e) {
  console.error(`\n▶ security summary: ${(e as Error).message}`);
  failed += 1;
}

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
