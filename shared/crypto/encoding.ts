/**
 * Byte encodings used on the KSeF wire: standard Base64 with padding (REFERENCE §2.4), uppercase hex
 * for fingerprints and serials (§2.3), UTF-8 for token plaintexts and XML. Decoding is strict — a
 * truncated or garbled Base64 string is an error, never silently "fixed" — because a user who pasted
 * half a certificate must learn that, not get a different certificate.
 */
import { ok, type Result } from '../result.ts';
import { type CryptoError, cfail } from './errors.ts';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries([...B64].map((c, i) => [c, i])),
);

export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += b === undefined ? '=' : B64[(n >> 6) & 63]!;
    out += c === undefined ? '=' : B64[n & 63]!;
  }
  return out;
}

/**
 * Strict standard Base64. Whitespace (line breaks in pasted PEM bodies, XML text) is allowed and
 * ignored; anything else outside the alphabet, a length that is not a multiple of four, padding in the
 * middle, or non-zero bits left over in the last character are errors.
 */
export function fromBase64(text: string, maxBytes = 16 * 1024 * 1024): Result<Uint8Array, CryptoError> {
  const s = text.replace(/[\t\n\r ]/g, '');
  if ((s.length / 4) * 3 > maxBytes) return cfail('INPUT_TOO_LARGE', `more than ${maxBytes} bytes`);
  if (s.length === 0 || s.length % 4 !== 0) return cfail('BAD_BASE64', 'length is not a multiple of 4');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const last = i + 4 === s.length;
    const q = [0, 1, 2, 3].map((k) => {
      const ch = s[i + k]!;
      if (ch === '=' && last && k >= 4 - pad) return 0;
      return B64_INDEX[ch] ?? -1;
    });
    if (q.some((v) => v < 0)) return cfail('BAD_BASE64', `invalid character near offset ${i}`);
    const n = (q[0]! << 18) | (q[1]! << 12) | (q[2]! << 6) | q[3]!;
    if (last && pad === 2 && (n & 0xffff) !== 0) return cfail('BAD_BASE64', 'non-canonical padding bits');
    if (last && pad === 1 && (n & 0xff) !== 0) return cfail('BAD_BASE64', 'non-canonical padding bits');
    out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return ok(out);
}

export const toHexUpper = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();

export const fromHex = (hex: string): Uint8Array => {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new Error('programmer error: not hex');
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
};

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Fatal UTF-8 decoding: broken byte sequences are an error, not U+FFFD. */
export function fromUtf8(bytes: Uint8Array): Result<string, CryptoError> {
  try {
    return ok(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return cfail('XML_MALFORMED', 'not valid UTF-8');
  }
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** Unsigned big-endian bytes → decimal string (XAdES `X509SerialNumber` is a positive decimal). */
export function unsignedToDecimal(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n.toString(10);
}

/** A copy as a plain ArrayBuffer-backed view, which Web Crypto's `BufferSource` typing requires. */
export const buf = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

export async function sha256(subtle: SubtleCrypto, bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle.digest('SHA-256', buf(bytes)));
}
