/**
 * `npm run readme`: regenerates the README's "Performance" section from bench/results.json (rendered
 * by bench/results.ts, the same text `npm run bench` prints) and its
 * "Security" section from tests/artifacts/security-summary.json (written by the security suite),
 * between marker comments, so the figures are never typed by hand.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BenchResults, RESULTS_FORMAT, renderPerformance } from '../bench/results.ts';
import { type SecuritySummary, SUMMARY_FORMAT } from '../tests/security/summarize-ledger.ts';

const root = resolve(import.meta.dirname, '..');
const readmePath = resolve(root, 'README.md');

function replaceBetween(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const re = new RegExp(`${start}[\\s\\S]*?${end}`);
  return re.test(text) ? text.replace(re, block) : `${text.trimEnd()}\n\n${block}\n`;
}

/**
 * The README's Security section: one row per threat of SECURITY.md §2 with the cases the suite tried,
 * what leaked and what was lost, and the families of cases behind the number.
 */
export function renderSecurity(s: SecuritySummary): string {
  const families = (t: SecuritySummary['threats'][number]) => {
    const shown = t.families.slice(0, 6).map((f) => `${f.family} (${f.cases})`);
    const more = t.families.length - shown.length;
    return [...shown, ...(more > 0 ? [`${more} more`] : [])].join('; ') || '—';
  };
  const rows = s.threats.map(
    (t) => `| ${t.id} | ${t.title} | ${t.cases} | ${t.leaks} | ${t.lost} | ${families(t)} |`,
  );
  const verdict =
    s.problems.length === 0
      ? `${s.totals.cases} cases over ${s.threats.length} threats; none leaked or lost anything.`
      : `**Problems:** ${s.problems.join('; ')}.`;
  const gaps = s.threats.flatMap((t) => (t.gaps ?? []).map((g) => `- ${t.id}: ${g}`));
  return [
    '## Security',
    '',
    `From the security and fault suite (\`tests/security/\` and \`tests/e2e/security-*\`, part of \`npm test\`), run of ${s.generatedAt.slice(0, 10)}: ${verdict} Generated from \`tests/artifacts/security-summary.json\` by \`npm run readme\`. Threats and their fixes: SECURITY.md of the steering folder.`,
    '',
    '| threat | what | cases tried | leaked | lost | families of cases (cases) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    ...(gaps.length
      ? [
          '',
          'Known gaps — cases the suite found failing, kept as `it.todo` with the missing fix named until it lands:',
          '',
          ...gaps,
        ]
      : []),
  ].join('\n');
}

let readme = readFileSync(readmePath, 'utf8');
const benchPath = resolve(root, 'bench/results.json');
if (existsSync(benchPath)) {
  const bench = JSON.parse(readFileSync(benchPath, 'utf8')) as BenchResults;
  // An older or foreign file would render as nonsense: say so instead of writing it.
  if (bench?.format !== RESULTS_FORMAT) {
    console.error(`bench/results.json is not ${RESULTS_FORMAT}: run \`npm run bench\` first`);
    process.exit(1);
  }
  readme = replaceBetween(readme, 'performance', renderPerformance(bench));
}
const secPath = resolve(root, 'tests/artifacts/security-summary.json');
if (existsSync(secPath)) {
  const security = JSON.parse(readFileSync(secPath, 'utf8')) as SecuritySummary;
  if (security?.format !== SUMMARY_FORMAT) {
    console.error(`${secPath} is not ${SUMMARY_FORMAT}: run \`npm test\` first`);
    process.exit(1);
  }
  readme = replaceBetween(readme, 'security', renderSecurity(security));
}
writeFileSync(readmePath, readme);
console.log('README.md sections regenerated');
