/**
 * The vault's keys (FORMAT.md §3, ARCHITECTURE.md "Keys"). A random 256-bit root secret — the
 * "data key" — is wrapped (AES-256-GCM) under a key-encryption key derived from the passphrase with
 * Argon2id; the stored keyring holds the KDF parameters and salt beside the wrapped root, and the
 * wrap's additional data covers the vault id, those parameters and the salt, so none of them can be
 * swapped or lowered without the unwrap failing.
 *
 * At unlock the root is unwrapped straight into a non-extractable HKDF key — its bytes never enter
 * JavaScript — and everything the vault uses is derived from it, one key per purpose:
 *   records       AES-256-GCM  encrypt/decrypt/wrapKey/unwrapKey  (sealed fields, signing keys)
 *   activity-log  HMAC-SHA-256 sign/verify                         (the log's hash chain)
 *   approvals     HMAC-SHA-256 sign/verify                         (origin approvals)
 * All derived keys are non-extractable: a script that reaches them can use but not read them.
 *
 * Changing the passphrase rewraps the same root (nothing else changes, so it is one small atomic
 * write); re-keying makes a new root, after which the vault re-encrypts every record.
 */
import { ok } from '../result.ts';
import { buf, toHexUpper, utf8 } from './encoding.ts';
import { type CryptoResult, cfail } from './errors.ts';
import {
  ARGON2ID,
  checkKdfParams,
  deriveAesKey,
  deriveHmacKey,
  deriveRootKeyMaterial,
  type KdfParams,
  RECOMMENDED_KDF,
} from './kdf.ts';
import { UUID_PATTERN } from './sealed-field.ts';

export const KEYRING_FORMAT = Object.freeze({
  VERSION: 1,
  ROOT_BYTES: 32,
  IV_BYTES: 12,
  TAG_BYTES: 16,
  /** version byte ‖ IV ‖ wrapped 32-byte root ‖ tag */
  WRAPPED_ROOT_BYTES: 1 + 12 + 32 + 16,
});

export type VaultKeyring = {
  readonly v: 1;
  readonly vaultId: string;
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
  readonly wrappedRoot: Uint8Array;
};

/** What an unlocked vault holds: non-extractable keys only. */
export type VaultKeys = {
  readonly vaultId: string;
  readonly recordKey: CryptoKey;
  readonly logMacKey: CryptoKey;
  readonly approvalMacKey: CryptoKey;
};

export type EnvelopeDeps = {
  readonly subtle: SubtleCrypto;
  random(bytes: number): Uint8Array;
};

const kekInfo = (vaultId: string) => `ksef-wallet/1/${vaultId}/keyring/kek`;
const purposeInfo = (vaultId: string, purpose: string) => `ksef-wallet/1/${vaultId}/${purpose}`;

/** Additional data of the root wrap: everything in the keyring except the wrapped bytes. */
export function keyringAad(vaultId: string, kdf: KdfParams, salt: Uint8Array): Uint8Array {
  return utf8(
    `ksef-wallet/${KEYRING_FORMAT.VERSION}/${vaultId}/keyring/root/argon2id/v${kdf.version}` +
      `/m${kdf.memoryKiB}/t${kdf.iterations}/p${kdf.parallelism}/salt${toHexUpper(salt)}`,
  );
}

/** Shape and bounds of a stored keyring, checked before any KDF work. */
export function checkKeyring(
  input: unknown,
): CryptoResult<{ keyring: VaultKeyring; belowRecommended: boolean }> {
  const k = input as Partial<VaultKeyring> | null;
  if (typeof k !== 'object' || k === null || k.v !== KEYRING_FORMAT.VERSION) {
    return cfail('KEYRING_MALFORMED', 'unknown keyring version');
  }
  if (typeof k.vaultId !== 'string' || !UUID_PATTERN.test(k.vaultId))
    return cfail('KEYRING_MALFORMED', 'vault id');
  const kdf = checkKdfParams(k.kdf);
  if (!kdf.ok) return kdf;
  if (!(k.salt instanceof Uint8Array) || k.salt.length !== ARGON2ID.SALT_BYTES) {
    return cfail('KEYRING_MALFORMED', 'salt');
  }
  if (
    !(k.wrappedRoot instanceof Uint8Array) ||
    k.wrappedRoot.length !== KEYRING_FORMAT.WRAPPED_ROOT_BYTES ||
    k.wrappedRoot[0] !== KEYRING_FORMAT.VERSION
  ) {
    return cfail('KEYRING_MALFORMED', 'wrapped root');
  }
  return ok({
    keyring: { v: 1, vaultId: k.vaultId, kdf: kdf.value.params, salt: k.salt, wrappedRoot: k.wrappedRoot },
    belowRecommended: kdf.value.belowRecommended,
  });
}

