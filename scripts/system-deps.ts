/**
 * The Debian packages the tests need: Chromium for end-to-end tests; xmlsec1, openssl and argon2
 * (the Argon2 reference implementation) as independent checks of our crypto. On a fresh machine of this kind we are root with apt-get, so
 * they are installed; elsewhere we stop at once with the exact command to run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const APT_PACKAGES = ['chromium', 'xmlsec1', 'openssl', 'libxml2-utils', 'argon2'] as const;
const INSTALL_COMMAND = `apt-get update && apt-get install -y ${APT_PACKAGES.join(' ')}`;

function onPath(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

export function missingSystemDeps(): string[] {
  const missing: string[] = [];
  if (!existsSync(CHROME_PATH)) missing.push('chromium');
  for (const tool of ['xmlsec1', 'openssl', 'xmllint', 'argon2']) if (!onPath(tool)) missing.push(tool);
  return missing;
}

export function ensureSystemDeps(): void {
  const missing = missingSystemDeps();
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !onPath('apt-get')) {
    console.error(
      `Missing system packages: ${missing.join(', ')}.\nInstall them with:\n  sudo sh -c '${INSTALL_COMMAND}'`,
    );
    process.exit(1);
  }
  console.log(`Installing system packages (${missing.join(', ')}): ${INSTALL_COMMAND}`);
  execFileSync('sh', ['-c', INSTALL_COMMAND], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const still = missingSystemDeps();
  if (still.length > 0) {
    console.error(`Still missing after apt-get: ${still.join(', ')}.`);
    process.exit(1);
  }
}
