/**
 * The parse side of csr.ts: reads a PKCS#10 request (ours, or KSeF's own example) and checks its
 * signature, so that a CSR can be compared with the enrollment data before it is sent (KSeF: 25003
 * DN mismatch, 25004 bad signature, 25010 key, 25011 algorithm — REFERENCE §8).
 *
 * Signature verification goes through pkijs, which handles RSASSA-PSS parameters; its crypto engine is
 * built from the injected `SubtleCrypto` (no global engine is set).
 */
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { ok } from '../result.ts';
import type { EnrollmentData } from './csr.ts';
import { ENROLLMENT_FIELD_OIDS } from './csr.ts';
import { parseDer } from './der.ts';
import { type CryptoResult, cfail } from './errors.ts';

export type CsrAttribute = { readonly oid: string; readonly value: string; readonly stringType: string };
export type CsrInfo = {
  readonly subject: readonly CsrAttribute[];
  /** Each RDN holds exactly one attribute (multi-valued RDNs are a classic encoding slip). */
  readonly singleValuedRdns: boolean;
  readonly keyAlgorithmOid: string;
  readonly signatureAlgorithmOid: string;
  readonly signatureValid: boolean;
};

const engineFor = (subtle: SubtleCrypto) =>
  new pkijs.CryptoEngine({ name: 'injected', crypto: { subtle } as unknown as Crypto });

export async function readCsr(subtle: SubtleCrypto, der: Uint8Array): Promise<CryptoResult<CsrInfo>> {
  const parsed = parseDer(der);
  if (!parsed.ok) return parsed;
  let csr: pkijs.CertificationRequest;
  try {
    csr = new pkijs.CertificationRequest({ schema: parsed.value });
  } catch {
    return cfail('BAD_DER', 'not a PKCS#10 request');
  }
  const nameSeq = (parsed.value as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
  const rdns = (nameSeq.valueBlock.value[1] as asn1js.Sequence).valueBlock.value;
  let signatureValid = false;
  try {
    signatureValid = await csr.verify(engineFor(subtle));
  } catch {
    signatureValid = false;
  }
  return ok({
    subject: csr.subject.typesAndValues.map((tv) => {
      const v = tv.value as unknown as {
        constructor: { NAME?: string; name: string };
        valueBlock: { value: unknown };
      };
      return {
        oid: tv.type,
        value: String(v.valueBlock.value),
        stringType: v.constructor.NAME ?? v.constructor.name,
      };
    }),
    singleValuedRdns: rdns.every((r) => (r as asn1js.Set).valueBlock.value.length === 1),
    keyAlgorithmOid: csr.subjectPublicKeyInfo.algorithm.algorithmId,
    signatureAlgorithmOid: csr.signatureAlgorithm.algorithmId,
    signatureValid,
  });
}

/** KSeF compares attribute values, not RDN order (REFERENCE §8): same multiset of (OID, value). */
export function csrMatchesEnrollmentData(csr: CsrInfo, data: EnrollmentData): boolean {
  const want = Object.entries(data)
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]) => `${ENROLLMENT_FIELD_OIDS[k as keyof EnrollmentData] ?? '?'}=${v}`)
    .sort();
  const have = csr.subject.map((a) => `${a.oid}=${a.value}`).sort();
  return want.length === have.length && want.every((w, i) => w === have[i]);
}
