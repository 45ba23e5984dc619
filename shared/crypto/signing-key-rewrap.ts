/**
 * Moves a wrapped signing key from one wrapping key to another — into a backup (under the backup
 * key, never the data key: SECURITY.md §3.7), out of a backup into the vault, or to the new record
 * key after a re-key. The private key is unwrapped extractable *inside Web Crypto* and wrapped again
 * at once with `wrapKey`: its PKCS#8 bytes are never a JavaScript value, and the extractable
 * `CryptoKey` does not outlive this function.
 */
import { ok } from '../result.ts';
import { buf } from './encoding.ts';
import { type CryptoResult, cfail } from './errors.ts';
import { type SigningAlgorithm, WRAPPED_KEY_V1, type WrappedSigningKey } from './keys.ts';

const IMPORT_PARAMS: Readonly<Record<SigningAlgorithm, RsaHashedImportParams | EcKeyImportParams>> =
  Object.freeze({
    'RSA-2048': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    'ECDSA-P256': { name: 'ECDSA', namedCurve: 'P-256' },
  });

const gcm = (iv: Uint8Array, aad: Uint8Array): AesGcmParams => ({
  name: 'AES-GCM',
  iv: buf(iv),
  additionalData: buf(aad),
  tagLength: WRAPPED_KEY_V1.TAG_BITS,
});

export type KeyPlace = { readonly key: CryptoKey; readonly aad: Uint8Array };

export async function rewrapSigningKey(
  subtle: SubtleCrypto,
  wrapped: WrappedSigningKey,
  from: KeyPlace,
  to: KeyPlace,
  random: (n: number) => Uint8Array,
): Promise<CryptoResult<WrappedSigningKey>> {
  if (wrapped?.v !== 1) return cfail('UNSUPPORTED_KEY', 'unknown wrapped-key version');
  const params = IMPORT_PARAMS[wrapped.alg];
  if (!params) return cfail('UNSUPPORTED_KEY', 'unknown algorithm');
  if (!(wrapped.iv instanceof Uint8Array) || wrapped.iv.length !== WRAPPED_KEY_V1.IV_BYTES) {
    return cfail('KEY_UNWRAP_FAILED', 'bad IV');
  }
  let key: CryptoKey;
  try {
    key = await subtle.unwrapKey(
      'pkcs8',
      buf(wrapped.wrapped),
      from.key,
      gcm(wrapped.iv, from.aad),
      params,
      true,
      ['sign'],
    );
  } catch {
    return cfail('KEY_UNWRAP_FAILED', 'wrong key, wrong record, or damaged ciphertext');
  }
  try {
    const iv = random(WRAPPED_KEY_V1.IV_BYTES);
    const bytes = new Uint8Array(await subtle.wrapKey('pkcs8', key, to.key, gcm(iv, to.aad)));
    return ok({ v: 1, alg: wrapped.alg, iv: new Uint8Array(iv), wrapped: bytes });
  } catch {
    return cfail('KEY_WRAP_FAILED');
  }
}
