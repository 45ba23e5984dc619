/**
 * Passphrase → key (FORMAT.md §2, SECURITY.md T4, §4). Argon2id per RFC 9106 (version 0x13) with
 * the RFC's second recommended option, 64 MiB / t = 3 / p = 4, and a 16-byte random salt; its
 * 32-byte output is never used directly but only as HKDF-SHA-256 input keying material, one
 * derived key per purpose (the vault's key-encryption key, a backup key, a backup key check).
 *
 * The parameters are stored beside the salt and covered by the associated data of whatever they
 * protect. Stored parameters are bounded — m 19 MiB…1 GiB, t 2…10, p 1…16 — and checked before any
 * KDF work: a file declaring 4 GiB is refused at once instead of freezing the tab, and a header
 * whose `m` was lowered below the floor is refused rather than trusted. There is no fallback to
 * PBKDF2 or to weaker parameters: if Argon2id cannot run, unlocking fails.
 *
 * Argon2id comes from hash-wasm (maintained, WebAssembly, works unchanged in Node, workers and
 * pages). Its WASM modules import nothing, not even memory (SECURITY.md T11; checked in
 * tests/unit/crypto/envelope-wasm.test.ts). hash-wasm's API takes no Argon2 "associated data" (X in
 * RFC 9106 §3.2), which is why binding happens in AES-GCM's additional data instead.
 */
import { ok } from '../result.ts';
import { buf, utf8 } from './encoding.ts';
import { type CryptoResult, cfail } from './errors.ts';

export const ARGON2ID = Object.freeze({
  /** FORMAT.md KDF identifier (one byte in the backup header). Retired numbers are never reused. */
  KDF_ID: 1,
  /** RFC 9106 version number v = 0x13. */
  VERSION: 0x13,
  SALT_BYTES: 16,
  OUTPUT_BYTES: 32,
  /** RFC 9106 §4 second recommended option ("if much less memory is available"): 64 MiB, t=3, p=4. */
  RECOMMENDED: Object.freeze({ memoryKiB: 64 * 1024, iterations: 3, parallelism: 4 }),
  /** 19 MiB / t 2 is the OWASP floor for Argon2id; below it a stored header is refused. */
  MIN_MEMORY_KIB: 19 * 1024,
  MAX_MEMORY_KIB: 1024 * 1024,
  MIN_ITERATIONS: 2,
  MAX_ITERATIONS: 10,
  MIN_PARALLELISM: 1,
  MAX_PARALLELISM: 16,
});

export type KdfParams = {
  readonly alg: 'argon2id';
  readonly version: typeof ARGON2ID.VERSION;
  readonly memoryKiB: number;
  readonly iterations: number;
  readonly parallelism: number;
};

export const RECOMMENDED_KDF: KdfParams = Object.freeze({
  alg: 'argon2id',
  version: ARGON2ID.VERSION,
  ...ARGON2ID.RECOMMENDED,
});

export type CheckedKdfParams = {
  readonly params: KdfParams;
  /** Below 64 MiB or t = 3: still accepted, but the key should be rewrapped with RECOMMENDED_KDF. */
  readonly belowRecommended: boolean;
};

const inRange = (n: unknown, lo: number, hi: number): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= lo && n <= hi;

/** Validates stored or requested parameters; pure and instant, so it always runs before the KDF. */
export function checkKdfParams(input: unknown): CryptoResult<CheckedKdfParams> {
  const p = input as Partial<KdfParams> | null;
  if (typeof p !== 'object' || p === null) return cfail('KDF_PARAMS_REFUSED', 'missing');
  if (p.alg !== 'argon2id' || p.version !== ARGON2ID.VERSION) {
    return cfail('KDF_PARAMS_REFUSED', 'only Argon2id version 0x13');
  }
  if (!inRange(p.memoryKiB, ARGON2ID.MIN_MEMORY_KIB, ARGON2ID.MAX_MEMORY_KIB)) {
    return cfail('KDF_PARAMS_REFUSED', 'memory outside 19 MiB–1 GiB');
  }
  if (!inRange(p.iterations, ARGON2ID.MIN_ITERATIONS, ARGON2ID.MAX_ITERATIONS)) {
    return cfail('KDF_PARAMS_REFUSED', 'iterations outside 2–10');
  }
  if (!inRange(p.parallelism, ARGON2ID.MIN_PARALLELISM, ARGON2ID.MAX_PARALLELISM)) {
    return cfail('KDF_PARAMS_REFUSED', 'parallelism outside 1–16');
  }
  const params: KdfParams = Object.freeze({
    alg: 'argon2id',
    version: ARGON2ID.VERSION,
    memoryKiB: p.memoryKiB,
    iterations: p.iterations,
    parallelism: p.parallelism,
  });
  return ok({
    params,
    belowRecommended:
      params.memoryKiB < ARGON2ID.RECOMMENDED.memoryKiB ||
      params.iterations < ARGON2ID.RECOMMENDED.iterations,
  });
}

