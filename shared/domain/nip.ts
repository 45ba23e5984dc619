/**
 * NIP, the Polish tax identification number: ten digits, the last a checksum. KSeF's schema
 * (`Nip`, REFERENCE.md §2.3) only checks the shape `^[1-9]((\d[1-9])|([1-9]\d))\d{7}$`; the wallet
 * also checks the checksum, because a company added with a mistyped NIP would only fail later, at
 * KSeF, after the user already generated credentials for it.
 *
 * Checksum (Rozporządzenie Ministra Finansów w sprawie NIP): the first nine digits weighted
 * 6, 5, 7, 2, 3, 4, 5, 6, 7, summed, modulo 11, must equal the tenth digit; a remainder of 10 is
 * never issued, so such a number is invalid.
 */
import { ok, type Result } from '../result.ts';
import { type DomainError, domainFail } from './errors.ts';

export const NIP_WEIGHTS = Object.freeze([6, 5, 7, 2, 3, 4, 5, 6, 7] as const);
/** KSeF's `Nip` pattern: no leading zero, and the second and third digits are not both zero. */
export const NIP_PATTERN = /^[1-9]((\d[1-9])|([1-9]\d))\d{7}$/;

/** A NIP as users type it: digits with optional spaces or hyphens ("526-587-76-35"), or a "PL" prefix. */
export function normalizeNip(input: string): string {
  return input.trim().replace(/^PL/i, '').replace(/[\s-]/g, '');
}

export function nipChecksumDigit(firstNine: string): number | null {
  if (!/^\d{9}$/.test(firstNine)) return null;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * NIP_WEIGHTS[i]!;
  const r = sum % 11;
  return r === 10 ? null : r;
}

export type NipCheck = 'ok' | 'not-ten-digits' | 'pattern' | 'checksum';

export function checkNip(nip: string): NipCheck {
  if (!/^\d{10}$/.test(nip)) return 'not-ten-digits';
  if (!NIP_PATTERN.test(nip)) return 'pattern';
  return nipChecksumDigit(nip.slice(0, 9)) === Number(nip[9]) ? 'ok' : 'checksum';
}

export const isValidNip = (nip: unknown): nip is string => typeof nip === 'string' && checkNip(nip) === 'ok';

/** Normalizes then validates; the value is the canonical ten digits. */
export function parseNip(input: unknown): Result<string, DomainError> {
  if (typeof input !== 'string') return domainFail('NIP_INVALID', 'not a string');
  const nip = normalizeNip(input);
  const check = checkNip(nip);
  if (check === 'ok') return ok(nip);
  return domainFail(check === 'checksum' ? 'NIP_CHECKSUM' : 'NIP_INVALID', check);
}
