/**
 * What the user reads for an error, Polish by default and English: the flows' own reasons, the
 * signed-file reasons, the vault's reasons and KSeF's codes — with KSeF's own words kept apart, as
 * text beside the message, never inside it.
 */
import { describe, expect, it } from 'vitest';
import { APP_STRINGS } from '../../../pwa/app/strings.ts';
import { describeError } from '../../../pwa/features/errors/describe-error.ts';
import { FLOW_REASONS } from '../../../pwa/flows/flow-api.ts';
import { createTranslator } from '../../../shared/i18n/translate.ts';

const pl = createTranslator(APP_STRINGS, 'pl');
const en = createTranslator(APP_STRINGS, 'en');

describe('error messages', () => {
  it('has a Polish and an English text for every reason of the flows', () => {
    for (const reason of FLOW_REASONS) {
      const p = describeError({ code: 'INVALID_INPUT', reason }, pl, 'pl').message;
      const e = describeError({ code: 'INVALID_INPUT', reason }, en, 'en').message;
      expect(p, reason).not.toMatch(/^reason/);
      expect(e, reason).not.toBe(p);
    }
    expect(
      describeError({ code: 'NOT_ALLOWED', reason: 'NEEDS_SIGNATURE_SESSION' }, pl, 'pl').message,
    ).toContain('sesji zalogowanej podpisem');
  });

  it('uses the vault’s text for the vault’s reasons', () => {
    expect(describeError({ code: 'INVALID_INPUT', reason: 'WRONG_PASSPHRASE' }, pl, 'pl').message).toMatch(
      /hasło/i,
    );
    expect(describeError({ code: 'INVALID_INPUT', reason: 'DUPLICATE' }, en, 'en').message).toContain(
      'already exists',
    );
  });

  it('names a signed file’s problem with the KSeF client’s text', () => {
    const m = describeError(
      { code: 'INVALID_INPUT', reason: 'AUTH_REQUEST_WRONG_CONTEXT' },
      pl,
      'pl',
    ).message;
    expect(m).not.toBe(describeError({ code: 'INVALID_INPUT' }, pl, 'pl').message);
  });

  it('explains a KSeF refusal by its code and keeps KSeF’s own words apart', () => {
    const d = describeError(
      {
        code: 'AUTH_FAILED',
        ksef: {
          httpStatus: 200,
          code: 415,
          description: 'Uwierzytelnianie zakończone niepowodzeniem',
          details: ['Brak przypisanych uprawnień'],
        },
      },
      pl,
      'pl',
    );
    expect(d.message).not.toContain('Brak przypisanych uprawnień');
    expect(d.ksefText).toBe('Uwierzytelnianie zakończone niepowodzeniem — Brak przypisanych uprawnień');
  });
});
