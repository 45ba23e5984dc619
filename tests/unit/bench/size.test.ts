import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findContentScripts, firstLoadScripts, measureSizes } from '../../../bench/size.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ksef-bench-size-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('bundle sizes', () => {
  it('counts the scripts and module preloads index.html names, not stylesheets or other origins', () => {
    const html = `<script type="module" crossorigin src="/assets/index-A1.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/vendor-B2.js">
      <link rel="stylesheet" href="/assets/index.css"><link rel="manifest" href="/manifest.webmanifest">
      <script src="https://cdn.example/x.js"></script>`;
    expect(firstLoadScripts(html)).toEqual(['assets/index-A1.js', 'assets/vendor-B2.js']);
  });

  it('finds a content script the background registers at run time, and only if it was built', () => {
    const ext = tree({
      'manifest.json': JSON.stringify({ manifest_version: 3 }),
      'background.js':
        'const F="content-scripts/erp-login.js";register({js:[F]});x("content-scripts/gone.js")',
      'content-scripts/erp-login.js': 'console.log(1)',
    });
    expect(findContentScripts(ext)).toEqual(['content-scripts/erp-login.js']);
  });

  it('also counts content scripts declared in the manifest', () => {
    const ext = tree({
      'manifest.json': JSON.stringify({ content_scripts: [{ js: ['content-scripts/a.js'] }] }),
      'background.js': '',
      'content-scripts/a.js': 'a()',
    });
    expect(findContentScripts(ext)).toEqual(['content-scripts/a.js']);
  });

  it('reports no content script (null) rather than 0 bytes when none is found', () => {
    const pwa = tree({
      'index.html': '<script type="module" src="/assets/i.js"></script>',
      'assets/i.js': 'x',
    });
    const ext = tree({ 'manifest.json': '{}', 'background.js': 'y' });
    const s = measureSizes(pwa, ext);
    expect(s.contentScriptGzipBytes).toBeNull();
    expect(s.pwaFirstLoadGzipBytes).toBeGreaterThan(0);
    expect(s.pwaFirstLoadGzipBytes).toBe(s.pwaTotalJsGzipBytes);
  });
});
