import { afterAll, describe, expect, it } from 'vitest';
import { buildCsr } from '../../../shared/crypto/csr.ts';
import type { SigningAlgorithm } from '../../../shared/crypto/keys.ts';
import { newSigner } from '../../browser/crypto/core-suite.ts';
import { derToPem, openssl, run, tempDir, write } from './openssl.ts';

const subtle = globalThis.crypto.subtle;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const ENROLLMENT = {
  commonName: 'Jan Kowalski',
  givenName: 'Jan',
  surname: 'Kowalski-Wąż',
  serialNumber: 'PNOPL-90010112345',
  countryName: 'PL',
} as const;

describe.each<SigningAlgorithm>(['RSA-2048', 'ECDSA-P256'])('%s CSR, checked by openssl req', (alg) => {
  it('verifies and shows exactly the enrollment DN in order, with PrintableString C and serialNumber', async () => {
    const signer = await newSigner(subtle, alg, { now: () => Date.now() });
    const csr = await buildCsr(subtle, ENROLLMENT, signer);
    if (!csr.ok) throw new Error(csr.error.reason);
    const file = tmp.path(`${alg}.csr.pem`);
    write(file, derToPem(csr.value, 'CERTIFICATE REQUEST'));
    const v = run('openssl', [
      'req',
      '-in',
      file,
      '-verify',
      '-noout',
      '-subject',
      '-nameopt',
      'oid,utf8,sep_multiline',
    ]);
    expect(v.code).toBe(0);
    expect(
      v.out
        .split('\n')
        .slice(1, 6)
        .map((l) => l.trim()),
    ).toEqual([
      '2.5.4.3=Jan Kowalski',
      '2.5.4.42=Jan',
      '2.5.4.4=Kowalski-Wąż',
      '2.5.4.5=PNOPL-90010112345',
      '2.5.4.6=PL',
    ]);
    const parsed = openssl('asn1parse', '-in', file);
    expect(parsed).toMatch(/:serialNumber\n.*PRINTABLESTRING\s+:PNOPL-90010112345/);
    expect(parsed).toMatch(/:countryName\n.*PRINTABLESTRING\s+:PL/);
    expect(parsed).toMatch(/:surname\n.*UTF8STRING/);
    expect((parsed.match(/ SET /g) ?? []).length).toBe(5);
    if (alg === 'RSA-2048') expect(parsed).toMatch(/:sha256WithRSAEncryption\n.*NULL/);
    else expect(parsed).toContain(':ecdsa-with-SHA256');
  });

  it('is refused by openssl req -verify once a byte of the DN is changed', async () => {
    const signer = await newSigner(subtle, alg, { now: () => Date.now() });
    const csr = await buildCsr(subtle, ENROLLMENT, signer);
    if (!csr.ok) throw new Error(csr.error.reason);
    const at = Buffer.from(csr.value).indexOf('Kowalski');
    const bad = Uint8Array.from(csr.value, (b, i) => (i === at ? b ^ 0x20 : b));
    const file = tmp.path(`${alg}.bad.csr.pem`);
    write(file, derToPem(bad, 'CERTIFICATE REQUEST'));
    const v = run('openssl', ['req', '-in', file, '-verify', '-noout']);
    expect(`${v.out}${v.err}`).not.toMatch(/verify OK/);
  });

  it('self-signed TEST certificate passes openssl verify as its own trust anchor', async () => {
    const signer = await newSigner(subtle, alg, { now: () => Date.now() });
    const file = tmp.path(`${alg}.crt.pem`);
    write(file, derToPem(signer.certificateDer, 'CERTIFICATE'));
    // The fixed test clock lies in the past relative to real time only by days; -no_check_time keeps this
    // independent of the machine's date.
    const v = run('openssl', ['verify', '-no_check_time', '-CAfile', file, file]);
    expect(v.out).toContain(': OK');
  });
});
