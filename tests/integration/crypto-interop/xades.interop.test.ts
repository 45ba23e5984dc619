import { afterAll, describe, expect, it } from 'vitest';
import type { SigningAlgorithm } from '../../../shared/crypto/keys.ts';
import { buildSignedAuthTokenRequest } from '../../../shared/crypto/xades-sign.ts';
import { newSigner } from '../../browser/crypto/core-suite.ts';
import { derToPem, run, tempDir, write } from './openssl.ts';

const subtle = globalThis.crypto.subtle;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

// TOOLING.md: xmlsec1 must be told that Id on xades:SignedProperties is an ID attribute.
const xmlsecVerify = (file: string, trusted: string) =>
  run('xmlsec1', [
    '--verify',
    '--trusted-pem',
    trusted,
    '--id-attr:Id',
    'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
    file,
  ]);

async function signed(alg: SigningAlgorithm) {
  const signer = await newSigner(subtle, alg, { now: () => Date.now() });
  const xml = await buildSignedAuthTokenRequest(
    { subtle, clock: { now: () => Date.now() } },
    {
      challenge: '20250604-CR-461EA5B000-537A6BA15D-D7',
      context: { type: 'Nip', value: '5265877635' },
      subjectIdentifierType: 'certificateSubject',
      authorizationPolicy: { allowedIps: { ip4Addresses: ['10.0.0.1'], ip4Masks: ['10.0.0.0/8'] } },
      signer: { privateKey: signer.privateKey, certificateDer: signer.certificateDer },
    },
  );
  if (!xml.ok) throw new Error(xml.error.reason);
  const trusted = tmp.path(`${alg}-signer.pem`);
  write(trusted, derToPem(signer.certificateDer, 'CERTIFICATE'));
  return { xml: xml.value, trusted };
}

describe.each<SigningAlgorithm>(['RSA-2048', 'ECDSA-P256'])(
  '%s XAdES signature checked by xmlsec1',
  (alg) => {
    it('is accepted by xmlsec1 --verify with the signer certificate as the only trust anchor', async () => {
      const { xml, trusted } = await signed(alg);
      const file = tmp.path(`${alg}.xml`);
      write(file, xml);
      const r = xmlsecVerify(file, trusted);
      expect(r.code).toBe(0);
    });

    it.each([
      ['the context NIP', (x: string) => x.replace('<Nip>5265877635</Nip>', '<Nip>5265877636</Nip>')],
      [
        'the SigningTime',
        (x: string) =>
          x.replace(/<xades:SigningTime>(\d{4})/, (_m, y) => `<xades:SigningTime>${Number(y) - 1}`),
      ],
      ['the IP policy', (x: string) => x.replace('10.0.0.1', '10.0.0.2')],
    ])('is rejected by xmlsec1 after tampering with %s', async (_what, tamper) => {
      const { xml, trusted } = await signed(alg);
      const bad = tamper(xml);
      expect(bad).not.toBe(xml);
      const file = tmp.path(`${alg}-tampered.xml`);
      write(file, bad);
      const r = xmlsecVerify(file, trusted);
      expect(r.code).not.toBe(0);
    });
  },
);
