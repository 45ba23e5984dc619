/**
 * The crypto core's behaviour, written once and run twice: in Node (tests/unit/crypto/core.test.ts)
 * and inside headless Chromium (tests/integration/crypto-interop/browser-run.test.ts bundles
 * ./browser-entry.ts). Only Web Crypto and our own modules are used here — no node:* — so the same
 * assertions prove the code is platform-free and works with keys `exportKey` cannot read.
 */

import * as asn1js from 'asn1js';
import {
  buildUnsignedAuthTokenRequest,
  readAuthTokenRequest,
} from '../../../shared/crypto/auth-token-request.ts';
import { buildCsr } from '../../../shared/crypto/csr.ts';
import { csrMatchesEnrollmentData, readCsr } from '../../../shared/crypto/csr-reader.ts';
import { fromBase64, toBase64 } from '../../../shared/crypto/encoding.ts';
import { generateSigningKey, type SigningAlgorithm, unwrapSigningKey } from '../../../shared/crypto/keys.ts';
import { publicKeyIdOf, selectEncryptionCertificate } from '../../../shared/crypto/public-key-id.ts';
import { createSelfSignedTestCertificate } from '../../../shared/crypto/test-certificate.ts';
import { encryptKsefToken } from '../../../shared/crypto/token-encryption.ts';
import { readCertificate } from '../../../shared/crypto/x509-reader.ts';
import { buildSignedAuthTokenRequest } from '../../../shared/crypto/xades-sign.ts';
import { parseSignedAuthTokenRequest } from '../../../shared/crypto/xades-verify.ts';
import { parseXml } from '../../../shared/crypto/xml-tree.ts';
import reqInternalId from '../../fixtures/ksef-official/auth-token-request-context-internal-id.xml?raw';
import reqNip from '../../fixtures/ksef-official/auth-token-request-context-nip.xml?raw';
import reqNipVatUe from '../../fixtures/ksef-official/auth-token-request-context-nip-vat-ue.xml?raw';
import reqFingerprint from '../../fixtures/ksef-official/auth-token-request-subject-fingerprint.xml?raw';
import officialCsrB64 from '../../fixtures/ksef-official/enrollment-csr-example.b64?raw';
import ksefCertB64 from '../../fixtures/ksef-official/ksef-issued-test-certificate.b64?raw';
import { ENVELOPE_CASES } from './envelope-cases.ts';

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

const utf8 = (t: string) => new TextEncoder().encode(t);
export const FIXED_NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
export const fixedClock = { now: () => FIXED_NOW };

export async function newDataKey(subtle: SubtleCrypto): Promise<CryptoKey> {
  return subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
}

export async function newSigner(
  subtle: SubtleCrypto,
  alg: SigningAlgorithm,
  clock: { now(): number } = fixedClock,
) {
  const dataKey = await newDataKey(subtle);
  const key = await generateSigningKey(subtle, alg, dataKey, utf8(`ksef-wallet/1/keys/${alg}`));
  if (!key.ok) throw new Error(`generateSigningKey: ${key.error.reason}`);
  const cert = await createSelfSignedTestCertificate(
    subtle,
    { kind: 'seal', nip: '5265877635', organizationName: 'Zażółć gęślą jaźń Sp. z o.o.' },
    key.value,
    clock,
  );
  if (!cert.ok) throw new Error(`createSelfSignedTestCertificate: ${cert.error.reason}`);
  return { ...key.value, dataKey, certificateDer: cert.value };
}

async function exportRefused(subtle: SubtleCrypto, key: CryptoKey): Promise<boolean> {
  for (const format of ['pkcs8', 'jwk'] as const) {
    try {
      await subtle.exportKey(format, key);
      return false;
    } catch {
      // expected: the key is not extractable
    }
  }
  return true;
}

const ALGS: readonly SigningAlgorithm[] = ['RSA-2048', 'ECDSA-P256'];
export const CHALLENGE = '20261125-CR-461EA5B000-537A6BA15D-D7';

