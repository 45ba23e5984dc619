/**
 * `npm run readme`: regenerates the README's "Performance" section from bench/results.json (rendered
 * by bench/results.ts, the same text `npm run bench` prints) and its
 * "Security" section from tests/artifacts/security-summary.json (written by the security suite),
 * between marker comments, so the figures are never typed by hand.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BenchResults, RESULTS_FORMAT, renderPerformance } from '../bench/results.ts';

const root = resolve(import.meta.dirname, '..');
const readmePath = resolve(root, 'README.md');

type SecuritySummary = {
  generatedAt: string;
  threats: { id: string; title: string; cases: number; leaks: number; lost: number }[];
};

function replaceBetween(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const re = new RegExp(`${start}[\\s\\S]*?${end}`);
  return re.test(text) ? text.replace(re, block) : `${text.trimEnd()}\n\n${block}\n`;
}

export function renderSecurity(s: SecuritySummary): string {
  const rows = s.threats.map((t) => `| ${t.id} | ${t.title} | ${t.cases} | ${t.leaks} | ${t.lost} |`);
  return [
    '## Security',
    '',
    `From the security suite (\`tests/security\`, part of \`npm test\`), ${s.generatedAt.slice(0, 10)}.`,
    '',
    '| threat | what | cases tried | leaked | lost |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
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
if (existsSync(secPath))
  readme = replaceBetween(readme, 'security', renderSecurity(JSON.parse(readFileSync(secPath, 'utf8'))));
writeFileSync(readmePath, readme);
console.log('README.md sections regenerated');