async function kekFor(
  subtle: SubtleCrypto,
  passphrase: string,
  vaultId: string,
  kdf: KdfParams,
  salt: Uint8Array,
): Promise<CryptoResult<CryptoKey>> {
  const ikm = await deriveRootKeyMaterial(subtle, passphrase, salt, kdf);
  if (!ikm.ok) return ikm;
  return ok(await deriveAesKey(subtle, ikm.value, kekInfo(vaultId), ['wrapKey', 'unwrapKey']));
}

const gcm = (iv: Uint8Array, aad: Uint8Array): AesGcmParams => ({
  name: 'AES-GCM',
  iv: buf(iv),
  additionalData: buf(aad),
  tagLength: KEYRING_FORMAT.TAG_BYTES * 8,
});

async function wrapRoot(
  deps: EnvelopeDeps,
  root: CryptoKey,
  passphrase: string,
  vaultId: string,
  kdf: KdfParams,
): Promise<CryptoResult<VaultKeyring>> {
  const salt = deps.random(ARGON2ID.SALT_BYTES);
  const kek = await kekFor(deps.subtle, passphrase, vaultId, kdf, salt);
  if (!kek.ok) return kek;
  const iv = deps.random(KEYRING_FORMAT.IV_BYTES);
  const wrapped = new Uint8Array(
    await deps.subtle.wrapKey('raw', root, kek.value, gcm(iv, keyringAad(vaultId, kdf, salt))),
  );
  const wrappedRoot = new Uint8Array(KEYRING_FORMAT.WRAPPED_ROOT_BYTES);
  wrappedRoot[0] = KEYRING_FORMAT.VERSION;
  wrappedRoot.set(iv, 1);
  wrappedRoot.set(wrapped, 1 + KEYRING_FORMAT.IV_BYTES);
  return ok({ v: 1, vaultId, kdf, salt: new Uint8Array(salt), wrappedRoot });
}

/** Unwraps the root; `as` decides whether it comes out as the HKDF base (unlock) or for a rewrap. */
async function unwrapRoot(
  subtle: SubtleCrypto,
  keyring: VaultKeyring,
  passphrase: string,
  as: 'hkdf' | 'rewrap',
): Promise<CryptoResult<CryptoKey>> {
  const kek = await kekFor(subtle, passphrase, keyring.vaultId, keyring.kdf, keyring.salt);
  if (!kek.ok) return kek;
  const iv = keyring.wrappedRoot.subarray(1, 1 + KEYRING_FORMAT.IV_BYTES);
  const body = keyring.wrappedRoot.subarray(1 + KEYRING_FORMAT.IV_BYTES);
  const aad = keyringAad(keyring.vaultId, keyring.kdf, keyring.salt);
  try {
    const key =
      as === 'hkdf'
        ? await subtle.unwrapKey('raw', buf(body), kek.value, gcm(iv, aad), 'HKDF', false, [
            'deriveKey',
            'deriveBits',
          ])
        : // Extractable only so that wrapKey can re-wrap it under a new KEK; it never leaves this module.
          await subtle.unwrapKey('raw', buf(body), kek.value, gcm(iv, aad), { name: 'AES-GCM' }, true, [
            'encrypt',
          ]);
    return ok(key);
  } catch {
    // A wrong passphrase and a tampered keyring look the same to AES-GCM; the former is far likelier.
    return cfail('WRONG_PASSPHRASE');
  }
}

