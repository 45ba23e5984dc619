/**
 * The encrypted backup file (FORMAT.md §5, SECURITY.md §3.7): a fixed 104-byte header, then one
 * AES-256-GCM ciphertext of the payload. The key is derived from the backup's own passphrase with
 * Argon2id and a fresh salt — never the vault's data key, so a one-company export cannot open the
 * rest of the vault — and the whole header is the additional data, so no header byte can be changed
 * without the file failing to open.
 *
 *   off len field
 *     0   8 magic "KSEFWBAK"
 *     8   1 format version (1)
 *     9   1 KDF id (1 = Argon2id)
 *    10   1 Argon2 version (0x13)
 *    11   1 reserved, 0
 *    12   4 memory KiB     (uint32 big-endian)
 *    16   4 iterations     (uint32 big-endian)
 *    20   4 parallelism    (uint32 big-endian)
 *    24  16 salt
 *    40  16 key check: HKDF(Argon2id output, "ksef-wallet-backup/1/check"), tells a wrong
 *           passphrase apart from a damaged file without weakening anything (the GCM tag is an
 *           equally good passphrase test)
 *    56  12 nonce
 *    68   4 ciphertext length, tag included (uint32 big-endian)
 *    72  32 SHA-256 of bytes 0–71: a damaged header is reported before the slow KDF
 *   104   … ciphertext ‖ 16-byte tag
 *
 * Everything a hostile file could use to waste time or memory is checked first, in this order and
 * without any KDF work: size cap (50 MiB), magic, version, length, header digest, KDF id, KDF bounds
 * (a header declaring 4 GiB is refused at once), exact total length.
 */
import { ok } from '../result.ts';
import { buf, bytesEqual, sha256, utf8 } from './encoding.ts';
import { type CryptoResult, cfail } from './errors.ts';
import {
  ARGON2ID,
  checkKdfParams,
  deriveAesKey,
  deriveCheckBytes,
  deriveRootKeyMaterial,
  type KdfParams,
  RECOMMENDED_KDF,
} from './kdf.ts';
import type { EnvelopeDeps } from './vault-keyring.ts';

export const BACKUP_FORMAT = Object.freeze({
  MAGIC: 'KSEFWBAK',
  VERSION: 1,
  HEADER_BYTES: 104,
  NONCE_BYTES: 12,
  CHECK_BYTES: 16,
  TAG_BYTES: 16,
  /** SECURITY.md §4 caps. */
  MAX_FILE_BYTES: 50 * 1024 * 1024,
});

export type BackupHeader = {
  readonly version: 1;
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
  readonly check: Uint8Array;
  readonly nonce: Uint8Array;
  readonly ciphertextBytes: number;
  /** The raw header bytes (the AEAD additional data). */
  readonly bytes: Uint8Array;
  /** Below the recommendation: still opened (old backups must restore), reported to the user. */
  readonly belowRecommended: boolean;
};

/** A backup key: non-extractable, usable for the payload and for wrapping signing keys inside it. */
export type BackupKey = {
  readonly key: CryptoKey;
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
  readonly check: Uint8Array;
};

const MAGIC_BYTES = utf8(BACKUP_FORMAT.MAGIC);
const CHECK_INFO = 'ksef-wallet-backup/1/check';
const KEY_INFO = 'ksef-wallet-backup/1/key';

