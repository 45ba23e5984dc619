/**
 * The vault envelope's cases of the crypto core suite (shared/crypto/FORMAT.md): run in Node by
 * tests/unit/crypto/core.test.ts and inside headless Chromium by
 * tests/integration/crypto-interop/browser-run.test.ts, through CORE_CASES.
 *
 * Known answers:
 *  - Argon2id: the vectors of the Argon2 reference implementation (the RFC 9106 authors' code,
 *    phc-winner-argon2 `src/test.c`, version 0x13), re-checked with Debian's `argon2` CLI, which is
 *    that reference code (`echo -n password | argon2 somesalt -id -t 2 -m 16 -p 1 -l 32 -r`), plus
 *    the same CLI at our own parameters (64 MiB, t=3, p=4). RFC 9106 §5.3's printed vector uses
 *    Argon2 "associated data", which hash-wasm's API does not take, so it cannot be run here.
 *  - AES-256-GCM: test cases 13, 14 and 16 of McGrew & Viega, "The Galois/Counter Mode of
 *    Operation" (the NIST GCM submission), and one sealed-field vector of our own format computed
 *    independently with python-cryptography (FORMAT.md §4 lists it).
 */
import {
  BACKUP_FORMAT,
  createBackupKey,
  openBackup,
  readBackupHeader,
  sealBackup,
  unlockBackup,
} from '../../../shared/crypto/backup-container.ts';
import { fromHex, toHexUpper } from '../../../shared/crypto/encoding.ts';
import {
  ARGON2ID,
  argon2idRaw,
  checkKdfParams,
  type KdfParams,
  RECOMMENDED_KDF,
} from '../../../shared/crypto/kdf.ts';
import { generateSigningKey, unwrapSigningKey } from '../../../shared/crypto/keys.ts';
import {
  openField,
  openText,
  type RecordBinding,
  recordAad,
  sealField,
  sealText,
} from '../../../shared/crypto/sealed-field.ts';
import { rewrapSigningKey } from '../../../shared/crypto/signing-key-rewrap.ts';
import {
  checkKeyring,
  createKeyring,
  KEYRING_FORMAT,
  rewrapKeyring,
  unlockKeyring,
  type VaultKeyring,
} from '../../../shared/crypto/vault-keyring.ts';
import type { CoreCase } from './core-suite.ts';

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
function equal<T>(actual: T, expected: T, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

const utf8 = (t: string) => new TextEncoder().encode(t);
const hex = (b: Uint8Array) => toHexUpper(b).toLowerCase();
const random = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n));
/** The smallest parameters a stored header may declare: fast enough for many cases per run. */
export const FAST_KDF: KdfParams = Object.freeze({
  alg: 'argon2id',
  version: 0x13,
  memoryKiB: 19 * 1024,
  iterations: 2,
  parallelism: 1,
});
const kdf = (memoryKiB: number, iterations: number, parallelism: number): KdfParams => ({
  alg: 'argon2id',
  version: 0x13,
  memoryKiB,
  iterations,
  parallelism,
});

const VAULT = '6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e';
const RECORD = '0b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e';
const COMPANY = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const BINDING: RecordBinding = Object.freeze({
  vaultId: VAULT,
  table: 'tokens',
  recordId: RECORD,
  field: 'secret',
  companyId: COMPANY,
  environment: 'TEST',
});
const TOKEN = '20251010-EC-1A2B3C4D5E-6F7A8B9C0D-12|nip-5265877635|ąę';

/** Argon2 reference implementation answers (password, salt, t, log2 m, p → 32-byte tag, hex). */
const ARGON2ID_REFERENCE: readonly [string, string, number, number, number, string][] = [
  ['password', 'somesalt', 2, 16, 1, '09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7'],
  ['password', 'somesalt', 2, 8, 1, '9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe'],
  ['password', 'somesalt', 2, 8, 2, '6d093c501fd5999645e0ea3bf620d7b8be7fd2db59c20d9fff9539da2bf57037'],
  ['password', 'somesalt', 1, 16, 1, 'f6a5adc1ba723dddef9b5ac1d464e180fcd9dffc9d1cbf76cca2fed795d9ca98'],
  [
    'differentpassword',
    'somesalt',
    2,
    16,
    1,
    '0b84d652cf6b0c4beaef0dfe278ba6a80df6696281d7e0d2891b817d8c458fde',
  ],
  ['password', 'diffsalt', 2, 16, 1, 'bdf32b05ccc42eb15d58fd19b1f856b113da1e9a5874fdcc544308565aa8141c'],
  // Our parameters (RFC 9106 second recommended option), from the same reference CLI.
  ['password', 'somesalt', 3, 16, 4, '661fefbd6f29bcbc8f4646abc32a9d7a4645bb5c059537f8a5587f31adbecccd'],
];

