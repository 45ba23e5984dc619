/** Helpers that ask openssl (a tool we did not write) about files our code made or read. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(): { dir: string; path(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ksef-crypto-'));
  return { dir, path: (n) => join(dir, n), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function run(
  cmd: string,
  args: readonly string[],
  input?: Uint8Array,
): { code: number; out: string; err: string } {
  try {
    const out = execFileSync(cmd, args, { input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 20_000 });
    return { code: 0, out: out.toString('utf8'), err: '' };
  } catch (e) {
    const x = e as { status?: number; stdout?: Buffer; stderr?: Buffer };
    return {
      code: x.status ?? -1,
      out: x.stdout?.toString('utf8') ?? '',
      err: x.stderr?.toString('utf8') ?? '',
    };
  }
}

export const openssl = (...args: string[]) => {
  const r = run('openssl', args);
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.err}`);
  return r.out;
};

export const pemToDer = (pem: string): Uint8Array =>
  new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));

export const derToPem = (der: Uint8Array, label: string): string =>
  `-----BEGIN ${label}-----\n${(
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  ).join('\n')}\n-----END ${label}-----\n`;

export type OpensslCertFacts = {
  subject: string[];
  issuer: string[];
  serialHex: string;
  notBeforeMs: number;
  notAfterMs: number;
  fingerprint: string;
  keyText: string;
  keyUsage: string;
};

const nameLines = (out: string, field: string): string[] => {
  const block = out.split(`${field}=\n`)[1] ?? '';
  const lines: string[] = [];
  for (const l of block.split('\n')) {
    if (!l.startsWith('    ')) break;
    lines.push(l.trim());
  }
  return lines;
};

export function opensslCertFacts(pemPath: string): OpensslCertFacts {
  const nameOut = openssl(
    'x509',
    '-in',
    pemPath,
    '-noout',
    '-subject',
    '-issuer',
    '-nameopt',
    'oid,utf8,sep_multiline',
  );
  const serial = openssl('x509', '-in', pemPath, '-noout', '-serial').trim().replace('serial=', '');
  const dates = openssl('x509', '-in', pemPath, '-noout', '-startdate', '-enddate');
  const fp = openssl('x509', '-in', pemPath, '-noout', '-fingerprint', '-sha256').split('=')[1]!.trim();
  const text = openssl('x509', '-in', pemPath, '-noout', '-text');
  const date = (k: string) => Date.parse(/(?:^|\n)\s*KEY=(.*)/.exec(dates.replace(k, 'KEY'))![1]!.trim());
  return {
    subject: nameLines(nameOut, 'subject'),
    issuer: nameLines(nameOut, 'issuer'),
    serialHex: serial,
    notBeforeMs: date('notBefore'),
    notAfterMs: date('notAfter'),
    fingerprint: fp.replaceAll(':', ''),
    keyText: text,
    keyUsage: /X509v3 Key Usage:.*\n\s*(.*)/.exec(text)?.[1]?.trim() ?? '',
  };
}

export const readText = (p: string) => readFileSync(p, 'utf8');
export const write = (p: string, data: string | Uint8Array) => writeFileSync(p, data);
