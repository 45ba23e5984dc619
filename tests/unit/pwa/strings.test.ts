import { describe, expect, it } from 'vitest';
import { APP_STRINGS } from '../../../pwa/app/strings.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the PWA dictionary', () => {
  it('has the same keys in Polish and English, none empty', () => {
    expect(Object.keys(APP_STRINGS.en).sort()).toEqual(Object.keys(APP_STRINGS.pl).sort());
    for (const l of ['pl', 'en'] as const) {
      for (const [k, v] of Object.entries(APP_STRINGS[l])) expect(v.trim(), `${l}.${k}`).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    for (const k of Object.keys(APP_STRINGS.pl) as (keyof typeof APP_STRINGS.pl)[]) {
      expect(placeholders(APP_STRINGS.en[k]), k).toEqual(placeholders(APP_STRINGS.pl[k]));
    }
  });

  it('carries the Polish login labels KSeF users know, verbatim', () => {
    expect(APP_STRINGS.pl.downloadAuthRequest).toBe('Pobierz żądanie autoryzacyjne');
    expect(APP_STRINGS.pl.loginSignedRequest).toBe('Zaloguj podpisanym żądaniem autoryzacyjnym');
    expect(APP_STRINGS.pl.loginKsefCertificate).toBe('Zaloguj certyfikatem KSeF');
    expect(APP_STRINGS.pl.loginKsefToken).toBe('Zaloguj tokenem KSeF');
  });

  it('carries the English labels of the issue, verbatim', () => {
    const en = APP_STRINGS.en;
    expect([
      en.getStatus,
      en.redeemAccessToken,
      en.getPublicKeyCertificates,
      en.certificateEnrollment,
      en.retrieve,
      en.default,
      en.getTokens,
      en.generateKsefToken,
      en.ksefPermissions,
      en.deactivate,
      en.downloadAuthRequest,
      en.loginSignedRequest,
      en.signWithTestCertificate,
      en.loginKsefCertificate,
      en.loginKsefToken,
      en.moveToCertificate,
    ]).toEqual([
      'Get status',
      'Redeem access token',
      'Get public key certificates',
      'Certificate enrollment',
      'Retrieve',
      'Default',
      'Get tokens',
      'Generate KSeF token',
      'KSeF permissions',
      'Deactivate',
      'Download authorization request',
      'Log in with signed authorization request',
      'Sign with test certificate',
      'Log in with KSeF certificate',
      'Log in with KSeF token',
      'Move to a KSeF certificate',
    ]);
  });
});
