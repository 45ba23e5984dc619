/**
 * The import rules of ARCHITECTURE.md are enforced by `npm run check:boundaries` (dependency-cruiser)
 * and by type-checking shared/ without DOM or chrome types. These tests plant violating files in a
 * throw-away copy of the layout and prove that each check fails on them — and passes without them.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
let work: string;

function plant(files: Record<string, string>): () => void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(work, path, '..'), { recursive: true });
    writeFileSync(join(work, path), text);
  }
  return () => {
    for (const path of Object.keys(files)) rmSync(join(work, path), { force: true });
  };
}

const depcruise = () =>
  spawnSync(
    join(root, 'node_modules/.bin/depcruise'),
    ['shared', 'pwa', 'extension', 'sandbox', '--config', '.dependency-cruiser.cjs'],
    {
      cwd: work,
      encoding: 'utf8',
    },
  );
const tscShared = () =>
  spawnSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'shared/tsconfig.json'], {
    cwd: work,
    encoding: 'utf8',
  });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ksef-boundaries-'));
  for (const f of ['.dependency-cruiser.cjs', 'tsconfig.json', 'package.json'])
    cpSync(join(root, f), join(work, f));
  for (const d of ['shared', 'pwa', 'extension', 'sandbox']) mkdirSync(join(work, d), { recursive: true });
  mkdirSync(join(work, 'shared/ksef/generated'), { recursive: true });
  cpSync(join(root, 'shared/tsconfig.json'), join(work, 'shared/tsconfig.json'));
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'));
  writeFileSync(join(work, 'shared/ok.ts'), 'export const fine = (x: number): number => x + 1;\n');
  writeFileSync(join(work, 'shared/ksef/generated/openapi.ts'), 'export type Generated = { a: string };\n');
  writeFileSync(
    join(work, 'pwa/app.ts'),
    "import { fine } from '../shared/ok.ts';\nexport const y = fine(1);\n",
  );
  writeFileSync(
    join(work, 'sandbox/server.ts'),
    "import type { Generated } from '../shared/ksef/generated/openapi.ts';\nexport const s: Generated = { a: '' };\n",
  );
  mkdirSync(join(work, 'pwa/vault'), { recursive: true });
  writeFileSync(join(work, 'pwa/vault/db.ts'), "import Dexie from 'dexie';\nexport const D = Dexie;\n");
}, 30_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('import boundaries', () => {
  it('pass on a clean layout', () => {
    const r = depcruise();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const t = tscShared();
    expect(t.status, t.stdout).toBe(0);
  });

  it.each([
    [
      'shared importing the PWA',
      { 'shared/bad.ts': "export * from '../pwa/app.ts';\n" },
      'shared-imports-no-product',
    ],
    [
      'shared importing Dexie',
      { 'shared/bad.ts': "export { default } from 'dexie';\n" },
      'shared-imports-no-platform',
    ],
    [
      'shared importing a Node built-in',
      { 'shared/bad.ts': "export { readFileSync } from 'node:fs';\n" },
      'shared-imports-no-node-builtins',
    ],
    [
      'the sandbox importing product code',
      { 'sandbox/bad.ts': "export * from '../shared/ok.ts';\n" },
      'sandbox-is-independent',
    ],
    [
      'the PWA importing Dexie outside the vault',
      { 'pwa/bad.ts': "export { default } from 'dexie';\n" },
      'only-the-vault-touches-dexie',
    ],
    [
      'the PWA importing the extension',
      { 'extension/x.ts': 'export const x = 1;\n', 'pwa/bad.ts': "export * from '../extension/x.ts';\n" },
      'pwa-and-extension-meet-only-in-shared',
    ],
  ])('fail on %s', (_label, files, rule) => {
    const remove = plant(files);
    try {
      const r = depcruise();
      expect(r.status).not.toBe(0);
      expect(r.stdout + r.stderr).toContain(rule);
    } finally {
      remove();
    }
  });

  it.each([
    ['the DOM', 'export const t = (): string => document.title;\n'],
    ['window', 'export const w = (): unknown => window.location;\n'],
    ['chrome.*', 'export const c = (): unknown => chrome.runtime.id;\n'],
    ['Node globals', 'export const p = (): unknown => process.env;\n'],
  ])('fail when shared/ uses %s (type check without DOM, chrome or Node types)', (_label, text) => {
    const remove = plant({ 'shared/bad-global.ts': text });
    try {
      const r = tscShared();
      expect(r.status, r.stdout).not.toBe(0);
      expect(r.stdout).toContain('bad-global.ts');
    } finally {
      remove();
    }
  });
});
