/**
 * Identifiers of KSeF's public-key certificates (REFERENCE §9.3, docs "klucze publiczne" §2) and the
 * rule for choosing one (§9.4).
 *  - certificateId = Base64(SHA-256(certificate DER))
 *  - publicKeyId   = Base64(SHA-256(DER SubjectPublicKeyInfo)) — the SPKI, not the PKCS#1 RSAPublicKey
 *    (hashing that gives a different value; verified against the spec example in §9.3).
 */
import type { components } from '../ksef/generated/openapi.ts';
import { ok } from '../result.ts';
import { fromBase64, sha256, toBase64 } from './encoding.ts';
import { type CryptoResult, cfail } from './errors.ts';
import { readCertificate } from './x509-reader.ts';

export type PublicKeyCertificate = components['schemas']['PublicKeyCertificate'];
export type PublicKeyCertificateUsage = components['schemas']['PublicKeyCertificateUsage'];

const derOf = (certificate: Uint8Array | string): CryptoResult<Uint8Array> =>
  typeof certificate === 'string' ? fromBase64(certificate) : ok(certificate);

export async function publicKeyIdOf(
  subtle: SubtleCrypto,
  certificate: Uint8Array | string,
): Promise<CryptoResult<string>> {
  const der = derOf(certificate);
  if (!der.ok) return der;
  const info = await readCertificate(subtle, der.value);
  if (!info.ok) return info;
  return ok(toBase64(await sha256(subtle, info.value.spki)));
}

export async function certificateIdOf(
  subtle: SubtleCrypto,
  certificate: Uint8Array | string,
): Promise<CryptoResult<string>> {
  const der = derOf(certificate);
  if (!der.ok) return der;
  return ok(toBase64(await sha256(subtle, der.value)));
}

/**
 * §9.4: among entries whose `usage` contains the needed value and that are valid now
 * (validFrom ≤ now < validTo), the one with the LATEST validFrom. (The Java client's "earliest" is wrong.)
 */
export function selectEncryptionCertificate(
  list: readonly PublicKeyCertificate[],
  usage: PublicKeyCertificateUsage,
  nowMs: number,
): CryptoResult<PublicKeyCertificate> {
  const candidates = (Array.isArray(list) ? list : [])
    .map((c) => ({ c, from: Date.parse(c?.validFrom), to: Date.parse(c?.validTo) }))
    .filter(
      ({ c, from, to }) =>
        Array.isArray(c?.usage) &&
        c.usage.includes(usage) &&
        from <= nowMs &&
        nowMs < to &&
        typeof c.certificate === 'string',
    )
    .sort((a, b) => b.from - a.from);
  const best = candidates[0];
  return best ? ok(best.c) : cfail('NO_ENCRYPTION_CERTIFICATE', `no ${usage} certificate valid now`);
}
