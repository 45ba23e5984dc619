/**
 * `encryptedToken` for `POST /auth/ksef-token` (REFERENCE §9.1): RSAES-OAEP with SHA-256 and MGF1-SHA-256,
 * empty label, over the UTF-8 bytes of `token|timestampMs` where timestampMs is the CHALLENGE's
 * timestamp (decimal Unix ms). Offered only as "encrypt this token for this challenge" — there is no
 * generic encrypt API (SECURITY.md T10). Only RSA is implemented: KSeF publishes RSA-2048 keys and the
 * clients' ECDH variants are mutually incompatible (§9.2).
 */
import { ok } from '../result.ts';
import { buf, fromBase64, toBase64, utf8 } from './encoding.ts';
import { type CryptoResult, cfail } from './errors.ts';
import { readCertificate } from './x509-reader.ts';

export const TOKEN_ENCRYPTION = Object.freeze({ MAX_TOKEN_CHARS: 160, HASH_BYTES: 32 });

export async function encryptKsefToken(
  subtle: SubtleCrypto,
  input: { readonly token: string; readonly timestampMs: number },
  publicKeyCertificateBase64: string,
): Promise<CryptoResult<string>> {
  const { token, timestampMs } = input;
  if (
    typeof token !== 'string' ||
    token.length === 0 ||
    token.length > TOKEN_ENCRYPTION.MAX_TOKEN_CHARS ||
    /\s/.test(token)
  ) {
    return cfail('TOKEN_BAD_INPUT', 'the token must be 1–160 characters without whitespace');
  }
  if (!Number.isSafeInteger(timestampMs) || timestampMs <= 0) {
    return cfail('TOKEN_BAD_INPUT', 'timestampMs must be the challenge time in Unix milliseconds');
  }
  const der = fromBase64(publicKeyCertificateBase64);
  if (!der.ok) return der;
  const cert = await readCertificate(subtle, der.value);
  if (!cert.ok) return cert;
  if (cert.value.key.type !== 'RSA' || cert.value.key.bits < 2048) {
    return cfail('CERTIFICATE_NOT_RSA', 'token encryption needs an RSA key of at least 2048 bits');
  }
  const plaintext = utf8(`${token}|${timestampMs}`);
  // RFC 8017 §7.1.1: mLen ≤ k − 2hLen − 2.
  if (plaintext.length > cert.value.key.bits / 8 - 2 * TOKEN_ENCRYPTION.HASH_BYTES - 2) {
    return cfail('TOKEN_BAD_INPUT', 'token too long for the key');
  }
  try {
    const key = await subtle.importKey(
      'spki',
      buf(cert.value.spki),
      { name: 'RSA-OAEP', hash: 'SHA-256' },
      false,
      ['encrypt'],
    );
    const ct = await subtle.encrypt({ name: 'RSA-OAEP' }, key, buf(plaintext));
    return ok(toBase64(new Uint8Array(ct)));
  } catch {
    return cfail('ENCRYPTION_FAILED');
  }
}