async function exportRefused(subtle: SubtleCrypto, key: CryptoKey): Promise<boolean> {
  for (const format of ['raw', 'jwk'] as const) {
    try {
      await subtle.exportKey(format, key);
      return false;
    } catch {
      // expected: not extractable
    }
  }
  return !key.extractable;
}

const flip = (bytes: Uint8Array, index: number): Uint8Array => {
  const out = new Uint8Array(bytes);
  out[index] = (out[index] ?? 0) ^ 0x01;
  return out;
};

async function fastKeyring(subtle: SubtleCrypto, passphrase: string) {
  const r = await createKeyring({ subtle, random }, passphrase, VAULT, FAST_KDF);
  check(r.ok, `createKeyring: ${JSON.stringify(!r.ok && r.error)}`);
  return r.value;
}

/** A backup file with its header edited and its header digest recomputed (what a forger does). */
async function forgeHeader(
  subtle: SubtleCrypto,
  file: Uint8Array,
  edit: (v: DataView, h: Uint8Array) => void,
) {
  const out = new Uint8Array(file);
  edit(new DataView(out.buffer), out);
  out.set(new Uint8Array(await subtle.digest('SHA-256', out.slice(0, 72))), 72);
  return out;
}

export const ENVELOPE_CASES: readonly CoreCase[] = [
  {
    name: 'Argon2id gives the reference implementation’s known answers (RFC 9106, v0x13), our 64 MiB/t3/p4 included',
    async run() {
      for (const [password, salt, t, logM, p, expected] of ARGON2ID_REFERENCE) {
        const r = await argon2idRaw(utf8(password), utf8(salt), kdf(2 ** logM, t, p));
        check(r.ok, 'argon2id runs');
        equal(hex(r.value), expected, `Argon2id(${password}, ${salt}, t=${t}, m=2^${logM}, p=${p})`);
      }
    },
  },
  {
    name: 'AES-256-GCM gives the GCM specification’s known answers (test cases 13, 14, 16)',
    async run(subtle) {
      const cases: [string, string, string, string, string][] = [
        ['00'.repeat(32), '00'.repeat(12), '', '', '530f8afbc74536b9a963b4f1c4cb738b'],
        [
          '00'.repeat(32),
          '00'.repeat(12),
          '00'.repeat(16),
          '',
          'cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919',
        ],
        [
          'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308',
          'cafebabefacedbaddecaf888',
          'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
          'feedfacedeadbeeffeedfacedeadbeefabaddad2',
          '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f66276fc6ece0f4e1768cddf8853bb2d551b',
        ],
      ];
      for (const [k, iv, pt, aad, expected] of cases) {
        const key = await subtle.importKey('raw', fromHex(k) as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [
          'encrypt',
        ]);
        const ct = await subtle.encrypt(
          {
            name: 'AES-GCM',
            iv: fromHex(iv) as Uint8Array<ArrayBuffer>,
            additionalData: fromHex(aad) as Uint8Array<ArrayBuffer>,
          },
          key,
          fromHex(pt) as Uint8Array<ArrayBuffer>,
        );
        equal(hex(new Uint8Array(ct)), expected, `GCM vector ${expected.slice(-8)}`);
      }
    },
  },
  {
    name: 'seals a record field in the documented format: version byte, 96-bit IV, ciphertext bound to its record',
    async run(subtle) {
      const key = await subtle.importKey(
        'raw',
        Uint8Array.from({ length: 32 }, (_, i) => i),
        'AES-GCM',
        false,
        ['encrypt', 'decrypt'],
      );
      const fixedIv = (n: number) => Uint8Array.from({ length: n }, (_, i) => 0xa0 + i);
      const sealed = await sealText(subtle, key, BINDING, TOKEN, fixedIv);
      check(sealed.ok, 'seals');
      equal(
        hex(sealed.value),
        '01a0a1a2a3a4a5a6a7a8a9aaabd4284e1874fb338f4f20c4fe363bf29c43ef6d54a7f26f5ada3967be3d923631965b76cdd34c3a4d72a936fe3c42b4ce71287334a655dee7aa669bafa2f5d9105b3f192f3d8282d7',
        'sealed field (FORMAT.md vector, computed with python-cryptography)',
      );
      const aad = recordAad(BINDING);
      check(aad.ok, 'aad');
      equal(
        new TextDecoder().decode(aad.value),
        `ksef-wallet/1/${VAULT}/tokens/${RECORD}/secret/${COMPANY}/TEST`,
        'associated data',
      );
      const back = await openText(subtle, key, BINDING, sealed.value);
      equal(back.ok && back.value, TOKEN, 'opens');
      const a = await sealField(subtle, key, BINDING, utf8('x'), random);
      const b = await sealField(subtle, key, BINDING, utf8('x'), random);
      check(
        a.ok && b.ok && hex(a.value.subarray(1, 13)) !== hex(b.value.subarray(1, 13)),
        'a fresh IV each time',
      );
    },
  },
  {
    name: 'detects a flipped ciphertext bit, a moved ciphertext and an unknown format version',
    async run(subtle) {
      const key = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      const sealed = await sealText(subtle, key, BINDING, TOKEN, random);
      check(sealed.ok, 'seals');
      for (const i of [1, 12, 13, 20, sealed.value.length - 1]) {
        const r = await openField(subtle, key, BINDING, flip(sealed.value, i));
        check(!r.ok && r.error.reason === 'SEALED_FIELD_DAMAGED', `bit flipped at ${i} detected`);
      }
      const moved: Partial<RecordBinding>[] = [
        { recordId: '1b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e' },
        { field: 'refresh-token' },
        { table: 'sessions' },
        { companyId: '4c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f' },
        { environment: 'PRD' },
        { vaultId: '7f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e' },
      ];
      for (const change of moved) {
        const r = await openField(subtle, key, { ...BINDING, ...change }, sealed.value);
        check(!r.ok && r.error.reason === 'SEALED_FIELD_DAMAGED', `moved (${Object.keys(change)}) detected`);
      }
      const other = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      check(!(await openField(subtle, other, BINDING, sealed.value)).ok, 'another key refused');
      const v2 = new Uint8Array(sealed.value);
      v2[0] = 2;
      const r2 = await openField(subtle, key, BINDING, v2);
      check(
        !r2.ok && r2.error.reason === 'SEALED_FIELD_UNSUPPORTED_VERSION',
        'version 2 refused, not guessed',
      );
      const short = await openField(subtle, key, BINDING, sealed.value.subarray(0, 20));
      check(!short.ok && short.error.reason === 'SEALED_FIELD_DAMAGED', 'truncated refused');
      for (const bad of [
        { recordId: '7' },
        { field: 'Secret/x' },
        { environment: 'PRD/x' },
        { table: 'x' },
      ]) {
        const r = await sealField(subtle, key, { ...BINDING, ...bad } as RecordBinding, utf8('x'), random);
        check(!r.ok && r.error.reason === 'RECORD_BINDING_INVALID', `binding ${JSON.stringify(bad)} refused`);
      }
    },
  },
  {
    name: 'bounds stored Argon2id parameters, flags those below 64 MiB/t3 for rewrap, and never offers PBKDF2',
    async run() {
      const ok = checkKdfParams(RECOMMENDED_KDF);
      check(ok.ok && !ok.value.belowRecommended, 'recommended accepted');
      equal(
        [RECOMMENDED_KDF.memoryKiB, RECOMMENDED_KDF.iterations, RECOMMENDED_KDF.parallelism],
        [65536, 3, 4],
        'RFC 9106',
      );
      const low = checkKdfParams(FAST_KDF);
      check(low.ok && low.value.belowRecommended, '19 MiB/t2 accepted but flagged');
      const refused: unknown[] = [
        kdf(19 * 1024 - 1, 3, 4),
        kdf(4 * 1024 * 1024, 3, 4),
        kdf(65536, 1, 4),
        kdf(65536, 11, 4),
        kdf(65536, 3, 0),
        kdf(65536, 3, 17),
        kdf(65536.5, 3, 4),
        { ...RECOMMENDED_KDF, alg: 'pbkdf2' },
        { ...RECOMMENDED_KDF, version: 0x10 },
        null,
      ];
      for (const p of refused) {
        const r = checkKdfParams(p);
        check(!r.ok && r.error.reason === 'KDF_PARAMS_REFUSED', `refuses ${JSON.stringify(p)}`);
      }
    },
  },
  {
    name: 'wraps the data key under the passphrase; unlock gives only non-extractable keys; a wrong passphrase changes nothing',
    async run(subtle) {
      const { keyring, keys } = await fastKeyring(subtle, 'zażółć gęślą jaźń – pięć słów');
      equal(keyring.wrappedRoot.length, KEYRING_FORMAT.WRAPPED_ROOT_BYTES, 'wrapped root size');
      equal(keyring.salt.length, ARGON2ID.SALT_BYTES, '16-byte salt');
      for (const k of [keys.recordKey, keys.logMacKey, keys.approvalMacKey]) {
        check(await exportRefused(subtle, k), `${k.algorithm.name} key is not extractable`);
      }
      const sealed = await sealText(subtle, keys.recordKey, BINDING, TOKEN, random);
      check(sealed.ok, 'seals');
      const again = await unlockKeyring(subtle, keyring, 'zażółć gęślą jaźń – pięć słów');
      check(again.ok, 'unlocks');
      const opened = await openText(subtle, again.value.recordKey, BINDING, sealed.value);
      equal(opened.ok && opened.value, TOKEN, 'the same record key after unlock');
      // The same passphrase typed with combining characters (NFD) is the same passphrase.
      const nfd = await unlockKeyring(subtle, keyring, 'zażółć gęślą jaźń – pięć słów'.normalize('NFD'));
      check(nfd.ok, 'NFD input unlocks');
      const wrong = await unlockKeyring(subtle, keyring, 'zażółć gęślą jaźń – pięć słow');
      check(
        !wrong.ok && wrong.error.reason === 'WRONG_PASSPHRASE' && wrong.error.code === 'WRONG_PASSPHRASE',
        'wrong passphrase',
      );
      check(!JSON.stringify(wrong).includes('gęślą'), 'the passphrase is not in the error');
    },
  },
  {
    name: 'detects a flipped bit in the wrapped key and refuses edited or lowered KDF parameters before deriving',
    async run(subtle) {
      const pass = 'pięć słów dla testu klucza';
      const { keyring } = await fastKeyring(subtle, pass);
      for (const i of [0, 1, 13, 30, KEYRING_FORMAT.WRAPPED_ROOT_BYTES - 1]) {
        const r = await unlockKeyring(
          subtle,
          { ...keyring, wrappedRoot: flip(keyring.wrappedRoot, i) },
          pass,
        );
        check(!r.ok, `flipped bit ${i} detected`);
      }
      // Parameters are covered by the wrap's additional data: raising or lowering them breaks it.
      const edited: VaultKeyring = {
        ...keyring,
        kdf: { ...keyring.kdf, memoryKiB: keyring.kdf.memoryKiB + 1024 },
      };
      const r1 = await unlockKeyring(subtle, edited, pass);
      check(!r1.ok && r1.error.reason === 'WRONG_PASSPHRASE', 'edited m does not unwrap');
      const r2 = await unlockKeyring(subtle, { ...keyring, salt: flip(keyring.salt, 3) }, pass);
      check(!r2.ok, 'edited salt does not unwrap');
      const t0 = Date.now();
      const lowered = await unlockKeyring(
        subtle,
        { ...keyring, kdf: { ...keyring.kdf, memoryKiB: 8 } },
        pass,
      );
      check(!lowered.ok && lowered.error.reason === 'KDF_PARAMS_REFUSED', 'm below the floor refused');
      const huge = await unlockKeyring(
        subtle,
        { ...keyring, kdf: { ...keyring.kdf, memoryKiB: 4 * 1024 * 1024 } },
        pass,
      );
      check(!huge.ok && huge.error.reason === 'KDF_PARAMS_REFUSED', '4 GiB refused');
      // No KDF ran: a 4 GiB Argon2id would take minutes or run out of memory (SECURITY.md T4: < 100 ms).
      check(Date.now() - t0 < 100, 'refused before any key derivation');
      const malformed = checkKeyring({ ...keyring, v: 2 });
      check(!malformed.ok && malformed.error.reason === 'KEYRING_MALFORMED', 'unknown keyring version');
    },
  },
  {
    name: 'changing the passphrase rewraps the same data key with parameters never lowered',
    async run(subtle) {
      const { keyring, keys } = await fastKeyring(subtle, 'stara fraza z pięciu słów');
      const sealed = await sealText(subtle, keys.recordKey, BINDING, TOKEN, random);
      check(sealed.ok, 'seals');
      const wrongOld = await rewrapKeyring(
        { subtle, random },
        keyring,
        'zła fraza',
        'nowa fraza z pięciu słów',
      );
      check(!wrongOld.ok && wrongOld.error.reason === 'WRONG_PASSPHRASE', 'needs the current passphrase');
      const next = await rewrapKeyring(
        { subtle, random },
        keyring,
        'stara fraza z pięciu słów',
        'nowa fraza z pięciu słów',
        FAST_KDF,
      );
      check(next.ok, 'rewraps');
      equal(next.value.vaultId, keyring.vaultId, 'same vault');
      check(hex(next.value.salt) !== hex(keyring.salt), 'fresh salt');
      equal(
        [next.value.kdf.memoryKiB, next.value.kdf.iterations, next.value.kdf.parallelism],
        [65536, 3, 4],
        'raised to the recommendation even when lower ones were asked for',
      );
      check(
        !(await unlockKeyring(subtle, next.value, 'stara fraza z pięciu słów')).ok,
        'old passphrase no longer works',
      );
      const unlocked = await unlockKeyring(subtle, next.value, 'nowa fraza z pięciu słów');
      check(unlocked.ok, 'new passphrase works');
      const opened = await openText(subtle, unlocked.value.recordKey, BINDING, sealed.value);
      equal(opened.ok && opened.value, TOKEN, 'records sealed before still open: only the wrap changed');
    },
  },
  {
    name: 'moves a wrapped signing key between wrapping keys without exposing it, still non-extractable',
    async run(subtle) {
      const a = await fastKeyring(subtle, 'pierwszy klucz pięć słów');
      const b = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
      const aadA = utf8(`ksef-wallet/1/${VAULT}/certificates/${RECORD}/private-key/${COMPANY}/TEST`);
      const aadB = utf8(`ksef-wallet-backup/1/certificates/${RECORD}/private-key`);
      const k = await generateSigningKey(subtle, 'ECDSA-P256', a.keys.recordKey, aadA);
      check(k.ok, 'generated');
      const moved = await rewrapSigningKey(
        subtle,
        k.value.wrapped,
        { key: a.keys.recordKey, aad: aadA },
        { key: b, aad: aadB },
        random,
      );
      check(moved.ok, 'rewrapped');
      const back = await unwrapSigningKey(subtle, b, moved.value, aadB);
      check(
        back.ok && (await exportRefused(subtle, back.value)),
        'unwraps non-extractable under the new key',
      );
      const sig = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, back.value, utf8('x'));
      check(
        await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, k.value.publicKey, sig, utf8('x')),
        'same key pair',
      );
      const wrongAad = await rewrapSigningKey(
        subtle,
        k.value.wrapped,
        { key: a.keys.recordKey, aad: aadB },
        { key: b, aad: aadB },
        random,
      );
      check(!wrongAad.ok && wrongAad.error.reason === 'KEY_UNWRAP_FAILED', 'bound to its record');
    },
  },
  {
    name: 'backup file round-trips under its own passphrase; a wrong passphrase and a flipped bit are told apart',
    async run(subtle) {
      const payload = utf8(JSON.stringify({ companies: [{ name: 'Zażółć Sp. z o.o.' }], secret: TOKEN }));
      const key = await createBackupKey({ subtle, random }, 'kopia zapasowa pięć słów', FAST_KDF);
      check(key.ok, 'backup key');
      check(await exportRefused(subtle, key.value.key), 'backup key not extractable');
      const file = await sealBackup({ subtle, random }, key.value, payload);
      check(file.ok, 'sealed');
      equal(new TextDecoder().decode(file.value.subarray(0, 8)), BACKUP_FORMAT.MAGIC, 'magic');
      equal(file.value.length, BACKUP_FORMAT.HEADER_BYTES + payload.length + 16, 'header + ciphertext + tag');
      check(!new TextDecoder().decode(file.value).includes('Zażółć'), 'no clear text in the file');
      const header = await readBackupHeader(subtle, file.value);
      check(header.ok && header.value.belowRecommended, 'header reads; low parameters reported');
      const wrong = await unlockBackup(subtle, header.value, 'kopia zapasowa pięć słow');
      check(!wrong.ok && wrong.error.reason === 'WRONG_PASSPHRASE', 'wrong passphrase');
      const right = await unlockBackup(subtle, header.value, 'kopia zapasowa pięć słów');
      check(right.ok, 'right passphrase');
      const opened = await openBackup(subtle, header.value, right.value, file.value);
      equal(
        opened.ok && new TextDecoder().decode(opened.value),
        new TextDecoder().decode(payload),
        'payload',
      );
      const flipped = flip(file.value, BACKUP_FORMAT.HEADER_BYTES + 5);
      const h2 = await readBackupHeader(subtle, flipped);
      check(h2.ok, 'the header of a damaged body still reads');
      const damaged = await openBackup(subtle, h2.value, right.value, flipped);
      check(!damaged.ok && damaged.error.reason === 'BACKUP_CORRUPTED', 'flipped body bit detected');
      const again = await createBackupKey({ subtle, random }, 'kopia zapasowa pięć słów', FAST_KDF);
      check(
        again.ok && hex(again.value.salt) !== hex(key.value.salt),
        'every export gets a fresh salt, so a fresh key',
      );
    },
  },
  {
    name: 'refuses foreign, truncated, damaged, newer-version and 4 GiB backup files before any key derivation',
    async run(subtle) {
      const key = await createBackupKey({ subtle, random }, 'kopia zapasowa pięć słów', FAST_KDF);
      check(key.ok, 'backup key');
      const file = await sealBackup({ subtle, random }, key.value, utf8('{"x":1}'));
      check(file.ok, 'sealed');
      const f = file.value;
      const expect = async (bytes: Uint8Array, reason: string, what: string) => {
        const r = await readBackupHeader(subtle, bytes);
        check(
          !r.ok && r.error.reason === reason,
          `${what}: expected ${reason}, got ${JSON.stringify(!r.ok && r.error)}`,
        );
      };
      await expect(utf8('{"companies": []}'), 'BACKUP_FOREIGN', 'JSON file');
      await expect(new Uint8Array(0), 'BACKUP_FOREIGN', 'empty file');
      await expect(utf8('PK\u0003\u0004 zip'), 'BACKUP_FOREIGN', 'zip file');
      await expect(f.subarray(0, 8), 'BACKUP_TRUNCATED', 'magic only');
      await expect(f.subarray(0, 60), 'BACKUP_TRUNCATED', 'half a header');
      await expect(f.subarray(0, f.length - 1), 'BACKUP_TRUNCATED', 'one byte short');
      const longer = new Uint8Array(f.length + 1);
      longer.set(f);
      await expect(longer, 'BACKUP_CORRUPTED', 'trailing byte');
      await expect(flip(f, 30), 'BACKUP_CORRUPTED', 'flipped salt bit');
      const newer = new Uint8Array(f);
      newer[8] = 2;
      await expect(newer, 'BACKUP_NEWER_VERSION', 'format 2');
      const fourGiB = await forgeHeader(subtle, f, (v) => v.setUint32(12, 4 * 1024 * 1024));
      const t0 = Date.now();
      await expect(fourGiB, 'KDF_PARAMS_REFUSED', 'a header declaring 4 GiB');
      // SECURITY.md T4: "a backup declaring 4 GiB → refused in < 100 ms". The refusal comes from the
      // header check, which runs no KDF; a real 4 GiB Argon2id would take minutes, so no flakiness.
      check(Date.now() - t0 < 100, '4 GiB refused at once');
      await expect(
        await forgeHeader(subtle, f, (v) => v.setUint32(12, 8)),
        'KDF_PARAMS_REFUSED',
        'lowered m',
      );
      await expect(await forgeHeader(subtle, f, (v) => v.setUint32(16, 1)), 'KDF_PARAMS_REFUSED', 't = 1');
      await expect(
        await forgeHeader(subtle, f, (_v, h) => (h[9] = 2)),
        'BACKUP_UNSUPPORTED',
        'another KDF id',
      );
      const big = await readBackupHeader(subtle, new Uint8Array(BACKUP_FORMAT.MAX_FILE_BYTES + 1));
      check(!big.ok && big.error.reason === 'BACKUP_TOO_LARGE', 'over 50 MiB refused');
      // A forged header with a valid digest but parameters the file was not sealed with: the AEAD fails.
      const forged = await forgeHeader(subtle, f, (v) => v.setUint32(16, 3));
      const fh = await readBackupHeader(subtle, forged);
      check(fh.ok, 'forged header is well-formed');
      const fk = await unlockBackup(subtle, fh.value, 'kopia zapasowa pięć słów');
      check(!fk.ok && fk.error.reason === 'WRONG_PASSPHRASE', 'other parameters give another key');
    },
  },
];
