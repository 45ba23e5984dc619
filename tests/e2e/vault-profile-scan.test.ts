/**
 * SECURITY.md T3: nothing secret lies in clear on disk. Marker secrets go through the vault — the
 * passphrase, a KSeF token secret, a refresh token, a backup passphrase — the browser is closed, and
 * every file of the profile (IndexedDB, Cache Storage, session data, logs, …) is searched for each
 * marker as UTF-8, UTF-16LE, hex (both cases) and Base64 at the three byte offsets. Positive
 * control: a marker the vault keeps in clear on purpose (a company name is clear metadata) must be
 * found — otherwise the scan proves nothing.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchOnProfile,
  newProfileDir,
  openVaultPage,
  serveVaultPage,
  type VaultPageServer,
} from '../browser/vault/serve-vault-page.ts';
import { ENROLLMENT_DATA, FAST_KDF, NIP, REF } from '../browser/vault/vault-suite.ts';

const hex = randomBytes(8).toString('hex');
const MARKERS = Object.freeze({
  passphrase: `znacznik hasla ${hex} zielona zaba skacze`,
  backupPassphrase: `znacznik kopii ${hex} szuflada biurka`,
  tokenSecret: `${REF(1)}|nip-${NIP}|MARKERTOKEN${hex}`,
  refreshToken: `eyJhbGciOiJIUzI1NiJ9.MARKERREFRESH${hex}.sig`,
});
const CLEAR_MARKER = `MARKERCLEAR${hex}`;

/** The encodings a secret could hide in on disk. */
function forms(marker: string): { name: string; bytes: Buffer }[] {
  const utf8 = Buffer.from(marker, 'utf8');
  const out = [
    { name: 'UTF-8', bytes: utf8 },
    { name: 'UTF-16LE', bytes: Buffer.from(marker, 'utf16le') },
    { name: 'hex', bytes: Buffer.from(utf8.toString('hex')) },
    { name: 'HEX', bytes: Buffer.from(utf8.toString('hex').toUpperCase()) },
  ];
  for (let offset = 0; offset < 3; offset++) {
    // Base64 of the marker preceded by 0–2 other bytes: drop the characters that depend on them.
    const b64 = Buffer.concat([Buffer.alloc(offset), utf8]).toString('base64');
    const skip = offset === 0 ? 0 : offset === 1 ? 2 : 3;
    out.push({ name: `Base64+${offset}`, bytes: Buffer.from(b64.slice(skip, b64.length - 4)) });
  }
  return out;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    let s: ReturnType<typeof statSync>;
    try {
      s = statSync(p);
    } catch {
      continue;
    }
    if (s.isDirectory()) out.push(...filesUnder(p));
    else if (s.isFile()) out.push(p);
  }
  return out;
}

let server: VaultPageServer;
const profile = newProfileDir();
let files: { path: string; data: Buffer }[] = [];

beforeAll(async () => {
  server = await serveVaultPage();
  const browser = await launchOnProfile(profile);
  const page = await openVaultPage(browser, server.origin);
  const steps = await page.evaluate(
    async (m, clear, kdf, ref, enrollmentData) => {
      const vp = window.vaultPage;
      vp.open('ksef-wallet-vault:test-scan');
      const done: string[] = [];
      const r = async (method: string, arg?: unknown) => {
        const x = (await vp.call(method as never, arg)) as { ok: boolean; error?: unknown; value?: unknown };
        if (!x.ok) throw new Error(`${method}: ${JSON.stringify(x.error)}`);
        done.push(method);
        return x.value as Record<string, string>;
      };
      await r('create', { passphrase: m.passphrase, kdf });
      const company = await r('addCompany', {
        name: `${clear} Sp. z o.o.`,
        nip: '5265877635',
        environment: 'TEST',
      });
      const begun = await r('beginTokenGeneration', {
        companyId: company.id,
        description: 'Token',
        permissions: ['InvoiceRead'],
      });
      const token = await r('recordTokenGenerated', {
        pendingId: begun.pendingId,
        referenceNumber: ref,
        secret: m.tokenSecret,
      });
      await r('recordSession', {
        companyId: company.id,
        referenceNumber: ref.replace('-EC-', '-AU-'),
        method: 'ksef-token',
        refreshToken: m.refreshToken,
      });
      await r('prepareEnrollment', {
        companyId: company.id,
        certificateName: 'Certyfikat',
        certificateType: 'Authentication',
        algorithm: 'RSA-2048',
        enrollmentData,
      });
      const secret = await r('revealTokenSecret', { tokenId: token.id, passphrase: m.passphrase });
      if ((secret as unknown as string) !== m.tokenSecret) throw new Error('reveal');
      const backup = await r('exportBackup', {
        passphrase: m.passphrase,
        backupPassphrase: m.backupPassphrase,
        kdf,
      });
      if (!backup.file) throw new Error('no backup');
      await r('changePassphrase', { current: m.passphrase, next: `${m.passphrase} nowe` });
      return done;
    },
    MARKERS,
    CLEAR_MARKER,
    FAST_KDF as never,
    REF(1),
    ENROLLMENT_DATA as never,
  );
  expect(steps).toContain('exportBackup');
  await page.close();
  await browser.close(); // a clean shutdown flushes everything to disk
  files = filesUnder(profile).map((path) => ({ path, data: readFileSync(path) }));
}, 180_000);

afterAll(async () => {
  await server?.close();
  rmSync(profile, { recursive: true, force: true });
});

const foundIn = (marker: string) =>
  forms(marker).flatMap((f) =>
    files
      .filter((file) => file.data.includes(f.bytes))
      .map((file) => `${f.name} in ${file.path.slice(profile.length)}`),
  );

describe('the Chromium profile on disk after the browser closed (SECURITY.md T3)', () => {
  it('has the vault database on disk (the scan looks at real data)', () => {
    expect(files.some((f) => /IndexedDB/.test(f.path))).toBe(true);
    expect(files.length).toBeGreaterThan(10);
  });

  it('positive control: finds the marker stored in clear on purpose', () => {
    // …in the vault's own IndexedDB files, where the secrets would be if they leaked.
    expect(foundIn(CLEAR_MARKER).some((where) => where.includes('IndexedDB'))).toBe(true);
  });

  for (const [what, marker] of Object.entries(MARKERS)) {
    it(`finds no ${what} in any encoding in any file`, () => {
      expect(foundIn(marker)).toEqual([]);
    });
  }
});
