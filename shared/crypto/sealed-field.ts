/**
 * One encrypted field of one vault record (FORMAT.md §4): AES-256-GCM under the vault's record key,
 * a fresh random 96-bit IV per encryption, a format version byte in front, and additional data that
 * binds the ciphertext to exactly where it belongs — format version, vault, table, record UUID,
 * field, company and KSeF environment (SECURITY.md §3.5). The clear metadata beside it is
 * unauthenticated, so a ciphertext copied into another row, another company or another environment
 * (say a PRD token secret moved under a TEST company, T6) no longer opens.
 *
 *   sealed = version (1 byte, 0x01) ‖ IV (12 bytes) ‖ AES-GCM ciphertext ‖ tag (16 bytes)
 *   AAD    = UTF-8 "ksef-wallet/<version>/<vault>/<table>/<record>/<field>/<company>/<environment>"
 *
 * Every component is checked against a pattern without "/", so the AAD string is unambiguous.
 * `openField` switches on the version byte; an unknown version is refused, never guessed.
 */
import { ok } from '../result.ts';
import { buf, utf8 } from './encoding.ts';
import { type CryptoResult, cfail } from './errors.ts';

export const SEALED_FIELD = Object.freeze({
  /** Retired numbers are never reused. */
  VERSION_AES_256_GCM: 1,
  IV_BYTES: 12,
  TAG_BYTES: 16,
  /** A sealed field is at most this big (a certificate chain or a CSR is the largest thing sealed). */
  MAX_PLAINTEXT_BYTES: 1024 * 1024,
});

/** Tables whose rows carry sealed fields, and the fields that may be sealed. */
export const SEALED_TABLES = Object.freeze([
  'certificates',
  'tokens',
  'sessions',
  'pending',
  'meta',
] as const);
export type SealedTable = (typeof SEALED_TABLES)[number];

export type RecordBinding = {
  readonly vaultId: string;
  readonly table: SealedTable;
  readonly recordId: string;
  /** lower-case kebab-case field name, e.g. "secret", "refresh-token", "private-key". */
  readonly field: string;
  /** The owning company's UUID, or "-" for vault-wide records (the activity-log head). */
  readonly companyId: string;
  /** KSeF environment id (TEST, DEMO, PRD, custom:<name>), or "-" for vault-wide records. */
  readonly environment: string;
};

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const FIELD = /^[a-z][a-z0-9-]{0,39}$/;
const ENVIRONMENT = /^(?:TEST|DEMO|PRD|custom:[a-z0-9][a-z0-9-]{0,31}|-)$/;

/** The AAD bytes for a binding, or an error naming the malformed component. */
export function recordAad(
  b: RecordBinding,
  version: number = SEALED_FIELD.VERSION_AES_256_GCM,
): CryptoResult<Uint8Array> {
  if (!UUID_PATTERN.test(b?.vaultId ?? '')) return cfail('RECORD_BINDING_INVALID', 'vault');
  if (!(SEALED_TABLES as readonly string[]).includes(b.table))
    return cfail('RECORD_BINDING_INVALID', 'table');
  if (!UUID_PATTERN.test(b.recordId ?? '')) return cfail('RECORD_BINDING_INVALID', 'record');
  if (!FIELD.test(b.field ?? '')) return cfail('RECORD_BINDING_INVALID', 'field');
  if (b.companyId !== '-' && !UUID_PATTERN.test(b.companyId ?? ''))
    return cfail('RECORD_BINDING_INVALID', 'company');
  if (!ENVIRONMENT.test(b.environment ?? '')) return cfail('RECORD_BINDING_INVALID', 'environment');
  return ok(
    utf8(
      `ksef-wallet/${version}/${b.vaultId}/${b.table}/${b.recordId}/${b.field}/${b.companyId}/${b.environment}`,
    ),
  );
}

const isRecordKey = (key: CryptoKey, usage: KeyUsage) => {
  const a = key?.algorithm as AesKeyAlgorithm | undefined;
  return a?.name === 'AES-GCM' && a.length === 256 && key.usages.includes(usage);
};

