/**
 * The crypto core's behaviour, written once and run twice: in Node (tests/unit/crypto/core.test.ts)
 * and inside headless Chromium (tests/integration/crypto-interop/browser-run.test.ts bundles
 * ./browser-entry.ts). Only Web Crypto and our own modules are used here — no node:* — so the same
 * assertions prove the code is platform-free and works with keys `exportKey` cannot read.
 */

import { fromBase64, toBase64 } from '../../../shared/crypto/encoding.ts';
import { readCertificate } from '../../../shared/crypto/x509-reader.ts';
import reqInternalId from '../../fixtures/ksef-official/auth-token-request-context-internal-id.xml?raw';
import reqNip from '../../fixtures/ksef-official/auth-token-request-context-nip.xml?raw';
import reqNipVatUe from '../../fixtures/ksef-official/auth-token-request-context-nip-vat-ue.xml?raw';
import reqFingerprint from '../../fixtures/ksef-official/auth-token-request-subject-fingerprint.xml?raw';
import ksefCertB64 from '../../fixtures/ksef-official/ksef-issued-test-certificate.b64?raw';

export type CoreCase = { readonly name: string; run(subtle: SubtleCrypto): Promise<void> };

export const OFFICIAL_REQUESTS: Readonly<Record<string, string>> = Object.freeze({
  'context-nip': reqNip,
  'context-internal-id': reqInternalId,
  'context-nip-vat-ue': reqNipVatUe,
  'subject-fingerprint': reqFingerprint,
});

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

export function equal<T>(actual: T, expected: T, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

const ksefCertDer = (): Uint8Array => {
  const r = fromBase64(ksefCertB64);
  if (!r.ok) throw new Error('fixture is not Base64');
  return r.value;
};

export const CORE_CASES: readonly CoreCase[] = [
  {
    name: 'round-trips Base64 and refuses truncated or garbled Base64',
    async run() {
      const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 255);
      for (let n = 0; n < 5; n++) {
        const r = fromBase64(toBase64(bytes.subarray(0, 295 + n)));
        check(r.ok && r.value.length === 295 + n, `round trip of ${295 + n} bytes`);
      }
      for (const bad of ['QUJD=', 'QU JD$', 'QUJ', 'QQ==QUJD', 'QR==', '', 'Q===']) {
        const r = fromBase64(bad);
        check(!r.ok && r.error.reason === 'BAD_BASE64', `refuses ${JSON.stringify(bad)}`);
      }
    },
  },
  {
    name: 'reads the KSeF-issued TEST certificate: seal identity, serial, key, type, fingerprint',
    async run(subtle) {
      const r = await readCertificate(subtle, ksefCertDer());
      check(r.ok, 'parses');
      const c = r.value;
      equal(
        c.subject.map((a) => `${a.oid}=${a.value}`),
        ['2.5.4.6=PL', '2.5.4.97=VATPL-5265877635', '2.5.4.10=Beta', '2.5.4.3=5265877635'],
        'subject',
      );
      equal(
        c.issuerName,
        'CN=TI CCK KSeF,OU=Krajowa Administracja Skarbowa,O=Ministerstwo Finansów,C=PL',
        'issuer',
      );
      equal(c.serialHex, '01F20A5D352AE590', 'serial hex');
      equal(c.serialDecimal, BigInt('0x01F20A5D352AE590').toString(), 'serial decimal');
      equal(c.key, { type: 'RSA', bits: 2048 }, 'key');
      equal(c.ksefType, 'Authentication', 'KSeF type from keyUsage');
      equal(c.identifiers, { vatplNip: '5265877635' }, 'identifiers');
      check(/^[0-9A-F]{64}$/.test(c.fingerprintSha256), 'fingerprint is 64 uppercase hex');
      check(c.notAfterMs - c.notBeforeMs > 700 * 86_400_000, 'two-year validity');
    },
  },
  {
    name: 'refuses truncated, garbled and oversized DER with a clear code',
    async run(subtle) {
      const der = ksefCertDer();
      const cases: [Uint8Array, string[]][] = [
        [der.subarray(0, der.length - 10), ['BAD_DER']],
        [der.subarray(0, 5), ['BAD_DER']],
        [new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), ['BAD_DER']],
        [new Uint8Array([0x02, 0x01, 0x05]), ['NOT_A_CERTIFICATE']],
        [new Uint8Array(200_000), ['INPUT_TOO_LARGE']],
        [Uint8Array.from(der, (b, i) => (i === 4 ? b ^ 0xff : b)), ['BAD_DER', 'NOT_A_CERTIFICATE']],
      ];
      // Nested SEQUENCE bombs must hit the depth limit, not the stack.
      const bomb = new Uint8Array(2000);
      for (let i = 0; i < 1000; i++) bomb.set([0x30, 0x80], i * 2);
      cases.push([bomb, ['BAD_DER']]);
      for (const [input, codes] of cases) {
        const r = await readCertificate(subtle, input);
        check(
          !r.ok && codes.includes(r.error.reason),
          `expected ${codes} got ${JSON.stringify(r)}`.slice(0, 200),
        );
      }
    },
  },
];
