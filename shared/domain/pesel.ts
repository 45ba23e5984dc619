/**
 * PESEL, the Polish personal number: eleven digits YYMMDDZZZXQ. KSeF's `Pesel` pattern
 * (REFERENCE.md §2.3) checks the month with its century offset; the wallet also checks the calendar
 * date and the checksum, so a mistyped PESEL (in a test certificate subject, a token author filter)
 * is caught before KSeF sees it.
 *
 * The month carries the century: +80 for 1800–1899, +0 for 1900–1999, +20 for 2000–2099, +40 for
 * 2100–2199, +60 for 2200–2299. Checksum: digits weighted 1, 3, 7, 9, 1, 3, 7, 9, 1, 3, sum modulo 10,
 * the control digit is (10 − that) modulo 10.
 */
import { ok, type Result } from '../result.ts';
import { type DomainError, domainFail } from './errors.ts';

export const PESEL_WEIGHTS = Object.freeze([1, 3, 7, 9, 1, 3, 7, 9, 1, 3] as const);
/** KSeF's `Pesel` pattern. */
export const PESEL_PATTERN =
  /^\d{2}(?:0[1-9]|1[0-2]|2[1-9]|3[0-2]|4[1-9]|5[0-2]|6[1-9]|7[0-2]|8[1-9]|9[0-2])\d{7}$/;

const CENTURY_BY_OFFSET: Readonly<Record<number, number>> = Object.freeze({
  80: 1800,
  0: 1900,
  20: 2000,
  40: 2100,
  60: 2200,
});

export type PeselCheck = 'ok' | 'not-eleven-digits' | 'pattern' | 'date' | 'checksum';

export function peselChecksumDigit(firstTen: string): number | null {
  if (!/^\d{10}$/.test(firstTen)) return null;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(firstTen[i]) * PESEL_WEIGHTS[i]!;
  return (10 - (sum % 10)) % 10;
}

/** The birth date a PESEL encodes (UTC midnight), or null when it is not a calendar date. */
export function peselBirthDate(pesel: string): { year: number; month: number; day: number } | null {
  if (!/^\d{6}/.test(pesel)) return null;
  const yy = Number(pesel.slice(0, 2));
  const mm = Number(pesel.slice(2, 4));
  const dd = Number(pesel.slice(4, 6));
  const offset = Math.floor(mm / 20) * 20;
  const century = CENTURY_BY_OFFSET[offset];
  if (century === undefined) return null;
  const year = century + yy;
  const month = mm - offset;
  if (month < 1 || month > 12) return null;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (dd < 1 || dd > last) return null;
  return { year, month, day: dd };
}

export function checkPesel(pesel: string): PeselCheck {
  if (!/^\d{11}$/.test(pesel)) return 'not-eleven-digits';
  if (!PESEL_PATTERN.test(pesel)) return 'pattern';
  if (!peselBirthDate(pesel)) return 'date';
  return peselChecksumDigit(pesel.slice(0, 10)) === Number(pesel[10]) ? 'ok' : 'checksum';
}

export const isValidPesel = (pesel: unknown): pesel is string =>
  typeof pesel === 'string' && checkPesel(pesel) === 'ok';

export function parsePesel(input: unknown): Result<string, DomainError> {
  if (typeof input !== 'string') return domainFail('PESEL_INVALID', 'not a string');
  const pesel = input.trim().replace(/\s/g, '');
  const check = checkPesel(pesel);
  if (check === 'ok') return ok(pesel);
  return domainFail(check === 'checksum' ? 'PESEL_CHECKSUM' : 'PESEL_INVALID', check);
}