/** Seals bytes for one field of one record. */
export async function sealField(
  subtle: SubtleCrypto,
  recordKey: CryptoKey,
  binding: RecordBinding,
  plaintext: Uint8Array,
  random: (n: number) => Uint8Array,
): Promise<CryptoResult<Uint8Array>> {
  if (!isRecordKey(recordKey, 'encrypt')) return cfail('RECORD_BINDING_INVALID', 'record key');
  if (!(plaintext instanceof Uint8Array) || plaintext.length > SEALED_FIELD.MAX_PLAINTEXT_BYTES) {
    return cfail('INPUT_TOO_LARGE', 'field too large');
  }
  const aad = recordAad(binding);
  if (!aad.ok) return aad;
  const iv = random(SEALED_FIELD.IV_BYTES);
  if (!(iv instanceof Uint8Array) || iv.length !== SEALED_FIELD.IV_BYTES) {
    throw new Error('programmer error: random() must return the requested number of bytes');
  }
  const ct = new Uint8Array(
    await subtle.encrypt(
      { name: 'AES-GCM', iv: buf(iv), additionalData: buf(aad.value), tagLength: SEALED_FIELD.TAG_BYTES * 8 },
      recordKey,
      buf(plaintext),
    ),
  );
  const out = new Uint8Array(1 + iv.length + ct.length);
  out[0] = SEALED_FIELD.VERSION_AES_256_GCM;
  out.set(iv, 1);
  out.set(ct, 1 + iv.length);
  return ok(out);
}

/** Opens a sealed field; a wrong key, another record's ciphertext or any flipped bit is an error. */
export async function openField(
  subtle: SubtleCrypto,
  recordKey: CryptoKey,
  binding: RecordBinding,
  sealed: Uint8Array,
): Promise<CryptoResult<Uint8Array>> {
  if (!(sealed instanceof Uint8Array) || sealed.length < 1) return cfail('SEALED_FIELD_DAMAGED', 'empty');
  const version = sealed[0];
  if (version !== SEALED_FIELD.VERSION_AES_256_GCM) {
    return cfail('SEALED_FIELD_UNSUPPORTED_VERSION', `version ${version}`);
  }
  if (sealed.length < 1 + SEALED_FIELD.IV_BYTES + SEALED_FIELD.TAG_BYTES) {
    return cfail('SEALED_FIELD_DAMAGED', 'truncated');
  }
  if (!isRecordKey(recordKey, 'decrypt')) return cfail('RECORD_BINDING_INVALID', 'record key');
  const aad = recordAad(binding, version);
  if (!aad.ok) return aad;
  try {
    const pt = await subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: buf(sealed.subarray(1, 1 + SEALED_FIELD.IV_BYTES)),
        additionalData: buf(aad.value),
        tagLength: SEALED_FIELD.TAG_BYTES * 8,
      },
      recordKey,
      buf(sealed.subarray(1 + SEALED_FIELD.IV_BYTES)),
    );
    return ok(new Uint8Array(pt));
  } catch {
    return cfail('SEALED_FIELD_DAMAGED', 'wrong key, wrong record, or damaged ciphertext');
  }
}

export async function sealText(
  subtle: SubtleCrypto,
  recordKey: CryptoKey,
  binding: RecordBinding,
  text: string,
  random: (n: number) => Uint8Array,
): Promise<CryptoResult<Uint8Array>> {
  return sealField(subtle, recordKey, binding, utf8(text), random);
}

export async function openText(
  subtle: SubtleCrypto,
  recordKey: CryptoKey,
  binding: RecordBinding,
  sealed: Uint8Array,
): Promise<CryptoResult<string>> {
  const r = await openField(subtle, recordKey, binding, sealed);
  if (!r.ok) return r;
  try {
    return ok(new TextDecoder('utf-8', { fatal: true }).decode(r.value));
  } catch {
    return cfail('SEALED_FIELD_DAMAGED', 'not UTF-8');
  } finally {
    r.value.fill(0);
  }
}
