import { describe, expect, it } from 'vitest';
import { describeCredential } from '../../../extension/ui/popup/credential-status.ts';
import { EXTENSION_STRINGS } from '../../../extension/ui/strings.ts';
import { createTranslator } from '../../../shared/i18n/translate.ts';

const NOW = Date.UTC(2026, 4, 14, 12, 0, 0);
const DAY = 24 * 60 * 60 * 1000;
const pl = createTranslator(EXTENSION_STRINGS, 'pl');
const en = createTranslator(EXTENSION_STRINGS, 'en');

describe('credential status in the popup', () => {
  it('shows an active default certificate with its end date', () => {
    const d = describeCredential(
      {
        kind: 'ksef-certificate',
        label: 'Główny',
        status: 'active',
        isDefault: true,
        validUntil: NOW + 400 * DAY,
      },
      NOW,
      'pl',
      pl,
    );
    expect(d).toMatchObject({ kind: 'Certyfikat KSeF', status: 'aktywny', tone: 'ok' });
    expect(d.details).toEqual([expect.stringMatching(/^ważny do .*2027/), 'domyślny']);
  });

  it('warns 30 days before the end and reads a past end date as expired', () => {
    const soon = describeCredential(
      { kind: 'ksef-token', label: 'ERP', status: 'active', isDefault: false, validUntil: NOW + 10 * DAY },
      NOW,
      'en',
      en,
    );
    expect(soon).toMatchObject({ kind: 'KSeF token', status: 'active', tone: 'warn' });
    expect(soon.details).toContain('expires in 10 days');
    const past = describeCredential(
      { kind: 'ksef-certificate', label: 'Stary', status: 'active', isDefault: false, validUntil: NOW - DAY },
      NOW,
      'pl',
      pl,
    );
    expect(past).toMatchObject({ status: 'wygasł', tone: 'bad', details: [] });
  });

  it('marks pending as a warning and revoked as bad', () => {
    expect(
      describeCredential(
        { kind: 'ksef-token', label: 'x', status: 'pending', isDefault: false },
        NOW,
        'pl',
        pl,
      ).tone,
    ).toBe('warn');
    expect(
      describeCredential(
        { kind: 'ksef-token', label: 'x', status: 'revoked', isDefault: false },
        NOW,
        'pl',
        pl,
      ),
    ).toMatchObject({
      status: 'unieważniony',
      tone: 'bad',
    });
  });

  it('has every popup text in Polish and English', () => {
    expect(Object.keys(EXTENSION_STRINGS.en).sort()).toEqual(Object.keys(EXTENSION_STRINGS.pl).sort());
    for (const v of [...Object.values(EXTENSION_STRINGS.pl), ...Object.values(EXTENSION_STRINGS.en)])
      expect(v.trim()).not.toBe('');
  });
});
