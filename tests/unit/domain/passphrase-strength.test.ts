import { describe, expect, it } from 'vitest';
import {
  checkPassphraseFloor,
  countDicewareWords,
  estimatePassphrase,
  PASSPHRASE_POLICY,
} from '../../../shared/domain/passphrase-strength.ts';

describe('passphrase floor (SECURITY.md §4: ≥ 10^14 guesses or 5 diceware-like words)', () => {
  it('refuses common passwords however many character classes they have', async () => {
    for (const weak of [
      'Password1234!',
      'zaq1@WSX',
      'Qwerty123!',
      'haslo123',
      'Kocham123!',
      'aaaaaaaaaaaaaaaaaaaa',
    ]) {
      const r = await checkPassphraseFloor(weak);
      expect(r.ok, weak).toBe(false);
      expect(!r.ok && r.error.reason).toBe('PASSPHRASE_TOO_WEAK');
    }
  });

  it('refuses 12 random characters (about 10^12 guesses) and a short Polish sentence with a year', async () => {
    expect((await checkPassphraseFloor('xK9#mQ2$vL7!')).ok).toBe(false);
    expect((await estimatePassphrase('xK9#mQ2$vL7!')).guessesLog10).toBeLessThan(
      PASSPHRASE_POLICY.MIN_GUESSES_LOG10,
    );
  });

  it('accepts five diceware-like words and long passphrases', async () => {
    for (const strong of [
      'kot pies dom las rzeka',
      'wiosenny-deszcz-pada-na-dach',
      'Zielona żaba skacze po łące',
    ]) {
      const r = await checkPassphraseFloor(strong);
      expect(r.ok, strong).toBe(true);
      expect(r.ok && r.value.score).toBe(4);
    }
  });

  it('counts words of three or more letters once each', () => {
    expect(countDicewareWords('kot pies dom las rzeka')).toBe(5);
    expect(countDicewareWords('kot kot kot kot kot')).toBe(1);
    expect(countDicewareWords('Ala ma kota i psa')).toBe(3);
    expect(countDicewareWords('Żółw-Łabędź.Źrebię_jeż')).toBe(4);
  });

  it('refuses a passphrase built from the company name the attacker knows', async () => {
    const plain = await estimatePassphrase('Zielonogórska Spółdzielnia 2026');
    const known = await estimatePassphrase('Zielonogórska Spółdzielnia 2026', ['Zielonogórska Spółdzielnia']);
    expect(known.guessesLog10).toBeLessThan(plain.guessesLog10);
  });

  it('explains a weak passphrase in Polish and English', async () => {
    const s = await estimatePassphrase('Password1234!');
    expect(s.meetsFloor).toBe(false);
    expect(s.feedback.warning?.pl).toMatch(/hasł/);
    expect(s.feedback.warning?.en).toMatch(/password/i);
  });

  it('refuses empty, non-string and overlong input without estimating', async () => {
    expect(await checkPassphraseFloor('')).toMatchObject({
      ok: false,
      error: { reason: 'PASSPHRASE_TOO_WEAK' },
    });
    expect(await checkPassphraseFloor(42)).toMatchObject({
      ok: false,
      error: { reason: 'PASSPHRASE_TOO_WEAK' },
    });
    const long = await checkPassphraseFloor('słowo '.repeat(200));
    expect(long).toMatchObject({ ok: false, error: { reason: 'PASSPHRASE_TOO_LONG' } });
  });
});
