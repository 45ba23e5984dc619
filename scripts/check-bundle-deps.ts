/**
 * `tsx scripts/check-bundle-deps.ts`: the bundle dependency allowlist of SECURITY.md T11. Builds the
 * PWA (app, its workers and the service worker) and the extension into temporary folders, records
 * every module each bundle was made from (from the bundler's own chunk metadata, not by guessing
 * from minified output), and refuses any npm package that is not on the allowlist below — a new
 * dependency, or a new transitive one that a release slipped in, has to be added here on purpose.
 *
 * Also exported for tests/security/code-integrity.test.ts, which runs the same builds twice to show
 * that they are byte-identical and that the service worker's hashes match the files.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import type { Plugin } from 'vite';

const root = resolve(import.meta.dirname, '..');

/**
 * npm packages each bundle may contain (exact names), with why each is there — checked against
 * `npm ls` when the list was made:
 *  - preact: the UI; dexie: the vault's IndexedDB (key worker); valibot: message and RPC schemas;
 *  - hash-wasm: Argon2id (its WASM imports nothing, tests/unit/crypto/envelope-wasm.test.ts);
 *  - pkijs, asn1js and theirs — @peculiar/utils, bytestreamjs, @noble/hashes: X.509 and CSRs;
 *  - fast-xml-parser and its parts — strnum, anynum, @nodable/entities, is-unsafe,
 *    path-expression-matcher, xml-naming: the pre-check of a picked signed file;
 *  - @zxcvbn-ts/* and fastest-levenshtein: the passphrase estimator and its dictionaries (lazy);
 *  - workbox-window: registering the service worker; workbox-core/-precaching/-routing/-strategies:
 *    the service worker itself (platform/sw.ts);
 *  - wxt, @wxt-dev/browser: the extension's entrypoint helpers and the browser API wrapper.
 */
export const ALLOWLIST = Object.freeze({
  pwa: [
    'preact',
    'dexie',
    'valibot',
    'hash-wasm',
    'pkijs',
    'asn1js',
    '@peculiar/utils',
    'bytestreamjs',
    '@noble/hashes',
    'fast-xml-parser',
    'strnum',
    'anynum',
    '@nodable/entities',
    'is-unsafe',
    'path-expression-matcher',
    'xml-naming',
    '@zxcvbn-ts/core',
    '@zxcvbn-ts/dictionary-compression',
    '@zxcvbn-ts/language-common',
    '@zxcvbn-ts/language-en',
    '@zxcvbn-ts/language-pl',
    'fastest-levenshtein',
    'workbox-window',
  ],
  serviceWorker: ['workbox-core', 'workbox-precaching', 'workbox-routing', 'workbox-strategies'],
  extension: ['preact', 'dexie', 'valibot', 'wxt', '@wxt-dev/browser'],
} as const);
export type BundleName = keyof typeof ALLOWLIST;

/** Records the id of every module that went into the emitted chunks. */
export function moduleCollector(into: Set<string>): Plugin {
  return {
    name: 'ksef-wallet:module-collector',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        const ids = (file as { moduleIds?: readonly string[] }).moduleIds ?? Object.keys(file.modules ?? {});
        for (const id of ids) into.add(id);
      }
    },
  };
}

/** The npm package a module id belongs to, or null for our own files and bundler helpers. */
export function packageOf(id: string): string | null {
  const clean = id.replace(/^\0/, '').split('?')[0]!;
  const at = clean.lastIndexOf(`${sep}node_modules${sep}`);
  if (at < 0) return null;
  const parts = clean.slice(at + `${sep}node_modules${sep}`.length).split(sep);
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

export type BuiltBundles = {
  readonly dirs: { readonly pwa: string; readonly extension: string };
  readonly modules: Record<BundleName, ReadonlySet<string>>;
};

/** Builds the PWA, its service worker and the extension into `parent` (env as `npm run build`). */
export async function buildBundles(parent: string): Promise<BuiltBundles> {
  const { build } = await import('vite');
  const pwaDir = join(parent, 'pwa');
  const extensionDir = join(parent, 'extension');
  const modules = { pwa: new Set<string>(), serviceWorker: new Set<string>(), extension: new Set<string>() };
  const saved = { ...process.env };
  try {
    // vite.config.ts and wxt.config.ts read their inputs from the environment.
    process.env.WALLET_PWA_OUT = pwaDir;
    process.env.WALLET_EXTENSION_OUT = extensionDir;
    await build({
      configFile: resolve(root, 'pwa/vite.config.ts'),
      logLevel: 'warn',
      plugins: [moduleCollector(modules.pwa)],
      worker: { plugins: () => [moduleCollector(modules.pwa)] },
    });
    // The service worker is a separate build inside vite-plugin-pwa; the same entry built here
    // (same resolution, nothing written) gives its module list.
    await build({
      configFile: false,
      logLevel: 'warn',
      root,
      build: {
        write: false,
        outDir: join(parent, 'sw-modules'),
        lib: { entry: resolve(root, 'pwa/platform/sw.ts'), formats: ['iife'], name: 'sw' },
      },
      plugins: [moduleCollector(modules.serviceWorker)],
    });
    const wxt = await import('wxt');
    await wxt.build({ root, vite: () => ({ plugins: [moduleCollector(modules.extension)] }) });
  } finally {
    for (const k of ['WALLET_PWA_OUT', 'WALLET_EXTENSION_OUT'])
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
  }
  return { dirs: { pwa: pwaDir, extension: join(extensionDir, 'chrome-mv3') }, modules };
}

/** Packages per bundle, and those not on the allowlist. */
export function checkAllowlist(modules: BuiltBundles['modules']) {
  const found = {} as Record<BundleName, string[]>;
  const refused: string[] = [];
  for (const name of Object.keys(ALLOWLIST) as BundleName[]) {
    const packages = [
      ...new Set([...modules[name]].map(packageOf).filter((p): p is string => p !== null)),
    ].sort();
    found[name] = packages;
    for (const p of packages)
      if (!(ALLOWLIST[name] as readonly string[]).includes(p)) refused.push(`${name}: ${p}`);
  }
  return { found, refused };
}

/** Every file under `dir` with its bytes, by relative path (for byte-identical comparisons). */
export function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(relative(dir, full), readFileSync(full));
    }
  };
  walk(dir);
  return out;
}

if (process.argv[1] === import.meta.filename) {
  const parent = mkdtempSync(join(tmpdir(), 'ksef-wallet-bundle-check-'));
  try {
    const built = await buildBundles(parent);
    const { found, refused } = checkAllowlist(built.modules);
    for (const [name, packages] of Object.entries(found))
      console.log(`${name}: ${packages.join(', ') || '(none)'}`);
    if (refused.length > 0) {
      console.error(
        `packages not on the bundle allowlist (scripts/check-bundle-deps.ts): ${refused.join('; ')}`,
      );
      process.exitCode = 1;
    } else console.log('bundle dependency allowlist: ok');
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}