async function deriveVaultKeys(subtle: SubtleCrypto, vaultId: string, root: CryptoKey): Promise<VaultKeys> {
  const [recordKey, logMacKey, approvalMacKey] = await Promise.all([
    deriveAesKey(subtle, root, purposeInfo(vaultId, 'records'), [
      'encrypt',
      'decrypt',
      'wrapKey',
      'unwrapKey',
    ]),
    deriveHmacKey(subtle, root, purposeInfo(vaultId, 'activity-log')),
    deriveHmacKey(subtle, root, purposeInfo(vaultId, 'approvals')),
  ]);
  return { vaultId, recordKey, logMacKey, approvalMacKey };
}

async function newRoot(subtle: SubtleCrypto): Promise<CryptoKey> {
  // Generated inside Web Crypto and wrapped at once: the root's bytes are never JS values.
  return subtle.generateKey({ name: 'AES-GCM', length: KEYRING_FORMAT.ROOT_BYTES * 8 }, true, ['encrypt']);
}

/**
 * A new vault (or a re-key): a fresh random root wrapped under the passphrase. Parameters below the
 * recommendation are accepted only when asked for explicitly (tests, very old hardware) and are
 * reported as `belowRecommended` by `checkKeyring`.
 */
export async function createKeyring(
  deps: EnvelopeDeps,
  passphrase: string,
  vaultId: string,
  kdf: KdfParams = RECOMMENDED_KDF,
): Promise<CryptoResult<{ keyring: VaultKeyring; keys: VaultKeys }>> {
  if (!UUID_PATTERN.test(vaultId)) return cfail('KEYRING_MALFORMED', 'vault id');
  const checked = checkKdfParams(kdf);
  if (!checked.ok) return checked;
  const root = await newRoot(deps.subtle);
  const keyring = await wrapRoot(deps, root, passphrase, vaultId, checked.value.params);
  if (!keyring.ok) return keyring;
  // Unlock the keyring just written rather than using `root` directly: what is returned is exactly
  // what a later unlock gives, and a broken wrap is caught now instead of at the next start.
  const keys = await unlockKeyring(deps.subtle, keyring.value, passphrase);
  if (!keys.ok) return cfail('KDF_FAILED', 'the new keyring does not unlock');
  return ok({ keyring: keyring.value, keys: keys.value });
}

/** Unlocks with the passphrase; a wrong passphrase is `WRONG_PASSPHRASE` and changes nothing. */
export async function unlockKeyring(
  subtle: SubtleCrypto,
  stored: unknown,
  passphrase: string,
): Promise<CryptoResult<VaultKeys>> {
  const checked = checkKeyring(stored);
  if (!checked.ok) return checked;
  const root = await unwrapRoot(subtle, checked.value.keyring, passphrase, 'hkdf');
  if (!root.ok) return root;
  return ok(await deriveVaultKeys(subtle, checked.value.keyring.vaultId, root.value));
}

/**
 * Rewraps the same root under a new passphrase (or the same one with stronger parameters). The KDF
 * parameters are never lowered: the new ones are at least the old ones and at least the
 * recommendation. Returns the new keyring only; the caller replaces the stored one in one write.
 */
export async function rewrapKeyring(
  deps: EnvelopeDeps,
  stored: unknown,
  currentPassphrase: string,
  newPassphrase: string,
  kdf?: KdfParams,
): Promise<CryptoResult<VaultKeyring>> {
  const checked = checkKeyring(stored);
  if (!checked.ok) return checked;
  const current = checked.value.keyring;
  const wanted = kdf ?? current.kdf;
  const target = checkKdfParams({
    ...wanted,
    memoryKiB: Math.max(wanted.memoryKiB, current.kdf.memoryKiB, RECOMMENDED_KDF.memoryKiB),
    iterations: Math.max(wanted.iterations, current.kdf.iterations, RECOMMENDED_KDF.iterations),
    parallelism: Math.max(wanted.parallelism, RECOMMENDED_KDF.parallelism),
  });
  if (!target.ok) return target;
  const root = await unwrapRoot(deps.subtle, current, currentPassphrase, 'rewrap');
  if (!root.ok) return root;
  return wrapRoot(deps, root.value, newPassphrase, current.vaultId, target.value.params);
}