export async function signedRequest(subtle: SubtleCrypto, alg: SigningAlgorithm, clock = fixedClock) {
  const signer = await newSigner(subtle, alg, clock);
  const xml = await buildSignedAuthTokenRequest(
    { subtle, clock },
    {
      challenge: CHALLENGE,
      context: { type: 'Nip', value: '5265877635' },
      subjectIdentifierType: 'certificateSubject',
      signer: { privateKey: signer.privateKey, certificateDer: signer.certificateDer },
    },
  );
  if (!xml.ok) throw new Error(`buildSignedAuthTokenRequest: ${xml.error.reason}`);
  return { xml: xml.value, signer };
}

/** Decodes a CSR enough to check its DN encoding and its signature with Web Crypto. */
async function inspectCsr(
  subtle: SubtleCrypto,
  der: Uint8Array,
  publicKey: CryptoKey,
  alg: SigningAlgorithm,
) {
  const top = asn1js.fromBER(new Uint8Array(der)).result as asn1js.Sequence;
  const [info, algId, sig] = top.valueBlock.value as [asn1js.Sequence, asn1js.Sequence, asn1js.BitString];
  const name = info.valueBlock.value[1] as asn1js.Sequence;
  const rdns = name.valueBlock.value.map((rdn) => {
    const set = (rdn as asn1js.Set).valueBlock.value;
    check(set.length === 1, 'one attribute per RDN');
    const [oid, value] = (set[0] as asn1js.Sequence).valueBlock.value as [
      asn1js.ObjectIdentifier,
      asn1js.BaseBlock,
    ];
    return `${oid.valueBlock.toString()}:${value.constructor.name}:${(value as unknown as { valueBlock: { value: string } }).valueBlock.value}`;
  });
  const algParts = algId.valueBlock.value;
  const sigBytes = new Uint8Array(sig.valueBlock.valueHexView);
  const infoDer = new Uint8Array(info.valueBeforeDecodeView);
  let valid: boolean;
  if (alg === 'RSA-2048') {
    check(algParts.length === 2 && algParts[1] instanceof asn1js.Null, 'RSA algorithm id carries NULL');
    valid = await subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, publicKey, sigBytes, infoDer);
  } else {
    check(algParts.length === 1, 'ECDSA algorithm id has no parameters');
    const seq = asn1js.fromBER(sigBytes).result as asn1js.Sequence;
    const ints = seq.valueBlock.value.map((i) => {
      const b = new Uint8Array((i as asn1js.Integer).valueBlock.valueHexView);
      const t = b.length > 32 ? b.subarray(b.length - 32) : b;
      const out = new Uint8Array(32);
      out.set(t, 32 - t.length);
      return out;
    });
    const raw = new Uint8Array(64);
    raw.set(ints[0]!, 0);
    raw.set(ints[1]!, 32);
    valid = await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, raw, infoDer);
  }
  return { rdns, valid };
}

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
  ...ALGS.map(
    (alg): CoreCase => ({
      name: `generates a ${alg} key that is wrapped at once and usable only as a non-extractable key`,
      async run(subtle) {
        const dataKey = await newDataKey(subtle);
        const aad = utf8('ksef-wallet/1/certificates/0b8c/5265877635/TEST');
        const k = await generateSigningKey(subtle, alg, dataKey, aad);
        check(k.ok, 'generated');
        const { wrapped, privateKey, publicKey } = k.value;
        equal([wrapped.v, wrapped.alg, wrapped.iv.length], [1, alg, 12], 'wrapped form');
        check(!privateKey.extractable && (await exportRefused(subtle, privateKey)), 'exportKey refused');
        const again = await unwrapSigningKey(subtle, dataKey, wrapped, aad);
        check(
          again.ok && !again.value.extractable && (await exportRefused(subtle, again.value)),
          'unwraps non-extractable',
        );
        const params =
          alg === 'RSA-2048' ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash: 'SHA-256' };
        const sig = await subtle.sign(params, again.value, utf8('x'));
        check(await subtle.verify(params, publicKey, sig, utf8('x')), 'unwrapped key matches the public key');
        const otherRecord = await unwrapSigningKey(
          subtle,
          dataKey,
          wrapped,
          utf8('ksef-wallet/1/certificates/other'),
        );
        check(!otherRecord.ok && otherRecord.error.reason === 'KEY_UNWRAP_FAILED', 'bound to its record');
        const otherKey = await unwrapSigningKey(subtle, await newDataKey(subtle), wrapped, aad);
        check(!otherKey.ok && otherKey.error.reason === 'KEY_UNWRAP_FAILED', 'bound to its data key');
        const flipped = { ...wrapped, wrapped: wrapped.wrapped.map((b, i) => (i === 5 ? b ^ 1 : b)) };
        check(!(await unwrapSigningKey(subtle, dataKey, flipped, aad)).ok, 'tampering detected');
        const v2 = { ...wrapped, v: 2 } as unknown as typeof wrapped;
        const r = await unwrapSigningKey(subtle, dataKey, v2, aad);
        check(!r.ok && r.error.reason === 'UNSUPPORTED_KEY', 'unknown version refused');
      },
    }),
  ),
  ...ALGS.map(
    (alg): CoreCase => ({
      name: `builds a ${alg} CSR with exactly the enrollment DN, one RDN each, and a valid signature`,
      async run(subtle) {
        const s = await newSigner(subtle, alg);
        const data = {
          commonName: 'Zażółć Sp. z o.o.',
          organizationName: 'Zażółć',
          organizationIdentifier: 'VATPL-5265877635',
          countryName: 'PL',
          serialNumber: 'TINPL-5265877635',
          uniqueIdentifier: 'a1b2c3',
          givenName: null,
        };
        const csr = await buildCsr(subtle, data, s);
        check(csr.ok, 'built');
        const { rdns, valid } = await inspectCsr(subtle, csr.value, s.publicKey, alg);
        check(valid, 'CSR signature verifies');
        equal(
          rdns,
          [
            '2.5.4.3:Utf8String:Zażółć Sp. z o.o.',
            '2.5.4.10:Utf8String:Zażółć',
            '2.5.4.97:Utf8String:VATPL-5265877635',
            '2.5.4.6:PrintableString:PL',
            '2.5.4.5:PrintableString:TINPL-5265877635',
            '2.5.4.45:Utf8String:a1b2c3',
          ],
          'DN in the given order with KSeF string types',
        );
      },
    }),
  ),
  {
    name: 'refuses enrollment data it cannot put into a CSR exactly',
    async run(subtle) {
      const s = await newSigner(subtle, 'ECDSA-P256');
      const bad: unknown[] = [
        { commonName: 'X' },
        { commonName: 'X', countryName: 'PL', nickname: 'Y' },
        { commonName: 'X', countryName: 'PŁ' },
        { commonName: '', countryName: 'PL' },
        { commonName: 7, countryName: 'PL' },
      ];
      for (const data of bad) {
        const r = await buildCsr(subtle, data as never, s);
        check(!r.ok && r.error.reason === 'CSR_BAD_ENROLLMENT_DATA', `refuses ${JSON.stringify(data)}`);
      }
    },
  },
  {
    name: 'makes self-signed TEST certificates for a seal and a person, valid from an hour ago',
    async run(subtle) {
      const s = await newSigner(subtle, 'RSA-2048');
      const seal = await readCertificate(subtle, s.certificateDer);
      check(seal.ok, 'seal parses');
      equal(
        seal.value.subject.map((a) => `${a.name}=${a.value}`),
        [
          'organizationIdentifier=VATPL-5265877635',
          'O=Zażółć gęślą jaźń Sp. z o.o.',
          'CN=Zażółć gęślą jaźń Sp. z o.o.',
          'C=PL',
        ],
        'seal DN',
      );
      equal(seal.value.identifiers, { vatplNip: '5265877635' }, 'seal identifier');
      equal(seal.value.notBeforeMs, FIXED_NOW - 3_600_000, 'notBefore one hour back');
      check(
        seal.value.selfIssued && /^[0-9A-F]{16}$/.test(seal.value.serialHex),
        'self-issued, 16-hex serial',
      );
      const ec = await newSigner(subtle, 'ECDSA-P256');
      const person = await createSelfSignedTestCertificate(
        subtle,
        { kind: 'person', givenName: 'Jan', surname: 'Kowalski', pesel: '90010112345' },
        ec,
        fixedClock,
      );
      check(person.ok, 'person built');
      const p = await readCertificate(subtle, person.value);
      check(p.ok, 'person parses');
      equal(
        p.value.subject.map((a) => `${a.name}=${a.value}`),
        ['GN=Jan', 'SN=Kowalski', 'serialNumber=PNOPL-90010112345', 'CN=Jan Kowalski', 'C=PL'],
        'person DN',
      );
      equal(p.value.identifiers, { pesel: '90010112345' }, 'person identifier');
      equal(p.value.key, { type: 'EC', curve: 'P-256' }, 'key');
      for (const bad of [
        { kind: 'seal', nip: '0123456789', organizationName: 'X' },
        { kind: 'person', givenName: 'A', surname: 'B' },
        { kind: 'person', givenName: 'A', surname: 'B', pesel: '90130112345' },
      ] as const) {
        const r = await createSelfSignedTestCertificate(subtle, bad as never, ec, fixedClock);
        check(!r.ok && r.error.reason === 'CSR_BAD_ENROLLMENT_DATA', `refuses ${JSON.stringify(bad)}`);
      }
    },
  },
  {
    name: 'reads and validates every official AuthTokenRequest sample, NipVatUe included',
    async run() {
      const expected: Record<string, [string, string, string]> = {
        'context-nip': ['Nip', '5265877635', 'certificateSubject'],
        'context-internal-id': ['InternalId', '5265877635-12345', 'certificateSubject'],
        'context-nip-vat-ue': ['NipVatUe', '5265877635-ATU12345678', 'certificateSubject'],
        'subject-fingerprint': ['Nip', '5265877635', 'certificateFingerprint'],
      };
      for (const [name, xml] of Object.entries(OFFICIAL_REQUESTS)) {
        const tree = parseXml(xml);
        check(tree.ok, `${name} parses`);
        const r = readAuthTokenRequest(tree.value);
        check(r.ok, `${name} validates: ${r.ok ? '' : r.error.detail}`);
        equal(
          [r.value.context.type, r.value.context.value, r.value.subjectIdentifierType],
          expected[name],
          name,
        );
        equal(r.value.challenge, '20250604-CR-461EA5B000-537A6BA15D-D7', `${name} challenge`);
        equal(r.value.signatures.length, 0, `${name} is unsigned`);
      }
    },
  },
  {
    name: 'builds the unsigned request for download, and reads it back with its IP policy',
    async run() {
      const input = {
        challenge: '20250604-CR-461EA5B000-537A6BA15D-D7',
        context: { type: 'PeppolId', value: 'PPL123456' },
        subjectIdentifierType: 'certificateFingerprint',
        authorizationPolicy: {
          allowedIps: {
            ip4Addresses: ['192.168.0.1'],
            ip4Ranges: ['10.0.0.1-10.0.0.9'],
            ip4Masks: ['172.16.0.0/12'],
          },
        },
      } as const;
      const xml = buildUnsignedAuthTokenRequest(input);
      check(xml.ok, 'built');
      check(xml.value.startsWith('<?xml version="1.0" encoding="utf-8"?>'), 'declaration');
      const tree = parseXml(xml.value);
      check(tree.ok, 'parses');
      const back = readAuthTokenRequest(tree.value);
      check(back.ok, 'validates');
      equal(back.value.context, input.context, 'context');
      equal(back.value.authorizationPolicy, input.authorizationPolicy, 'policy');
      for (const bad of [
        { ...input, challenge: '20250604-CR-461EA5B000-537A6BA15D-d7' },
        { ...input, context: { type: 'Nip', value: '0265877635' } },
        { ...input, context: { type: 'Pesel', value: '90010112345' } },
        { ...input, subjectIdentifierType: 'certificateSerial' },
        { ...input, authorizationPolicy: { allowedIps: { ip4Addresses: ['256.1.1.1'] } } },
        { ...input, authorizationPolicy: { allowedIps: { ip4Masks: ['10.0.0.0/33'] } } },
        { ...input, authorizationPolicy: { allowedIps: { ip4Addresses: Array(11).fill('1.1.1.1') } } },
      ]) {
        const r = buildUnsignedAuthTokenRequest(bad as never);
        check(
          !r.ok && r.error.reason === 'AUTH_REQUEST_SCHEMA',
          `refuses ${JSON.stringify(bad).slice(0, 120)}`,
        );
      }
    },
  },
  {
    name: 'refuses hostile or wrong XML with a clear code: DOCTYPE/entities, wrong namespace, order, size, depth',
    async run() {
      const ok = OFFICIAL_REQUESTS['context-nip']!;
      const cases: [string, string][] = [
        [
          `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`,
          'XML_DOCTYPE_FORBIDDEN',
        ],
        [
          `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><r>&lol2;</r>`,
          'XML_DOCTYPE_FORBIDDEN',
        ],
        [ok.replace('auth/token/2.0', 'auth/token/3.0'), 'XML_WRONG_NAMESPACE'],
        [ok.replace('<Challenge>', '<Challenge>x'), 'AUTH_REQUEST_SCHEMA'],
        [ok.replace(/<SubjectIdentifierType>.*<\/SubjectIdentifierType>/, ''), 'AUTH_REQUEST_SCHEMA'],
        [
          ok.replace('<Nip>5265877635</Nip>', '<Nip>5265877635</Nip><Nip>5265877635</Nip>'),
          'AUTH_REQUEST_SCHEMA',
        ],
        [ok.replace('</AuthTokenRequest>', '<Extra/></AuthTokenRequest>'), 'AUTH_REQUEST_SCHEMA'],
        [ok.replace('</AuthTokenRequest>', ''), 'XML_MALFORMED'],
        [ok.slice(0, ok.length / 2), 'XML_MALFORMED'],
        [ok.replace('<Nip>', '<Nip>&unknown;'), 'XML_MALFORMED'],
        ['<a>'.repeat(5000) + '</a>'.repeat(5000), 'XML_MALFORMED'],
        [`<r>${'x'.repeat(1_100_000)}</r>`, 'INPUT_TOO_LARGE'],
        ['', 'XML_MALFORMED'],
        ['\u0000\u0001binary', 'XML_MALFORMED'],
        [ok.replace('5265877635', '52658&#0;77635'), 'XML_MALFORMED'],
        [ok.replace('encoding="utf-8"', 'encoding="windows-1250"'), 'XML_MALFORMED'],
        [ok.replace('version="1.0"', 'version="1P0"'), 'XML_MALFORMED'],
      ];
      for (const [xml, code] of cases) {
        const tree = parseXml(xml);
        const r = tree.ok ? readAuthTokenRequest(tree.value) : tree;
        check(
          !r.ok && r.error.reason === code,
          `${xml.slice(0, 60)}… → ${code}, got ${r.ok ? 'ok' : r.error.reason}`,
        );
      }
    },
  },
  ...ALGS.map(
    (alg): CoreCase => ({
      name: `signs an AuthTokenRequest with ${alg} and our own verifier accepts it and reads it back`,
      async run(subtle) {
        const { xml, signer } = await signedRequest(subtle, alg);
        const r = await parseSignedAuthTokenRequest(subtle, xml, {
          nowMs: FIXED_NOW,
          challenge: CHALLENGE,
          challengeTimestampMs: FIXED_NOW - 30_000,
          context: { type: 'Nip', value: '5265877635' },
        });
        check(r.ok, `verifies: ${r.ok ? '' : `${r.error.reason} ${r.error.detail}`}`);
        equal(r.value.context, { type: 'Nip', value: '5265877635' }, 'context');
        equal(r.value.subjectIdentifierType, 'certificateSubject', 'subject type');
        equal(r.value.signerCertificate.identifiers, { vatplNip: '5265877635' }, 'signer');
        equal(r.value.signingTime, '2026-11-25T11:59:00Z', 'SigningTime one minute back');
        check(r.value.signerCertificate.der.length === signer.certificateDer.length, 'certificate');
        check(
          r.value.signatureMethod.endsWith(alg === 'RSA-2048' ? 'rsa-sha256' : 'ecdsa-sha256'),
          'signature method',
        );
      },
    }),
  ),
  {
    name: 'tells exactly what is wrong with a signed file: tampering, expiry, context, count of signatures',
    async run(subtle) {
      const { xml } = await signedRequest(subtle, 'ECDSA-P256');
      const exp = {
        nowMs: FIXED_NOW,
        challenge: CHALLENGE,
        context: { type: 'Nip', value: '5265877635' },
      } as const;
      const expectFail = async (doc: string, reason: string, element?: string, e: object = exp) => {
        const r = await parseSignedAuthTokenRequest(subtle, doc, e as typeof exp);
        check(!r.ok, `${reason} expected, got ok`);
        equal([r.error.reason, r.error.element], [reason, element], `${reason}`);
      };
      const sigStart = xml.indexOf('<ds:Signature ');
      const sigEnd = xml.indexOf('</ds:Signature>') + '</ds:Signature>'.length;
      const unsigned = xml.slice(0, sigStart) + xml.slice(sigEnd);
      const twice = xml.slice(0, sigEnd) + xml.slice(sigStart, sigEnd) + xml.slice(sigEnd);
      await expectFail(unsigned, 'AUTH_REQUEST_NOT_SIGNED');
      await expectFail(
        twice.replace('Id="SignedProperties"', 'Id="SP2"'),
        'AUTH_REQUEST_MULTIPLE_SIGNATURES',
      );
      await expectFail(xml, 'AUTH_REQUEST_WRONG_CONTEXT', 'ContextIdentifier', {
        ...exp,
        context: { type: 'Nip', value: '1111111111' },
      });
      await expectFail(xml, 'AUTH_REQUEST_WRONG_CHALLENGE', 'Challenge', {
        ...exp,
        challenge: CHALLENGE.replace('D7', 'D8'),
      });
      await expectFail(xml, 'AUTH_REQUEST_CHALLENGE_EXPIRED', 'Challenge', {
        ...exp,
        challengeTimestampMs: FIXED_NOW - 11 * 60_000,
      });
      await expectFail(xml, 'AUTH_REQUEST_CHALLENGE_EXPIRED', 'Challenge', {
        ...exp,
        nowMs: FIXED_NOW + 2 * 86_400_000,
      });
      await expectFail(xml, 'SIGNATURE_CERTIFICATE_NOT_VALID_NOW', 'X509Certificate', {
        ...exp,
        challengeTimestampMs: FIXED_NOW - 2 * 3_600_000,
        nowMs: FIXED_NOW - 2 * 3_600_000,
      });
      // The document and SignedProperties digests, then the signature value itself.
      await expectFail(
        xml.replace(
          '<SubjectIdentifierType>certificateSubject',
          '<SubjectIdentifierType>certificateFingerprint',
        ),
        'SIGNATURE_DIGEST_MISMATCH',
        'AuthTokenRequest',
      );
      await expectFail(
        xml.replace('2026-11-25T11:59:00Z', '2026-11-25T11:58:00Z'),
        'SIGNATURE_DIGEST_MISMATCH',
        'SignedProperties',
      );
      const sv = /<ds:SignatureValue>([^<]+)</.exec(xml)![1]!;
      const flipped = sv[10] === 'A' ? 'B' : 'A';
      await expectFail(
        xml.replace(sv, sv.slice(0, 10) + flipped + sv.slice(11)),
        'SIGNATURE_INVALID',
        'SignatureValue',
      );
      await expectFail(
        xml.replace('xmldsig-more#ecdsa-sha256', 'xmldsig-more#ecdsa-sha3-256'),
        'SIGNATURE_UNSUPPORTED_ALGORITHM',
        'SignatureMethod',
      );
      await expectFail(
        xml.replace(/Type="http:\/\/uri.etsi.org\/01903#SignedProperties"/, ''),
        'SIGNATURE_NOT_XADES',
        'SignedProperties',
      );
      // A different certificate in KeyInfo: the SigningCertificate digest names the problem.
      const other = await newSigner(subtle, 'ECDSA-P256');
      const certB64 = /<ds:X509Certificate>([^<]+)</.exec(xml)![1]!;
      await expectFail(
        xml.replace(certB64, toBase64(other.certificateDer)),
        'SIGNATURE_CERTIFICATE_MISMATCH',
        'CertDigest',
      );
      await expectFail(xml.replace(certB64, certB64.slice(0, 40)), 'BAD_DER');
      await expectFail(xml.replace(certB64, `${certB64}@@`), 'BAD_BASE64');
    },
  },
  {
    name: 'refuses to sign for a challenge with under a minute left, or with a certificate of another key',
    async run(subtle) {
      const s = await newSigner(subtle, 'ECDSA-P256');
      const other = await newSigner(subtle, 'ECDSA-P256');
      const base = {
        challenge: CHALLENGE,
        context: { type: 'Nip', value: '5265877635' },
        subjectIdentifierType: 'certificateSubject',
      } as const;
      const late = await buildSignedAuthTokenRequest(
        { subtle, clock: fixedClock },
        {
          ...base,
          challengeTimestampMs: FIXED_NOW - 9.5 * 60_000,
          signer: { privateKey: s.privateKey, certificateDer: s.certificateDer },
        },
      );
      check(!late.ok && late.error.reason === 'AUTH_REQUEST_CHALLENGE_EXPIRED', 'late challenge refused');
      const mismatch = await buildSignedAuthTokenRequest(
        { subtle, clock: fixedClock },
        { ...base, signer: { privateKey: s.privateKey, certificateDer: other.certificateDer } },
      );
      check(
        !mismatch.ok && mismatch.error.reason === 'SIGNATURE_CERTIFICATE_MISMATCH',
        'foreign certificate refused',
      );
    },
  },
  {
    name: 'encrypts token|timestampMs with RSA-OAEP-SHA256 so that the certificate key holder decrypts it',
    async run(subtle) {
      const pair = (await subtle.generateKey(
        {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256',
        },
        true,
        ['sign', 'verify'],
      )) as CryptoKeyPair;
      const cert = await createSelfSignedTestCertificate(
        subtle,
        { kind: 'seal', nip: '5265877635', organizationName: 'MF test' },
        pair,
        fixedClock,
      );
      check(cert.ok, 'certificate');
      const pkcs8 = await subtle.exportKey('pkcs8', pair.privateKey);
      const decryptKey = await subtle.importKey(
        'pkcs8',
        pkcs8,
        { name: 'RSA-OAEP', hash: 'SHA-256' },
        false,
        ['decrypt'],
      );
      const token = `20251010-EC-1A2B3C4D5E-6F7A8B9C0D-12|nip-5265877635|${'ab'.repeat(32)}`;
      const r = await encryptKsefToken(subtle, { token, timestampMs: FIXED_NOW }, toBase64(cert.value));
      check(r.ok, 'encrypts');
      const ct = fromBase64(r.value);
      check(ct.ok && ct.value.length === 256, '256-byte ciphertext');
      const plain = new TextDecoder().decode(
        await subtle.decrypt({ name: 'RSA-OAEP' }, decryptKey, new Uint8Array(ct.value)),
      );
      equal(plain, `${token}|${FIXED_NOW}`, 'plaintext');
      const again = await encryptKsefToken(subtle, { token, timestampMs: FIXED_NOW }, toBase64(cert.value));
      check(again.ok && again.value !== r.value, 'OAEP is randomised');
      const id = await publicKeyIdOf(subtle, cert.value);
      const spki = new Uint8Array(await subtle.exportKey('spki', pair.publicKey));
      const expected = toBase64(new Uint8Array(await subtle.digest('SHA-256', spki)));
      equal(id.ok && id.value, expected, 'publicKeyId = Base64(SHA-256(SPKI))');
    },
  },
  {
    name: 'selects the valid KsefTokenEncryption certificate with the latest validFrom',
    async run() {
      const entry = (id: string, usage: string[], from: string, to: string) =>
        ({
          certificate: id,
          certificateId: id,
          publicKeyId: id,
          usage,
          validFrom: from,
          validTo: to,
        }) as never;
      const list = [
        entry('old', ['KsefTokenEncryption'], '2025-01-01T00:00:00Z', '2027-01-01T00:00:00Z'),
        entry('newer', ['KsefTokenEncryption'], '2026-06-01T00:00:00Z', '2028-01-01T00:00:00Z'),
        entry('future', ['KsefTokenEncryption'], '2026-12-01T00:00:00Z', '2029-01-01T00:00:00Z'),
        entry('symmetric', ['SymmetricKeyEncryption'], '2026-10-01T00:00:00Z', '2029-01-01T00:00:00Z'),
        entry('expired', ['KsefTokenEncryption'], '2026-09-01T00:00:00Z', '2026-10-01T00:00:00Z'),
      ];
      const r = selectEncryptionCertificate(list, 'KsefTokenEncryption', FIXED_NOW);
      equal(r.ok && r.value.publicKeyId, 'newer', 'latest validFrom among valid');
      const s = selectEncryptionCertificate(list, 'SymmetricKeyEncryption', FIXED_NOW);
      equal(s.ok && s.value.publicKeyId, 'symmetric', 'by usage');
      const none = selectEncryptionCertificate(list.slice(2), 'KsefTokenEncryption', FIXED_NOW);
      equal(!none.ok && none.error.reason, 'NO_ENCRYPTION_CERTIFICATE', 'none valid');
      const junk = selectEncryptionCertificate(
        [null, {}, entry('x', [], 'bad', 'bad')] as never,
        'KsefTokenEncryption',
        FIXED_NOW,
      );
      check(!junk.ok, 'junk entries ignored');
      // A clock up to 5 minutes behind KSeF still uses a just-rotated key, but only when no key is
      // valid now, and never an expired one (KEY_SELECTION.CLOCK_SKEW_MS).
      const soon = entry(
        'soon',
        ['KsefTokenEncryption'],
        new Date(FIXED_NOW + 4 * 60_000).toISOString(),
        '2029-01-01T00:00:00Z',
      );
      const late = entry(
        'late',
        ['KsefTokenEncryption'],
        new Date(FIXED_NOW + 6 * 60_000).toISOString(),
        '2029-01-01T00:00:00Z',
      );
      const skewed = selectEncryptionCertificate([list[4]!, late, soon], 'KsefTokenEncryption', FIXED_NOW);
      equal(
        skewed.ok && skewed.value.publicKeyId,
        'soon',
        'a key starting within the skew, when none is valid',
      );
      const both = selectEncryptionCertificate([...list, soon], 'KsefTokenEncryption', FIXED_NOW);
      equal(both.ok && both.value.publicKeyId, 'newer', 'a key valid now wins over one starting soon');
    },
  },
  {
    name: "reads KSeF's own example CSR (RSA-PSS) and our CSRs back, checking signature and DN",
    async run(subtle) {
      const der = fromBase64(officialCsrB64);
      check(der.ok, 'fixture Base64');
      const official = await readCsr(subtle, der.value);
      check(official.ok, 'official CSR parses');
      check(official.value.signatureValid, 'RSA-PSS signature verifies');
      equal(official.value.signatureAlgorithmOid, '1.2.840.113549.1.1.10', 'RSASSA-PSS');
      equal(official.value.subject.length, 6, 'six attributes');
      check(official.value.singleValuedRdns, 'one attribute per RDN');
      const tampered = der.value.map((b, i) => (i === der.value.length - 5 ? b ^ 1 : b));
      const t = await readCsr(subtle, tampered);
      check(t.ok && !t.value.signatureValid, 'tampered signature detected');
      const s = await newSigner(subtle, 'ECDSA-P256');
      const data = {
        commonName: 'Jan Kowalski',
        givenName: 'Jan',
        surname: 'Kowalski',
        serialNumber: 'PNOPL-90010112345',
        countryName: 'PL',
      };
      const ours = await buildCsr(subtle, data, s);
      check(ours.ok, 'built');
      const back = await readCsr(subtle, ours.value);
      check(back.ok && back.value.signatureValid, 'our CSR verifies through pkijs too');
      check(csrMatchesEnrollmentData(back.value, data), 'matches its enrollment data');
      check(
        csrMatchesEnrollmentData(back.value, { ...data, countryName: 'PL', commonName: data.commonName }),
        'order does not matter',
      );
      check(
        !csrMatchesEnrollmentData(back.value, { ...data, surname: 'Nowak' }),
        'a different surname does not match',
      );
      check(
        !csrMatchesEnrollmentData(back.value, { ...data, organizationName: 'X' }),
        'an extra attribute does not match',
      );
      const bad = await readCsr(subtle, ours.value.subarray(0, 40));
      check(!bad.ok && bad.error.reason === 'BAD_DER', 'truncated CSR refused');
    },
  },
  // The vault envelope (shared/crypto/FORMAT.md): Argon2id, sealed fields, keyring, backup file.
  ...ENVELOPE_CASES,
];
