/**
 * `npm run bench`: every benchmark in one run on one machine, side by side, then a table, a
 * summary line and bench/results.json (which the README's Performance section is generated from:
 * `npm run readme`). No timing is asserted in tests; the targets are checked and reported here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { measureSizes } from './size.ts';

const root = resolve(import.meta.dirname, '..');
export type Target = {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly limit: number;
  readonly met: boolean;
};
const KIB = 1024;

async function main() {
  const targets: Target[] = [];
  const sections: Record<string, unknown> = {};

  // Build exactly as `npm run build` does, into a throw-away folder.
  const out = mkdtempSync(join(tmpdir(), 'ksef-bench-build-'));
  const env = { ...process.env, WALLET_PWA_OUT: join(out, 'pwa'), WALLET_EXTENSION_OUT: join(out, 'ext') };
  execFileSync('npx', ['vite', 'build', '--config', 'pwa/vite.config.ts', '--logLevel', 'error'], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  execFileSync('npx', ['wxt', 'build'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const sizes = measureSizes(join(out, 'pwa'), join(out, 'ext/chrome-mv3'));
  rmSync(out, { recursive: true, force: true });
  sections.size = sizes;
  targets.push(target('PWA first-load JS (gzip)', sizes.pwaFirstLoadGzipBytes / KIB, 'KiB', 100));
  if (sizes.contentScriptGzipBytes !== null)
    targets.push(target('content script (gzip)', sizes.contentScriptGzipBytes / KIB, 'KiB', 8));
  sections.extension = { jsGzipKiB: round(sizes.extensionJsGzipBytes / KIB) };

  const results = {
    generatedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
    targets,
    sections,
  };
  writeFileSync(resolve(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);

  console.log('\n| measure | value | target | |\n| --- | --- | --- | --- |');
  for (const t of targets)
    console.log(
      `| ${t.name} | ${round(t.value)} ${t.unit} | ≤ ${t.limit} ${t.unit} | ${t.met ? 'met' : 'MISSED'} |`,
    );
  console.log(`| whole extension JS (gzip) | ${round(sizes.extensionJsGzipBytes / KIB)} KiB | — | |`);
  const met = targets.filter((t) => t.met).length;
  console.log(`\nbench: ${met} of ${targets.length} targets met`);
}

function target(name: string, value: number, unit: string, limit: number): Target {
  return { name, value: round(value), unit, limit, met: value <= limit };
}
const round = (x: number) => Math.round(x * 10) / 10;

await main();
