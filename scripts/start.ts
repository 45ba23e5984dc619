/**
 * `npm start`: build the PWA and the extension, start the local KSeF sandbox, serve the PWA, and
 * print where everything is. Ports are fixed so that the built extension knows the PWA origin and
 * the sandbox URL; override with WALLET_PWA_PORT / WALLET_SANDBOX_PORT.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startStaticServer } from '../pwa/hosting/static-server.ts';

const root = resolve(import.meta.dirname, '..');
const pwaPort = Number(process.env.WALLET_PWA_PORT ?? 5180);
const sandboxPort = Number(process.env.WALLET_SANDBOX_PORT ?? 5181);
const pwaOrigin = `http://127.0.0.1:${pwaPort}`;
const sandboxUrl = `http://127.0.0.1:${sandboxPort}/v2`;

const env = {
  ...process.env,
  WALLET_FLAVOUR: 'development',
  WALLET_PWA_ORIGIN: pwaOrigin,
  WALLET_DEV_SANDBOX_URL: sandboxUrl,
};
console.log('Building the PWA and the extension…');
execFileSync('npx', ['vite', 'build', '--config', 'pwa/vite.config.ts', '--logLevel', 'warn'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
execFileSync('npx', ['wxt', 'build'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });

const closers: (() => Promise<void>)[] = [];
const lines: string[] = [];

const sandboxModule = resolve(root, 'sandbox/server.ts');
if (existsSync(sandboxModule)) {
  // Imported by path: the sandbox is an independent program that the product never imports.
  const { startSandbox, describeSeed } = (await import(sandboxModule)) as {
    startSandbox(o: {
      port: number;
      control: boolean;
      statePath?: string;
    }): Promise<{ baseUrl: string; origin: string; seed: unknown; close(): Promise<void> }>;
    describeSeed(seed: unknown): string[];
  };
  // WALLET_SANDBOX_STATE keeps the sandbox's data (keys, tokens, certificates) across restarts.
  const statePath = process.env.WALLET_SANDBOX_STATE;
  const sandbox = await startSandbox({
    port: sandboxPort,
    control: true,
    ...(statePath ? { statePath } : {}),
  });
  closers.push(() => sandbox.close());
  lines.push(`  KSeF sandbox:   ${sandbox.baseUrl}  (control API: ${sandbox.origin}/_sandbox/)`);
  lines.push('  Seeded data:');
  for (const line of describeSeed(sandbox.seed)) lines.push(`                  ${line}`);
}

// The demo ERP on an origin of its own: it receives KSeF sessions only through
// docs/erp-integration.md. Enable it from the extension's popup ("Włącz na tej stronie").
const demoErpPort = Number(process.env.WALLET_DEMO_ERP_PORT ?? 5182);
const { startDemoErp } = (await import(resolve(root, 'sandbox/demo-erp/server.ts'))) as {
  startDemoErp(o: { port: number; ksefBaseUrl: string }): Promise<{ origin: string; close(): Promise<void> }>;
};
const demoErp = await startDemoErp({ port: demoErpPort, ksefBaseUrl: sandboxUrl });
closers.push(() => demoErp.close());
lines.push(
  `  Demo ERP:       ${demoErp.origin}/?environment=custom:sandbox  (enable it in the extension's popup)`,
);

const pwa = await startStaticServer({ root: resolve(root, 'dist/pwa'), port: pwaPort });
closers.push(() => pwa.close());
lines.unshift(`  Wallet (PWA):   ${pwa.origin}/`);

console.log(`
KSeF Wallet is running:
${lines.join('\n')}
  Extension:      load ${resolve(root, '.output/chrome-mv3')} as an unpacked extension
                  (chrome://extensions → Developer mode → Load unpacked), then open the wallet.
Press Ctrl+C to stop.`);

const stop = async () => {
  await Promise.allSettled(closers.map((c) => c()));
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
