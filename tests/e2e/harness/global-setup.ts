/**
 * Once per e2e run: build the PWA and the extension exactly as `npm run build` does, the extension
 * bound to the PWA origin chosen now (a free loopback port), and serve the PWA there with its
 * production headers. Test files get the paths and origin through `inject()`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startStaticServer } from '../../../pwa/hosting/static-server.ts';
import { freePort } from './free-port.ts';

const root = resolve(import.meta.dirname, '../../..');

declare module 'vitest' {
  export interface ProvidedContext {
    pwaOrigin: string;
    pwaDir: string;
    extensionDir: string;
  }
}

type E2eBuild = { pwaOrigin: string; pwaDir: string; extensionDir: string; close(): Promise<void> };
type SharedBuild = { build: Promise<E2eBuild>; users: number };

// Both e2e projects (vitest.config.ts) use one build and one PWA server: the global setups of a run
// share the main process, so the first builds and the last one to finish tears it down.
const SHARED = Symbol.for('ksef-wallet.e2e-build');
const registry = globalThis as { [SHARED]?: SharedBuild };

export default async function setup(project: TestProject) {
  registry[SHARED] ??= { build: buildOnce(), users: 0 };
  const shared = registry[SHARED];
  shared.users += 1;
  const built = await shared.build;
  project.provide('pwaOrigin', built.pwaOrigin);
  project.provide('pwaDir', built.pwaDir);
  project.provide('extensionDir', built.extensionDir);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete registry[SHARED];
    await built.close();
  };
}

async function buildOnce(): Promise<E2eBuild> {
  // A folder per run: several runs (developers, CI) may build at the same time.
  mkdirSync(resolve(root, 'tests/artifacts'), { recursive: true });
  const buildDir = mkdtempSync(resolve(root, 'tests/artifacts/build-'));
  const port = await freePort();
  const pwaOrigin = `http://127.0.0.1:${port}`;
  const pwaDir = resolve(buildDir, 'pwa');
  const extensionOut = resolve(buildDir, 'extension');
  const env = {
    ...process.env,
    WALLET_FLAVOUR: 'development',
    WALLET_PWA_ORIGIN: pwaOrigin,
    WALLET_DEV_SANDBOX_URL: '',
    WALLET_EXTENSION_OUT: extensionOut,
    WALLET_PWA_OUT: pwaDir,
  };
  execFileSync('npx', ['vite', 'build', '--config', 'pwa/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  execFileSync('npx', ['wxt', 'build'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const server = await startStaticServer({ root: pwaDir, port });
  return {
    pwaOrigin: server.origin,
    pwaDir,
    extensionDir: resolve(extensionOut, 'chrome-mv3'),
    close: async () => {
      await server.close();
      rmSync(buildDir, { recursive: true, force: true });
    },
  };
}
