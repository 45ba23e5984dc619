/**
 * KSeF reference numbers and challenges: `YYYYMMDD-TT-HHHHHHHHHH-HHHHHHHHHH-CC` (36 characters).
 * `CC` is a CRC-8 (polynomial 0x07, initial value 0x00, uppercase hex) over the first 33 characters,
 * hyphens included — the checksum KSeF documents for invoice numbers and that every sampled
 * reference number and challenge carries (REFERENCE §2.2, verified on 11 real values).
 */
import { randomBytes } from 'node:crypto';

/** Type codes seen in KSeF examples (REFERENCE §2.2). */
export const REFERENCE_TYPES = Object.freeze({
  challenge: 'CR',
  authentication: 'AU',
  ksefToken: 'EC',
  enrollment: 'EH',
});
export type ReferenceType = (typeof REFERENCE_TYPES)[keyof typeof REFERENCE_TYPES];

export function crc8(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
    }
  }
  return crc;
}

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

/** Appends the checksum to the 33-character body `YYYYMMDD-TT-HHHHHHHHHH-HHHHHHHHHH`. */
export const withChecksum = (body: string): string => `${body}-${hex2(crc8(body))}`;

export function newReferenceNumber(type: ReferenceType, nowMs: number): string {
  const date = new Date(nowMs).toISOString().slice(0, 10).replaceAll('-', '');
  const random = randomBytes(10).toString('hex').toUpperCase();
  return withChecksum(`${date}-${type}-${random.slice(0, 10)}-${random.slice(10)}`);
}

const SHAPE = /^\d{8}-[A-Z]{2}-[0-9A-F]{10}-[0-9A-F]{10}-[0-9A-F]{2}$/;

/** True for a well-formed number whose checksum matches (used on path parameters). */
export function isReferenceNumber(value: string, type?: ReferenceType): boolean {
  if (!SHAPE.test(value)) return false;
  if (type && value.slice(9, 11) !== type) return false;
  return withChecksum(value.slice(0, 33)) === value;
}
