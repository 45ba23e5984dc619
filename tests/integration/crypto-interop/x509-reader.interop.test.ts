import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '../../../shared/crypto/encoding.ts';
import { readCertificate } from '../../../shared/crypto/x509-reader.ts';
import { derToPem, openssl, opensslCertFacts, pemToDer, readText, tempDir, write } from './openssl.ts';

const subtle = globalThis.crypto.subtle;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function agree(pemPath: string) {
  const facts = opensslCertFacts(pemPath);
  const r = await readCertificate(subtle, pemToDer(readText(pemPath)));
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  const c = r.value;
  expect(c.subject.map((a) => `${a.oid}=${a.value}`)).toEqual(facts.subject);
  expect(c.issuer.map((a) => `${a.oid}=${a.value}`)).toEqual(facts.issuer);
  expect(c.serialHex).toBe(facts.serialHex);
  expect(BigInt(c.serialDecimal)).toBe(BigInt(`0x${facts.serialHex}`));
  expect(c.notBeforeMs).toBe(facts.notBeforeMs);
  expect(c.notAfterMs).toBe(facts.notAfterMs);
  expect(c.fingerprintSha256).toBe(facts.fingerprint);
  if (c.key.type === 'RSA') expect(facts.keyText).toContain(`Public-Key: (${c.key.bits} bit)`);
  if (c.key.type === 'EC') expect(facts.keyText).toContain(`NIST CURVE: ${c.key.curve}`);
  const usageWords = facts.keyUsage
    .split(',')
    .map((s) => s.trim().replace(/ (\w)/g, (_, ch) => ch.toUpperCase()));
  expect(c.keyUsage.map((u) => u.toLowerCase())).toEqual(
    usageWords.filter(Boolean).map((u) => u.toLowerCase()),
  );
  return c;
}

describe('X.509 reader agrees with openssl x509', () => {
  it('on an openssl-made P-256 seal certificate with Polish characters and an Offline keyUsage', async () => {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-utf8',
      '-keyout',
      tmp.path('ec.key'),
      '-out',
      tmp.path('ec.pem'),
      '-days',
      '30',
      '-subj',
      '/C=PL/2.5.4.97=VATPL-1234567890/O=Zażółć Sp. z o.o./CN=Test, "seal"',
      '-addext',
      'keyUsage=critical,nonRepudiation',
    );
    const c = await agree(tmp.path('ec.pem'));
    expect(c.key).toEqual({ type: 'EC', curve: 'P-256' });
    expect(c.ksefType).toBe('Offline');
    expect(c.identifiers).toEqual({ vatplNip: '1234567890' });
    expect(c.selfIssued).toBe(true);
  });

  it('on an openssl-made RSA person certificate with a PESEL serialNumber', async () => {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-utf8',
      '-keyout',
      tmp.path('rsa.key'),
      '-out',
      tmp.path('rsa.pem'),
      '-days',
      '3',
      '-set_serial',
      '0x00FF0102030405060708',
      '-subj',
      '/GN=Jan/SN=Kowalski/serialNumber=PNOPL-90010112345/CN=Jan Kowalski/C=PL',
      '-addext',
      'keyUsage=critical,digitalSignature,keyEncipherment',
    );
    const c = await agree(tmp.path('rsa.pem'));
    expect(c.key).toEqual({ type: 'RSA', bits: 2048 });
    expect(c.ksefType).toBe('Authentication');
    expect(c.identifiers).toEqual({ pesel: '90010112345' });
  });

  it('on the KSeF-issued TEST certificate from the official fixtures', async () => {
    const b = fromBase64(
      readFileSync('tests/fixtures/ksef-official/ksef-issued-test-certificate.b64', 'utf8'),
    );
    if (!b.ok) throw new Error('fixture');
    write(tmp.path('ksef.pem'), derToPem(b.value, 'CERTIFICATE'));
    const c = await agree(tmp.path('ksef.pem'));
    expect(c.signatureAlgorithmOid).toBe('1.2.840.10045.4.3.4');
  });
});
