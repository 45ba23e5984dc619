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
 * How far the client's clock may run behind KSeF's when a newly rotated key is chosen (§9.4, §10).
 * KSeF dates a rotated certificate's `validFrom` at (or just after) the moment it publishes it, so a
 * client whose clock is a few minutes behind sees the new key as "not valid yet" — and after an
 * emergency rotation, which withdraws the old key at once, it would have no key at all. Five minutes
 * is the tolerance the rest of the client already assumes for a desktop clock (the fault matrix
 * runs every flow with the client ±5 min off KSeF); it applies to `validFrom` only: a certificate
 * is never chosen after its `validTo` by our clock, so the tolerance cannot revive an expired key.
 */
export const KEY_SELECTION = Object.freeze({ CLOCK_SKEW_MS: 5 * 60 * 1000 });

/**
 * §9.4: among entries whose `usage` contains the needed value and that are valid now
 * (validFrom ≤ now < validTo), the one with the LATEST validFrom. (The Java client's "earliest" is wrong.)
 *
 * Only when no entry is valid now by our clock: an entry whose validFrom is at most
 * `KEY_SELECTION.CLOCK_SKEW_MS` ahead (our clock is probably behind KSeF's). Among several such
 * entries the EARLIEST validFrom, the one most likely to be valid on KSeF's clock already. With a
 * correct clock this never changes the documented choice: a key that is valid now always wins.
 */
export function selectEncryptionCertificate(
  list: readonly PublicKeyCertificate[],
  usage: PublicKeyCertificateUsage,
  nowMs: number,
): CryptoResult<PublicKeyCertificate> {
  const usable = (Array.isArray(list) ? list : [])
    .map((c) => ({ c, from: Date.parse(c?.validFrom), to: Date.parse(c?.validTo) }))
    .filter(
      ({ c, from, to }) =>
        Array.isArray(c?.usage) &&
        c.usage.includes(usage) &&
        typeof c.certificate === 'string' &&
        // NaN (an unreadable date) fails both comparisons, so such an entry is never usable.
        from < to &&
        nowMs < to,
    );
  const validNow = usable.filter(({ from }) => from <= nowMs).sort((a, b) => b.from - a.from);
  const startingSoon = usable
    .filter(({ from }) => from > nowMs && from - nowMs <= KEY_SELECTION.CLOCK_SKEW_MS)
    .sort((a, b) => a.from - b.from);
  const best = validNow[0] ?? startingSoon[0];
  return best ? ok(best.c) : cfail('NO_ENCRYPTION_CERTIFICATE', `no ${usage} certificate valid now`);
}
