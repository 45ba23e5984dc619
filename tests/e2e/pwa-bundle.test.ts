/**
 * The built PWA as the e2e run serves it: the first load stays small (crypto and XML code are
 * loaded lazily), the service worker needs no importScripts (a blocked script sink under the
 * Trusted Types CSP), and the manifest makes the app installable.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, inject, it } from 'vitest';

/**
 * Budget for the first-load JavaScript, gzipped: the shell, Preact, valibot, the vault client and
 * its RPC contract, the hand-off bridge, and both languages of the dictionary (~56 KiB in December
 * 2026). The company screen, the KSeF messages and the hand-off window load on first use. The
 * issue's target is 100 KiB (measured by `npm run bench`); this budget keeps a margin below it.
 */
const FIRST_LOAD_GZIP_BUDGET = 64 * 1024;

describe('the built PWA', () => {
  const dir = inject('pwaDir');
  const html = readFileSync(resolve(dir, 'index.html'), 'utf8');
  const entries = [...html.matchAll(/<script[^>]*src="\/([^"]+)"/g)].map((m) => m[1] ?? '');

  it('loads one module script and no inline script', () => {
    expect(entries).toHaveLength(1);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
  });

  it(`keeps the first-load JavaScript under ${FIRST_LOAD_GZIP_BUDGET / 1024} KiB gzipped, without XML or PKI code`, () => {
    const js = readFileSync(resolve(dir, entries[0] ?? ''));
    expect(gzipSync(js).byteLength).toBeLessThan(FIRST_LOAD_GZIP_BUDGET);
    const text = js.toString('utf8');
    // An XML-parser error code and a pkijs class name: present only if the crypto core was bundled eagerly.
    expect(text).not.toContain('InvalidAttr');
    expect(text).not.toContain('CertificationRequest');
    const lazy = readdirSync(resolve(dir, 'assets')).filter(
      (f) => f.endsWith('.js') && `assets/${f}` !== entries[0],
    );
    expect(lazy.some((f) => readFileSync(resolve(dir, 'assets', f), 'utf8').includes('InvalidAttr'))).toBe(
      true,
    );
  });

  it('has a service worker that imports no other script', () => {
    const sw = readFileSync(resolve(dir, 'sw.js'), 'utf8');
    expect(sw).not.toContain('importScripts');
    expect(sw).toContain('clientsClaim');
  });

  it('declares a standalone app with 192 and 512 px PNG icons that exist', () => {
    const manifest = JSON.parse(readFileSync(resolve(dir, 'manifest.webmanifest'), 'utf8')) as {
      display: string;
      start_url: string;
      icons: { src: string; sizes: string; type: string }[];
    };
    expect(manifest.display).toBe('standalone');
    expect(manifest.start_url).toBe('/');
    const pngs = manifest.icons.filter((i) => i.type === 'image/png');
    expect(pngs.map((i) => i.sizes).sort()).toEqual(['192x192', '512x512']);
    for (const icon of pngs) {
      const png = readFileSync(resolve(dir, icon.src.replace(/^\//, '')));
      const [w, hgt] = [png.readUInt32BE(16), png.readUInt32BE(20)];
      expect(`${w}x${hgt}`).toBe(icon.sizes);
    }
  });
});
