/**
 * The public keys KSeF publishes for encrypting KSeF tokens and symmetric keys (REFERENCE §9, §10):
 * RSA-2048 keys with certificates issued by the sandbox CA, identified exactly as documented —
 * `certificateId` = Base64(SHA-256(certificate DER)), `publicKeyId` = Base64(SHA-256(SPKI DER)).
 * Only RSA-OAEP with SHA-256 and MGF1-SHA-256 and an empty label is accepted (§9.1, §9.2).
 */
import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  generateKeyPairSync,
  type KeyObject,
  privateDecrypt,
} from 'node:crypto';
import { promisify } from 'node:util';
import { DAY_MS, HOUR_MS } from '../domain/time.ts';
import {
  type Authority,
  encryptionCertificateSubject,
  issueCertificate,
  KEY_USAGE,
  newSerial,
  publicKeyInfoFromSpki,
} from './authority.ts';

export const KEY_USAGES = Object.freeze(['KsefTokenEncryption', 'SymmetricKeyEncryption'] as const);
export type KeyUsageName = (typeof KEY_USAGES)[number];

export type EncryptionKey = {
  readonly publicKeyId: string;
  readonly certificateId: string;
  readonly certificateDer: Uint8Array;
  readonly privateKey: KeyObject;
  readonly usage: readonly KeyUsageName[];
  readonly validFrom: number;
  readonly validTo: number;
  withdrawn: boolean;
};

export type StoredEncryptionKey = {
  certificate: string;
  privateKeyPkcs8: string;
  usage: KeyUsageName[];
  validFrom: number;
  validTo: number;
  withdrawn: boolean;
};

const generateKeyPairAsync = promisify(generateKeyPair);

const sha256Base64 = (data: Uint8Array) => createHash('sha256').update(data).digest('base64');

/** Synchronous (the control API's rotation is synchronous in the contract). */
export function createEncryptionKey(
  ca: Authority,
  usage: KeyUsageName,
  validFrom: number,
  index: number,
): EncryptionKey {
  return certifyEncryptionKey(
    ca,
    generateKeyPairSync('rsa', { modulusLength: 2048 }),
    usage,
    validFrom,
    index,
  );
}

/** The same, with the RSA key generated on libuv's thread pool: start-up makes several at once. */
export async function createEncryptionKeyAsync(
  ca: Authority,
  usage: KeyUsageName,
  validFrom: number,
  index: number,
): Promise<EncryptionKey> {
  const pair = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  return certifyEncryptionKey(ca, pair, usage, validFrom, index);
}

function certifyEncryptionKey(
  ca: Authority,
  { publicKey, privateKey }: { publicKey: KeyObject; privateKey: KeyObject },
  usage: KeyUsageName,
  validFrom: number,
  index: number,
): EncryptionKey {
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const validTo = validFrom + 2 * 365 * DAY_MS;
  const certificateDer = issueCertificate(ca, {
    subject: encryptionCertificateSubject(usage, index),
    publicKeyInfo: publicKeyInfoFromSpki(spki),
    serial: newSerial(),
    // Valid a little before it is listed, like KSeF's own (clock skew between client and server).
    notBefore: validFrom - HOUR_MS,
    notAfter: validTo,
    keyUsage: KEY_USAGE.keyEncipherment | KEY_USAGE.dataEncipherment,
  });
  return {
    publicKeyId: sha256Base64(spki),
    certificateId: sha256Base64(certificateDer),
    certificateDer,
    privateKey,
    usage: [usage],
    validFrom,
    validTo,
    withdrawn: false,
  };
}

export function exportEncryptionKey(key: EncryptionKey): StoredEncryptionKey {
  return {
    certificate: Buffer.from(key.certificateDer).toString('base64'),
    privateKeyPkcs8: key.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    usage: [...key.usage],
    validFrom: key.validFrom,
    validTo: key.validTo,
    withdrawn: key.withdrawn,
  };
}

export function importEncryptionKey(stored: StoredEncryptionKey): EncryptionKey {
  const privateKey = createPrivateKey({
    key: Buffer.from(stored.privateKeyPkcs8, 'base64'),
    format: 'der',
    type: 'pkcs8',
  });
  const certificateDer = new Uint8Array(Buffer.from(stored.certificate, 'base64'));
  const spki = new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
  return {
    publicKeyId: sha256Base64(spki),
    certificateId: sha256Base64(certificateDer),
    certificateDer,
    privateKey,
    usage: [...stored.usage],
    validFrom: stored.validFrom,
    validTo: stored.validTo,
    withdrawn: stored.withdrawn,
  };
}

/** RSA-OAEP-SHA256 decryption; null when the ciphertext does not decrypt under this key. */
export function decryptWithKey(key: EncryptionKey, ciphertext: Uint8Array): Uint8Array | null {
  try {
    return new Uint8Array(
      privateDecrypt(
        { key: key.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        ciphertext,
      ),
    );
  } catch {
    return null;
  }
}
