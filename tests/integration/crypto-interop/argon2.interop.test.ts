/**
 * Argon2id as the vault computes it (hash-wasm through shared/crypto/kdf.ts) against the Argon2
 * reference implementation's command-line tool (Debian `argon2`, a tool we did not write), at the
 * product's parameters (64 MiB, t = 3, p = 4) and at a few others, with ASCII and Polish
 * passphrases. The known-answer vectors in tests/browser/crypto/envelope-cases.ts pin the function;
 * this proves it agrees with an independent implementation on inputs chosen at run time.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { argon2idRaw, type KdfParams, passphraseBytes, RECOMMENDED_KDF } from '../../../shared/crypto/kdf.ts';
import { run } from './openssl.ts';

/** The CLI takes the salt as a command-line string, so salts here are printable ASCII. */
const asciiSalt = () =>
  randomBytes(16)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'x')
    .slice(0, 16);

function referenceArgon2id(password: Uint8Array, salt: string, p: KdfParams): string {
  const memoryLog2 = Math.log2(p.memoryKiB);
  if (!Number.isInteger(memoryLog2)) throw new Error('the argon2 CLI takes memory as a power of two');
  const r = run(
    'argon2',
    [
      salt,
      '-id',
      '-t',
      String(p.iterations),
      '-m',
      String(memoryLog2),
      '-p',
      String(p.parallelism),
      '-l',
      '32',
      '-r',
    ],
    password,
  );
  if (r.code !== 0) throw new Error(`argon2 failed: ${r.err}`);
  return r.out.trim();
}

const params = (memoryKiB: number, iterations: number, parallelism: number): KdfParams => ({
  ...RECOMMENDED_KDF,
  memoryKiB,
  iterations,
  parallelism,
});

describe('Argon2id agrees with the reference implementation (argon2 CLI)', () => {
  const cases = [
    ['the product default, 64 MiB t3 p4', RECOMMENDED_KDF, 'correct horse battery staple'],
    ['the product default with a Polish passphrase (NFC)', RECOMMENDED_KDF, 'Zażółć gęślą jaźń 2026!'],
    ['32 MiB t2 p1', params(32 * 1024, 2, 1), 'krótkie hasło'],
    ['128 MiB t4 p2', params(128 * 1024, 4, 2), 'x'],
  ] as const;

  it.each(cases)('%s', async (_name, p, passphrase) => {
    const salt = asciiSalt();
    const password = passphraseBytes(passphrase);
    const ours = await argon2idRaw(password, new TextEncoder().encode(salt), p);
    if (!ours.ok) throw new Error(ours.error.code);
    expect(Buffer.from(ours.value).toString('hex')).toBe(referenceArgon2id(password, salt, p));
  });

  it('a one-character change of the passphrase changes both outputs alike', async () => {
    const salt = asciiSalt();
    const p = params(16 * 1024, 2, 1);
    const a = passphraseBytes('hasło-1');
    const b = passphraseBytes('hasło-2');
    const [oa, ob] = await Promise.all([
      argon2idRaw(a, new TextEncoder().encode(salt), p),
      argon2idRaw(b, new TextEncoder().encode(salt), p),
    ]);
    if (!oa.ok || !ob.ok) throw new Error('argon2idRaw failed');
    expect(Buffer.from(oa.value).toString('hex')).toBe(referenceArgon2id(a, salt, p));
    expect(Buffer.from(ob.value).toString('hex')).toBe(referenceArgon2id(b, salt, p));
    expect(Buffer.from(oa.value).equals(Buffer.from(ob.value))).toBe(false);
  });
});
