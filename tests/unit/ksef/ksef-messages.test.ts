import { describe, expect, it } from 'vitest';
import {
  AUTH_STATUS_CODES,
  CLIENT_ERROR_CODES,
  describeKsefError,
  ENROLLMENT_STATUS_CODES,
  FORBIDDEN_REASONS,
  HTTP_KEYS,
  KSEF_ERROR_CODES,
  KSEF_MESSAGES,
  LOGIN_CRYPTO_REASONS,
  messageKeyOf,
  TOKEN_FAILURE_DETAILS,
} from '../../../shared/ksef/ksef-messages.ts';
import { walletError } from '../../../shared/result.ts';

// Every code REFERENCE.md lists for the endpoints in scope (§3.2–§3.9, §3.11), and 9101–9105 as the
// issue names them.
const REFERENCE_CODES = [
  21001, 21111, 21115, 21117, 21217, 21401, 21405, 21406, 9101, 9102, 9103, 9104, 9105, 21301, 21304, 21308,
  21418, 21470, 25001, 25002, 25003, 25004, 25005, 25006, 25007, 25008, 25009, 25010, 25011, 26001, 26002,
  30001,
];
const REFERENCE_AUTH_STATUSES = [415, 425, 450, 460, 470, 480, 500, 550];

describe('the KSeF message dictionary', () => {
  it('has a Polish and an English text for every code REFERENCE.md lists', () => {
    expect([...KSEF_ERROR_CODES].sort()).toEqual([...REFERENCE_CODES].sort());
    expect([...AUTH_STATUS_CODES]).toEqual(REFERENCE_AUTH_STATUSES);
    const keys = [
      ...REFERENCE_CODES.map((c) => `ksef.${c}`),
      ...REFERENCE_AUTH_STATUSES.map((c) => `auth.${c}`),
      ...Object.values(TOKEN_FAILURE_DETAILS).map((d) => `auth.450.${d}`),
      ...ENROLLMENT_STATUS_CODES.map((c) => `enrollment.${c}`),
      ...HTTP_KEYS.map((h) => `http.${h}`),
      ...FORBIDDEN_REASONS.map((r) => `http.403.${r}`),
      ...LOGIN_CRYPTO_REASONS.map((r) => `crypto.${r}`),
      ...CLIENT_ERROR_CODES.map((c) => `error.${c}`),
    ];
    for (const key of keys) {
      const pl = (KSEF_MESSAGES.pl as Record<string, string>)[key];
      const en = (KSEF_MESSAGES.en as Record<string, string>)[key];
      expect(pl, `pl ${key}`).toMatch(/\S{3}/);
      expect(en, `en ${key}`).toMatch(/\S{3}/);
      expect(pl, `${key} is translated`).not.toBe(en);
    }
    expect(Object.keys(KSEF_MESSAGES.pl).sort()).toEqual(Object.keys(KSEF_MESSAGES.en).sort());
  });

  it('covers the 450 details KSeF sends (REFERENCE §4)', () => {
    for (const detail of [
      'Nieprawidłowe wyzwanie autoryzacyjne',
      'Nieprawidłowy token',
      'Nieprawidłowy czas tokena',
      'Token unieważniony',
      'Token nieaktywny',
      'Nieprawidłowe szyfrowanie tokena',
      'Nieprawidłowe kodowanie tokena',
      'Token nie może być użyty w kontekście Nip:5265877635',
    ]) {
      const key = messageKeyOf(
        walletError('AUTH_FAILED', { ksef: { httpStatus: 200, code: 450, details: [detail] } }),
      );
      expect(key, detail).toMatch(/^auth\.450\.\w+$/);
    }
  });

  it('picks the text by KSeF number, then by the 403 reason and HTTP status, then by our code', () => {
    const k = (e: Parameters<typeof messageKeyOf>[0]) => messageKeyOf(e);
    expect(k(walletError('KSEF_REJECTED', { ksef: { httpStatus: 400, code: 21111 } }))).toBe('ksef.21111');
    expect(k(walletError('KSEF_REJECTED', { ksef: { httpStatus: 403, reasonCode: 'ip-not-allowed' } }))).toBe(
      'http.403.ip-not-allowed',
    );
    expect(k(walletError('KSEF_REJECTED', { ksef: { httpStatus: 403, reasonCode: 'novel' } }))).toBe(
      'http.403',
    );
    expect(k(walletError('KSEF_REJECTED', { ksef: { httpStatus: 410 } }))).toBe('http.410');
    expect(k(walletError('KSEF_UNAVAILABLE', { ksef: { httpStatus: 503 } }))).toBe('http.5xx');
    expect(k(walletError('KSEF_REJECTED', { ksef: { httpStatus: 418 } }))).toBe('http.other');
    expect(k(walletError('AUTH_BLOCKED', { ksef: { httpStatus: 200, code: 480 } }))).toBe('auth.480');
    expect(k(walletError('AUTH_FAILED', { ksef: { httpStatus: 200, code: 499 } }))).toBe('auth.other');
    expect(k(walletError('ENROLLMENT_REJECTED', { ksef: { httpStatus: 200, code: 400 } }))).toBe(
      'enrollment.400',
    );
    expect(k({ ...walletError('INVALID_INPUT'), reason: 'AUTH_REQUEST_CHALLENGE_EXPIRED' } as never)).toBe(
      'crypto.AUTH_REQUEST_CHALLENGE_EXPIRED',
    );
    expect(k(walletError('REDEEM_LOST'))).toBe('error.REDEEM_LOST');
  });

  it('fills in the wait of a rate limit, in both languages', () => {
    const e = walletError('RATE_LIMITED', { retryAfterMs: 2500, ksef: { httpStatus: 429 } });
    expect(describeKsefError(e)).toBe('KSeF ogranicza liczbę zapytań. Spróbuj ponownie za 3 s.');
    expect(describeKsefError(e, 'en')).toBe('KSeF limits the number of requests. Try again in 3 s.');
    expect(
      describeKsefError(walletError('LOGIN_BUDGET_EXCEEDED', { retryAfterMs: 600_000 }), 'en'),
    ).toContain('10 min');
  });

  it('never puts placeholders or KSeF text into the message', () => {
    const e = walletError('KSEF_REJECTED', {
      ksef: { httpStatus: 400, code: 21405, description: '<img src=x onerror=alert(1)>', details: ['<b>'] },
    });
    for (const locale of ['pl', 'en'] as const) {
      const text = describeKsefError(e, locale);
      expect(text).not.toContain('<');
      expect(text).not.toMatch(/\{\w+\}/);
    }
  });
});