async function keyFromPassphrase(
  subtle: SubtleCrypto,
  passphrase: string,
  kdf: KdfParams,
  salt: Uint8Array,
): Promise<CryptoResult<{ key: CryptoKey; check: Uint8Array }>> {
  const ikm = await deriveRootKeyMaterial(subtle, passphrase, salt, kdf);
  if (!ikm.ok) return ikm;
  const [key, check] = await Promise.all([
    deriveAesKey(subtle, ikm.value, KEY_INFO, ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']),
    deriveCheckBytes(subtle, ikm.value, CHECK_INFO, BACKUP_FORMAT.CHECK_BYTES),
  ]);
  return ok({ key, check });
}

/** A fresh backup key (fresh salt) from the backup's passphrase. */
export async function createBackupKey(
  deps: EnvelopeDeps,
  passphrase: string,
  kdf: KdfParams = RECOMMENDED_KDF,
): Promise<CryptoResult<BackupKey>> {
  const checked = checkKdfParams(kdf);
  if (!checked.ok) return checked;
  const salt = new Uint8Array(deps.random(ARGON2ID.SALT_BYTES));
  const k = await keyFromPassphrase(deps.subtle, passphrase, checked.value.params, salt);
  if (!k.ok) return k;
  return ok({ key: k.value.key, kdf: checked.value.params, salt, check: k.value.check });
}

function writeHeader(k: BackupKey, nonce: Uint8Array, ciphertextBytes: number): Uint8Array {
  const h = new Uint8Array(BACKUP_FORMAT.HEADER_BYTES);
  const v = new DataView(h.buffer);
  h.set(MAGIC_BYTES, 0);
  h[8] = BACKUP_FORMAT.VERSION;
  h[9] = ARGON2ID.KDF_ID;
  h[10] = ARGON2ID.VERSION;
  h[11] = 0;
  v.setUint32(12, k.kdf.memoryKiB);
  v.setUint32(16, k.kdf.iterations);
  v.setUint32(20, k.kdf.parallelism);
  h.set(k.salt, 24);
  h.set(k.check, 40);
  h.set(nonce, 56);
  v.setUint32(68, ciphertextBytes);
  return h;
}

/** Encrypts the payload into a complete backup file. */
export async function sealBackup(
  deps: EnvelopeDeps,
  backupKey: BackupKey,
  payload: Uint8Array,
): Promise<CryptoResult<Uint8Array>> {
  const ciphertextBytes = payload.length + BACKUP_FORMAT.TAG_BYTES;
  if (BACKUP_FORMAT.HEADER_BYTES + ciphertextBytes > BACKUP_FORMAT.MAX_FILE_BYTES) {
    return cfail('BACKUP_TOO_LARGE', 'over 50 MiB');
  }
  const nonce = new Uint8Array(deps.random(BACKUP_FORMAT.NONCE_BYTES));
  const header = writeHeader(backupKey, nonce, ciphertextBytes);
  header.set(await sha256(deps.subtle, header.subarray(0, 72)), 72);
  const ct = new Uint8Array(
    await deps.subtle.encrypt(
      {
        name: 'AES-GCM',
        iv: buf(nonce),
        additionalData: buf(header),
        tagLength: BACKUP_FORMAT.TAG_BYTES * 8,
      },
      backupKey.key,
      buf(payload),
    ),
  );
  const file = new Uint8Array(header.length + ct.length);
  file.set(header, 0);
  file.set(ct, header.length);
  return ok(file);
}

/**
 * Reads and checks the header — every check that needs no passphrase, all of them fast. A file
 * that passes may still have the wrong passphrase or a damaged body; `unlockBackup` and
 * `openBackup` tell those apart.
 */
export async function readBackupHeader(
  subtle: SubtleCrypto,
  file: Uint8Array,
): Promise<CryptoResult<BackupHeader>> {
  if (!(file instanceof Uint8Array)) return cfail('BACKUP_FOREIGN', 'not bytes');
  if (file.length > BACKUP_FORMAT.MAX_FILE_BYTES) return cfail('BACKUP_TOO_LARGE', 'over 50 MiB');
  if (file.length < MAGIC_BYTES.length || !bytesEqual(file.subarray(0, MAGIC_BYTES.length), MAGIC_BYTES)) {
    return cfail('BACKUP_FOREIGN', 'not a KSeF Wallet backup');
  }
  if (file.length < 9) return cfail('BACKUP_TRUNCATED', 'ends inside the header');
  const version = file[8]!;
  if (version > BACKUP_FORMAT.VERSION) return cfail('BACKUP_NEWER_VERSION', `format ${version}`);
  if (version !== BACKUP_FORMAT.VERSION) return cfail('BACKUP_UNSUPPORTED', `format ${version}`);
  if (file.length < BACKUP_FORMAT.HEADER_BYTES) return cfail('BACKUP_TRUNCATED', 'ends inside the header');
  const bytes = file.slice(0, BACKUP_FORMAT.HEADER_BYTES);
  if (!bytesEqual(await sha256(subtle, bytes.subarray(0, 72)), bytes.subarray(72, 104))) {
    return cfail('BACKUP_CORRUPTED', 'header damaged');
  }
  if (bytes[9] !== ARGON2ID.KDF_ID || bytes[10] !== ARGON2ID.VERSION || bytes[11] !== 0) {
    return cfail('BACKUP_UNSUPPORTED', 'unknown key derivation');
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kdf = checkKdfParams({
    alg: 'argon2id',
    version: ARGON2ID.VERSION,
    memoryKiB: v.getUint32(12),
    iterations: v.getUint32(16),
    parallelism: v.getUint32(20),
  });
  if (!kdf.ok) return kdf;
  const ciphertextBytes = v.getUint32(68);
  if (ciphertextBytes < BACKUP_FORMAT.TAG_BYTES) return cfail('BACKUP_CORRUPTED', 'no ciphertext');
  const expected = BACKUP_FORMAT.HEADER_BYTES + ciphertextBytes;
  if (file.length < expected) return cfail('BACKUP_TRUNCATED', 'ends inside the data');
  if (file.length > expected) return cfail('BACKUP_CORRUPTED', 'extra bytes after the data');
  return ok({
    version: 1,
    kdf: kdf.value.params,
    salt: bytes.slice(24, 40),
    check: bytes.slice(40, 56),
    nonce: bytes.slice(56, 68),
    ciphertextBytes,
    bytes,
    belowRecommended: kdf.value.belowRecommended,
  });
}

/** Derives the backup key from its passphrase; a wrong passphrase is `WRONG_PASSPHRASE`. */
export async function unlockBackup(
  subtle: SubtleCrypto,
  header: BackupHeader,
  passphrase: string,
): Promise<CryptoResult<BackupKey>> {
  const k = await keyFromPassphrase(subtle, passphrase, header.kdf, header.salt);
  if (!k.ok) return k;
  if (!bytesEqual(k.value.check, header.check)) return cfail('WRONG_PASSPHRASE');
  return ok({ key: k.value.key, kdf: header.kdf, salt: header.salt, check: header.check });
}

/** Decrypts the payload; with the right passphrase, a failure means the file was damaged or edited. */
export async function openBackup(
  subtle: SubtleCrypto,
  header: BackupHeader,
  backupKey: BackupKey,
  file: Uint8Array,
): Promise<CryptoResult<Uint8Array>> {
  try {
    const pt = await subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: buf(header.nonce),
        additionalData: buf(header.bytes),
        tagLength: BACKUP_FORMAT.TAG_BYTES * 8,
      },
      backupKey.key,
      buf(file.subarray(BACKUP_FORMAT.HEADER_BYTES)),
    );
    return ok(new Uint8Array(pt));
  } catch {
    return cfail('BACKUP_CORRUPTED', 'the data does not match its header');
  }
}
