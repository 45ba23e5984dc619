/**
 * Bundle sizes as users pay for them: gzipped JS of the PWA's first load (the entry script and
 * what index.html preloads), of the content script injected into ERP pages, and of the whole
 * extension. Targets from issue 10: PWA first load ≤ 100 KiB, content script ≤ 8 KiB.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export type SizeResult = {
  readonly pwaFirstLoadGzipBytes: number;
  readonly pwaTotalJsGzipBytes: number;
  readonly contentScriptGzipBytes: number | null;
  readonly extensionJsGzipBytes: number;
  readonly files: Readonly<Record<string, number>>;
};

const gz = (path: string) => gzipSync(readFileSync(path), { level: 9 }).byteLength;

function jsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...jsFiles(p));
    else if (p.endsWith('.js')) out.push(p);
  }
  return out;
}

export function measureSizes(pwaDir: string, extensionDir: string): SizeResult {
  const files: Record<string, number> = {};
  const html = readFileSync(resolve(pwaDir, 'index.html'), 'utf8');
  const firstLoad = [...html.matchAll(/(?:src|href)="\/?([^"]+\.js)"/g)].map((m) => resolve(pwaDir, m[1]!));
  let pwaFirstLoad = 0;
  for (const f of firstLoad) {
    const size = gz(f);
    files[`pwa/${relative(pwaDir, f)}`] = size;
    pwaFirstLoad += size;
  }
  const pwaTotal = jsFiles(pwaDir)
    .filter((f) => !/(^|\/)(sw|workbox-[^/]+)\.js$/.test(f))
    .reduce((sum, f) => sum + gz(f), 0);
  let extensionTotal = 0;
  let content: number | null = null;
  for (const f of jsFiles(extensionDir)) {
    const size = gz(f);
    const rel = relative(extensionDir, f);
    files[`extension/${rel}`] = size;
    extensionTotal += size;
    if (rel.startsWith('content-scripts/')) content = (content ?? 0) + size;
  }
  return {
    pwaFirstLoadGzipBytes: pwaFirstLoad,
    pwaTotalJsGzipBytes: pwaTotal,
    contentScriptGzipBytes: content,
    extensionJsGzipBytes: extensionTotal,
    files,
  };
}
