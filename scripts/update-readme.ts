/**
 * `npm run readme`: regenerates the README's "Performance" section from bench/results.json and its
 * "Security" section from tests/artifacts/security-summary.json (written by the security suite),
 * between marker comments, so the figures are never typed by hand.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const readmePath = resolve(root, 'README.md');

type Bench = {
  generatedAt: string;
  machine: { cpus: number; cpuModel: string; node: string };
  targets: { name: string; value: number; unit: string; limit: number; met: boolean }[];
};
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

export function renderPerformance(b: Bench): string {
  const rows = b.targets.map(
    (t) => `| ${t.name} | ${t.value} ${t.unit} | ≤ ${t.limit} ${t.unit} | ${t.met ? 'met' : '**missed**'} |`,
  );
  return [
    '## Performance',
    '',
    `Measured by \`npm run bench\` on ${b.machine.cpus} × ${b.machine.cpuModel}, Node ${b.machine.node}, ${b.generatedAt.slice(0, 10)}.`,
    '',
    '| measure | value | target | |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
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
if (existsSync(benchPath))
  readme = replaceBetween(
    readme,
    'performance',
    renderPerformance(JSON.parse(readFileSync(benchPath, 'utf8'))),
  );
const secPath = resolve(root, 'tests/artifacts/security-summary.json');
if (existsSync(secPath))
  readme = replaceBetween(readme, 'security', renderSecurity(JSON.parse(readFileSync(secPath, 'utf8'))));
writeFileSync(readmePath, readme);
console.log('README.md sections regenerated');