/**
 * Parameters for a new wrap of an existing key: never below what it had, never below the
 * recommendation ("stored parameters never silently lowered").
 */
export function strengthenedKdf(current: KdfParams): KdfParams {
  return Object.freeze({
    alg: 'argon2id',
    version: ARGON2ID.VERSION,
    memoryKiB: Math.max(current.memoryKiB, ARGON2ID.RECOMMENDED.memoryKiB),
    iterations: Math.max(current.iterations, ARGON2ID.RECOMMENDED.iterations),
    parallelism: Math.max(current.parallelism, ARGON2ID.RECOMMENDED.parallelism),
  });
}

/**
 * Passphrases are compared as text, not as keystrokes: "zażółć" typed as precomposed or as
 * combining characters (NFC vs NFD, macOS vs Windows input) must give the same key.
 */
export const passphraseBytes = (passphrase: string): Uint8Array => utf8(passphrase.normalize('NFC'));

/**
 * Raw Argon2id: the RFC 9106 function itself (for the known-answer tests). Callers inside the
 * envelope use `deriveRootKeyMaterial`, which turns the output into a non-extractable HKDF key.
 */
export async function argon2idRaw(
  password: Uint8Array,
  salt: Uint8Array,
  params: KdfParams,
  outputBytes: number = ARGON2ID.OUTPUT_BYTES,
): Promise<CryptoResult<Uint8Array>> {
  const checked = checkKdfParamsForKat(params);
  if (!checked.ok) return checked;
  try {
    // Loaded on the first derivation (unlock, create, backup), not with the vault's code: the
    // wallet starts its key worker on every page load for the vault's status alone (issue 10).
    const { argon2id } = await import('hash-wasm');
    const out = await argon2id({
      password,
      salt,
      iterations: params.iterations,
      parallelism: params.parallelism,
      memorySize: params.memoryKiB,
      hashLength: outputBytes,
      outputType: 'binary',
    });
    return ok(out);
  } catch {
    // WebAssembly missing or out of memory: refuse — never fall back to a weaker KDF.
    return cfail('KDF_FAILED', 'Argon2id could not run');
  }
}

/** The known-answer vectors use tiny memory; only the shape is checked here, bounds apply to stored params. */
function checkKdfParamsForKat(p: KdfParams): CryptoResult<true> {
  const shapeOk =
    p?.alg === 'argon2id' &&
    p.version === ARGON2ID.VERSION &&
    inRange(p.memoryKiB, 8 * Math.max(1, p.parallelism), ARGON2ID.MAX_MEMORY_KIB) &&
    inRange(p.iterations, 1, ARGON2ID.MAX_ITERATIONS) &&
    inRange(p.parallelism, 1, ARGON2ID.MAX_PARALLELISM);
  return shapeOk ? ok(true) : cfail('KDF_PARAMS_REFUSED', 'malformed parameters');
}

/**
 * Argon2id(passphrase, salt) imported as a non-extractable HKDF key: the output bytes exist only
 * inside this function (and are overwritten before it returns; JS cannot promise more).
 */
export async function deriveRootKeyMaterial(
  subtle: SubtleCrypto,
  passphrase: string,
  salt: Uint8Array,
  params: KdfParams,
): Promise<CryptoResult<CryptoKey>> {
  const checked = checkKdfParams(params);
  if (!checked.ok) return checked;
  if (!(salt instanceof Uint8Array) || salt.length !== ARGON2ID.SALT_BYTES) {
    return cfail('KDF_PARAMS_REFUSED', 'salt must be 16 bytes');
  }
  const out = await argon2idRaw(passphraseBytes(passphrase), salt, checked.value.params);
  if (!out.ok) return out;
  try {
    return ok(await subtle.importKey('raw', buf(out.value), 'HKDF', false, ['deriveKey', 'deriveBits']));
  } catch {
    return cfail('KDF_FAILED', 'HKDF import');
  } finally {
    out.value.fill(0);
  }
}

/** One key per purpose from the Argon2id output (HKDF-SHA-256, empty salt, `info` = purpose label). */
export async function deriveAesKey(
  subtle: SubtleCrypto,
  ikm: CryptoKey,
  info: string,
  usages: readonly KeyUsage[],
): Promise<CryptoKey> {
  return subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: buf(utf8(info)) },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    [...usages],
  );
}

export async function deriveHmacKey(subtle: SubtleCrypto, ikm: CryptoKey, info: string): Promise<CryptoKey> {
  return subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: buf(utf8(info)) },
    ikm,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
}

export async function deriveCheckBytes(
  subtle: SubtleCrypto,
  ikm: CryptoKey,
  info: string,
  bytes: number,
): Promise<Uint8Array> {
  return new Uint8Array(
    await subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: buf(utf8(info)) },
      ikm,
      bytes * 8,
    ),
  );
}
