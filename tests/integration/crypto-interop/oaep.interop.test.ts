import { afterAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '../../../shared/crypto/encoding.ts';
import { certificateIdOf, publicKeyIdOf } from '../../../shared/crypto/public-key-id.ts';
import { encryptKsefToken } from '../../../shared/crypto/token-encryption.ts';
import { openssl, pemToDer, readText, run, tempDir, write } from './openssl.ts';

const subtle = globalThis.crypto.subtle;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const TOKEN =
  '20251010-EC-1A2B3C4D5E-6F7A8B9C0D-12|nip-5265877635|919f3f5a2b6c4d1e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e';

describe('KSeF token encryption checked by openssl', () => {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    tmp.path('k.pem'),
    '-out',
    tmp.path('c.pem'),
    '-days',
    '2',
    '-subj',
    '/C=PL/O=Ministerstwo Finansow/CN=KsefTokenEncryption test',
  );
  const certB64 = Buffer.from(pemToDer(readText(tmp.path('c.pem')))).toString('base64');

  it('openssl pkeyutl (OAEP, SHA-256, MGF1-SHA-256) decrypts exactly token|timestampMs', async () => {
    const r = await encryptKsefToken(subtle, { token: TOKEN, timestampMs: 1_764_064_800_123 }, certB64);
    if (!r.ok) throw new Error(r.error.reason);
    const ct = fromBase64(r.value);
    expect(ct.ok && ct.value.length).toBe(256);
    write(tmp.path('ct.bin'), ct.ok ? ct.value : new Uint8Array());
    const out = run('openssl', [
      'pkeyutl',
      '-decrypt',
      '-inkey',
      tmp.path('k.pem'),
      '-in',
      tmp.path('ct.bin'),
      '-pkeyopt',
      'rsa_padding_mode:oaep',
      '-pkeyopt',
      'rsa_oaep_md:sha256',
      '-pkeyopt',
      'rsa_mgf1_md:sha256',
    ]);
    expect(out.code).toBe(0);
    expect(out.out).toBe(`${TOKEN}|1764064800123`);
  });

  it('publicKeyId is Base64(SHA-256(SPKI DER)) and certificateId Base64(SHA-256(DER)), as openssl computes them', async () => {
    const spki = run('openssl', ['x509', '-in', tmp.path('c.pem'), '-noout', '-pubkey']).out;
    write(tmp.path('pub.pem'), spki);
    openssl('pkey', '-pubin', '-in', tmp.path('pub.pem'), '-outform', 'DER', '-out', tmp.path('pub.der'));
    const keyIdOut = run('sh', [
      '-c',
      `openssl dgst -sha256 -binary ${tmp.path('pub.der')} | base64 -w0`,
    ]).out;
    const id = await publicKeyIdOf(subtle, certB64);
    expect(id.ok && id.value).toBe(keyIdOut);
    expect(keyIdOut).toHaveLength(44);
    openssl('x509', '-in', tmp.path('c.pem'), '-outform', 'DER', '-out', tmp.path('c.der'));
    const certIdOut = run('sh', ['-c', `openssl dgst -sha256 -binary ${tmp.path('c.der')} | base64 -w0`]).out;
    const cid = await certificateIdOf(subtle, certB64);
    expect(cid.ok && cid.value).toBe(certIdOut);
  });

  it('refuses an EC certificate, a garbled certificate and a token that is not one', async () => {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      tmp.path('ek.pem'),
      '-out',
      tmp.path('ec.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=ec',
    );
    const ecB64 = Buffer.from(pemToDer(readText(tmp.path('ec.pem')))).toString('base64');
    const ec = await encryptKsefToken(subtle, { token: TOKEN, timestampMs: 1 }, ecB64);
    expect(!ec.ok && ec.error.reason).toBe('CERTIFICATE_NOT_RSA');
    const garbled = await encryptKsefToken(subtle, { token: TOKEN, timestampMs: 1 }, certB64.slice(0, 101));
    expect(!garbled.ok && garbled.error.reason).toBe('BAD_BASE64');
    for (const bad of [
      { token: '', timestampMs: 1 },
      { token: 'x'.repeat(161), timestampMs: 1 },
      { token: 'a b', timestampMs: 1 },
      { token: TOKEN, timestampMs: 1.5 },
      { token: TOKEN, timestampMs: -1 },
    ]) {
      const r = await encryptKsefToken(subtle, bad, certB64);
      expect(!r.ok && r.error.reason).toBe('TOKEN_BAD_INPUT');
    }
  });
});
