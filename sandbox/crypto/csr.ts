/**
 * PKCS#10 requests for KSeF certificates, checked in the order of REFERENCE §11 "Certificates":
 * 25004 (not a CSR, or its signature does not verify), 25010 (key not RSA-2048 or EC P-256),
 * 25011 (signature not RSA PKCS#1 v1.5 / RSA-PSS / ECDSA with SHA-1/256/384/512). pkijs/asn1js
 * parse the structure; node:crypto verifies the signature over the exact DER of the
 * CertificationRequestInfo (ECDSA in DER per RFC 3279 here, unlike XML-DSig).
 */
import { constants, createHash, createPublicKey, type KeyObject, verify as nodeVerify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type DnAttribute, readDn } from './certificate.ts';

const RSA_PKCS1: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};
const ECDSA: Record<string, string> = {
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const RSA_PSS = '1.2.840.113549.1.1.10';
const HASH_OIDS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export type ParsedCsr = {
  subject: pkijs.RelativeDistinguishedNames;
  subjectAttributes: DnAttribute[];
  publicKeyInfo: pkijs.PublicKeyInfo;
  /** SHA-256 (hex) of the SubjectPublicKeyInfo DER: the key's identity in the "already certified" index. */
  spkiHash: string;
};

export type CsrResult =
  | { ok: true; value: ParsedCsr }
  | { ok: false; code: 25004 | 25010 | 25011; detail: string };

type SignatureCheck =
  | { supported: true; hash: string; pss: { saltLength: number } | null; ecdsa: boolean }
  | { supported: false };

function signatureAlgorithm(alg: pkijs.AlgorithmIdentifier): SignatureCheck {
  const oid = alg.algorithmId;
  if (RSA_PKCS1[oid]) return { supported: true, hash: RSA_PKCS1[oid], pss: null, ecdsa: false };
  if (ECDSA[oid]) return { supported: true, hash: ECDSA[oid], pss: null, ecdsa: true };
  if (oid === RSA_PSS) {
    try {
      const params = new pkijs.RSASSAPSSParams({ schema: alg.algorithmParams });
      const hash = HASH_OIDS[params.hashAlgorithm.algorithmId];
      const mgfHashOid = params.maskGenAlgorithm.algorithmParams
        ? new pkijs.AlgorithmIdentifier({ schema: params.maskGenAlgorithm.algorithmParams }).algorithmId
        : '1.3.14.3.2.26';
      if (!hash || HASH_OIDS[mgfHashOid] !== hash) return { supported: false };
      return { supported: true, hash, pss: { saltLength: params.saltLength }, ecdsa: false };
    } catch {
      return { supported: false };
    }
  }
  return { supported: false };
}

function verifySignature(
  key: KeyObject,
  check: Extract<SignatureCheck, { supported: true }>,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    if (check.ecdsa) return nodeVerify(check.hash, data, { key, dsaEncoding: 'der' }, signature);
    if (check.pss) {
      return nodeVerify(
        check.hash,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: check.pss.saltLength },
        signature,
      );
    }
    return nodeVerify(check.hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
}

export function parseCsr(der: Uint8Array): CsrResult {
  let csr: pkijs.CertificationRequest;
  let spkiDer: Uint8Array;
  try {
    const asn = asn1js.fromBER(der.slice().buffer);
    if (asn.offset === -1 || asn.offset !== der.length) throw new Error('not a single DER value');
    csr = new pkijs.CertificationRequest({ schema: asn.result });
    spkiDer = new Uint8Array(csr.subjectPublicKeyInfo.toSchema().toBER(false));
  } catch {
    return { ok: false, code: 25004, detail: 'Treść pola csr nie jest żądaniem PKCS#10 w DER.' };
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
  } catch {
    return { ok: false, code: 25004, detail: 'Nie można odczytać klucza publicznego z CSR.' };
  }
  const check = signatureAlgorithm(csr.signatureAlgorithm);
  if (check.supported) {
    const tbs = new Uint8Array(csr.tbsView);
    const signature = new Uint8Array(csr.signatureValue.valueBlock.valueHexView);
    const keyFitsFamily = check.ecdsa ? key.asymmetricKeyType === 'ec' : key.asymmetricKeyType !== 'ec';
    if (!keyFitsFamily || !verifySignature(key, check, tbs, signature)) {
      return { ok: false, code: 25004, detail: 'Podpis CSR nie jest poprawny.' };
    }
  }
  const details = key.asymmetricKeyDetails ?? {};
  const keyOk =
    (key.asymmetricKeyType === 'rsa' && details.modulusLength === 2048) ||
    (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1');
  if (!keyOk) return { ok: false, code: 25010, detail: 'Dozwolone klucze: RSA 2048 bitów lub EC P-256.' };
  if (!check.supported) {
    return {
      ok: false,
      code: 25011,
      detail: 'Dozwolone podpisy: RSA PKCS#1 v1.5, RSA-PSS, ECDSA z SHA-1/256/384/512.',
    };
  }
  return {
    ok: true,
    value: {
      subject: csr.subject,
      subjectAttributes: readDn(csr.subject),
      publicKeyInfo: csr.subjectPublicKeyInfo,
      spkiHash: createHash('sha256').update(spkiDer).digest('hex'),
    },
  };
}
