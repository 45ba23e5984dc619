import { describe, expect, it } from 'vitest';
import { checkNip, isValidNip, nipChecksumDigit, parseNip } from '../../../shared/domain/nip.ts';
import { checkPesel, isValidPesel, parsePesel, peselBirthDate } from '../../../shared/domain/pesel.ts';

describe('NIP', () => {
  it('accepts NIPs whose weighted sum (6,5,7,2,3,4,5,6,7) mod 11 is the last digit', () => {
    // 5265877635: the Ministry of Finance NIP used in KSeF's own examples.
    expect(checkNip('5265877635')).toBe('ok');
    expect(checkNip('1111111111')).toBe('ok');
    expect(nipChecksumDigit('526587763')).toBe(5);
  });

  it('refuses a mistyped digit, a swapped pair and a remainder of 10', () => {
    expect(checkNip('5265877636')).toBe('checksum');
    expect(checkNip('5265877653')).toBe('checksum');
    // 123456789x: 1·6+2·5+3·7+4·2+5·3+6·4+7·5+8·6+9·7 = 230, 230 mod 11 = 10 — never issued.
    expect(nipChecksumDigit('123456789')).toBeNull();
    for (let d = 0; d <= 9; d++) expect(isValidNip(`123456789${d}`)).toBe(false);
  });

  it("refuses what KSeF's pattern refuses: a leading zero, 00 in the second and third digit, wrong length", () => {
    expect(checkNip('0265877635')).toBe('pattern');
    expect(checkNip('5005877635')).toBe('pattern');
    expect(checkNip('526587763')).toBe('not-ten-digits');
    expect(checkNip('52658776355')).toBe('not-ten-digits');
    expect(checkNip('52658776a5')).toBe('not-ten-digits');
  });

  it('normalizes the ways users type a NIP, then validates it', () => {
    for (const typed of ['526-587-76-35', ' 526 587 76 35 ', 'PL5265877635', 'pl 526-58-77-635']) {
      expect(parseNip(typed)).toEqual({ ok: true, value: '5265877635' });
    }
    const bad = parseNip('526-587-76-36');
    expect(!bad.ok && bad.error).toMatchObject({ code: 'INVALID_INPUT', reason: 'NIP_CHECKSUM' });
    const junk = parseNip(5265877635);
    expect(!junk.ok && junk.error.reason).toBe('NIP_INVALID');
  });
});

describe('PESEL', () => {
  it('accepts PESELs with a valid date (century in the month) and checksum (1,3,7,9,…)', () => {
    expect(checkPesel('44051401359')).toBe('ok'); // 14 May 1944
    expect(checkPesel('02070803628')).toBe('ok'); // 8 July 1902
    expect(checkPesel('02270803624')).toBe('ok'); // 8 July 2002 (month + 20)
    expect(peselBirthDate('02270803624')).toEqual({ year: 2002, month: 7, day: 8 });
    expect(peselBirthDate('00222900000')).toEqual({ year: 2000, month: 2, day: 29 });
  });

  it('refuses a wrong checksum, an impossible date and a malformed number', () => {
    expect(checkPesel('44051401358')).toBe('checksum');
    expect(checkPesel('01222900000')).toBe('date'); // 29 February 2001
    expect(checkPesel('44053201359')).toBe('date'); // 32 May
    expect(checkPesel('44130101359')).toBe('pattern'); // month 13
    expect(checkPesel('4405140135')).toBe('not-eleven-digits');
    expect(isValidPesel(44051401359)).toBe(false);
    const r = parsePesel(' 44051401358 ');
    expect(!r.ok && r.error).toMatchObject({ code: 'INVALID_INPUT', reason: 'PESEL_CHECKSUM' });
    expect(parsePesel('4405 1401 359')).toEqual({ ok: true, value: '44051401359' });
  });
});
