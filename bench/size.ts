/**
 * Bundle sizes as users pay for them: gzipped JS of the PWA's first load (the entry script and
 * what index.html preloads), of the content script injected into ERP pages, and of the whole
 * extension. Targets from issue 10: PWA first load ≤ 100 KiB, content script ≤ 8 KiB.
 *
 * Which file is the ERP content script: the extension registers it at run time
 * (`chrome.scripting.registerContentScripts` for the origins the user enabled), so the manifest
 * lists no `content_scripts`. The scripts counted are those the manifest declares plus every
 * `content-scripts/*.js` path named in the extension's own JS (the registration's `js` list) —
 * and only files that exist in the build, so a stale path cannot make the figure look small.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export type SizeResult = {
  readonly pwaFirstLoadGzipBytes: number;
  readonly pwaTotalJsGzipBytes: number;
  /** Null when no content script was found in the build. */
  readonly contentScriptGzipBytes: number | null;
  readonly contentScripts: readonly string[];
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
  return out.sort();
}

/** Content scripts of the built extension: declared in the manifest or registered at run time. */
export function findContentScripts(extensionDir: string): string[] {
  const found = new Set<string>();
  const manifest = JSON.parse(readFileSync(resolve(extensionDir, 'manifest.json'), 'utf8')) as {
    content_scripts?: { js?: string[] }[];
  };
  for (const cs of manifest.content_scripts ?? []) for (const js of cs.js ?? []) found.add(js);
  for (const f of jsFiles(extensionDir)) {
    if (relative(extensionDir, f).startsWith('content-scripts/')) continue;
    for (const m of readFileSync(f, 'utf8').matchAll(/["'`/]?(content-scripts\/[\w.-]+\.js)["'`]/g))
      found.add(m[1]!);
  }
  return [...found].filter((p) => existsSync(resolve(extensionDir, p))).sort();
}

/** The JS a first visit loads: module scripts and modulepreloads named by index.html. */
export function firstLoadScripts(html: string): string[] {
  const out = new Set<string>();
  for (const tag of html.matchAll(/<(script|link)\b[^>]*>/g)) {
    const t = tag[0];
    const isScript = tag[1] === 'script';
    if (!isScript && !/\brel=["']?(modulepreload|preload)\b/.test(t)) continue;
    const url = /\b(?:src|href)=["']([^"']+\.m?js)["']/.exec(t)?.[1];
    if (url && !/^[a-z]+:/i.test(url)) out.add(url.replace(/^\//, ''));
  }
  return [...out];
}

export function measureSizes(pwaDir: string, extensionDir: string): SizeResult {
  const files: Record<string, number> = {};
  const html = readFileSync(resolve(pwaDir, 'index.html'), 'utf8');
  let pwaFirstLoad = 0;
  for (const rel of firstLoadScripts(html)) {
    const size = gz(resolve(pwaDir, rel));
    files[`pwa/${rel}`] = size;
    pwaFirstLoad += size;
  }
  let pwaTotal = 0;
  for (const f of jsFiles(pwaDir)) {
    // The service worker and Workbox are not app code a page runs.
    if (/(^|\/)(sw|workbox-[^/]+)\.js$/.test(f)) continue;
    const size = gz(f);
    files[`pwa/${relative(pwaDir, f)}`] = size;
    pwaTotal += size;
  }
  const contentScripts = findContentScripts(extensionDir);
  let extensionTotal = 0;
  for (const f of jsFiles(extensionDir)) {
    const size = gz(f);
    files[`extension/${relative(extensionDir, f)}`] = size;
    extensionTotal += size;
  }
  const content =
    contentScripts.length === 0
      ? null
      : contentScripts.reduce((sum, rel) => sum + (files[`extension/${rel}`] ?? 0), 0);
  return {
    pwaFirstLoadGzipBytes: pwaFirstLoad,
    pwaTotalJsGzipBytes: pwaTotal,
    contentScriptGzipBytes: content,
    contentScripts,
    extensionJsGzipBytes: extensionTotal,
    files,
  };
}
