import { describe, expect, it } from 'vitest';
import {
  TOKEN_SUNSET_POLICY,
  type TokenSunsetPolicy,
} from '../../../pwa/features/token-sunset/token-sunset-policy.ts';
import {
  daysBetween,
  polishDate,
  tokenSunsetStatus,
} from '../../../pwa/features/token-sunset/token-sunset-status.ts';

const at = (iso: string) => Date.parse(iso);

describe('token sunset under current rules', () => {
  it('counts 36 days left on 25 November 2026', () => {
    expect(tokenSunsetStatus(at('2026-11-25T09:00:00Z'), TOKEN_SUNSET_POLICY)).toEqual({
      kind: 'before',
      daysLeft: 36,
      lastDay: '2026-12-31',
      nextDay: '2027-01-01',
    });
  });

  it('still allows tokens late on 31 December in Poland, with 0 days left', () => {
    // 22:30 UTC is 23:30 in Warsaw (CET, UTC+1).
    expect(tokenSunsetStatus(at('2026-12-31T22:30:00Z'), TOKEN_SUNSET_POLICY)).toMatchObject({
      kind: 'before',
      daysLeft: 0,
    });
  });

  it('ends at midnight Polish time, not UTC', () => {
    // 23:30 UTC on 31 December is already 00:30 on 1 January in Warsaw.
    expect(tokenSunsetStatus(at('2026-12-31T23:30:00Z'), TOKEN_SUNSET_POLICY)).toEqual({
      kind: 'after',
      lastDay: '2026-12-31',
      nextDay: '2027-01-01',
    });
  });

  it('follows a changed date from the one setting', () => {
    const extended: TokenSunsetPolicy = { ...TOKEN_SUNSET_POLICY, lastDay: '2027-06-30' };
    expect(tokenSunsetStatus(at('2026-11-25T09:00:00Z'), extended)).toMatchObject({
      kind: 'before',
      daysLeft: 217,
      nextDay: '2027-07-01',
    });
  });

  it('names its source in both languages', () => {
    expect(TOKEN_SUNSET_POLICY.source.pl).toMatch(/rozporządzenie/);
    expect(TOKEN_SUNSET_POLICY.source.en).toMatch(/regulation/);
    expect(Object.isFrozen(TOKEN_SUNSET_POLICY)).toBe(true);
  });

  it('uses the Polish calendar date across the summer-time change', () => {
    expect(polishDate(at('2026-03-28T23:30:00Z'))).toBe('2026-03-29');
    expect(polishDate(at('2026-07-01T21:59:00Z'))).toBe('2026-07-01');
    expect(polishDate(at('2026-07-01T22:00:00Z'))).toBe('2026-07-02');
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
  });

  it('rejects a malformed date in the setting', () => {
    expect(() => tokenSunsetStatus(0, { ...TOKEN_SUNSET_POLICY, lastDay: '31.12.2026' })).toThrow(
      /YYYY-MM-DD/,
    );
  });
});
