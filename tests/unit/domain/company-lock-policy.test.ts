import { describe, expect, it } from 'vitest';
import { parseCompanyInput } from '../../../shared/domain/company.ts';
import { LOCK_POLICY, lockDeadline, lockDue, parseIdleMinutes } from '../../../shared/domain/lock-policy.ts';

describe('company input', () => {
  it('normalizes the name and NIP and accepts built-in and sandbox environments', () => {
    expect(
      parseCompanyInput({ name: '  Zażółć   Sp. z o.o. ', nip: '526-587-76-35', environment: 'TEST' }),
    ).toEqual({
      ok: true,
      value: { name: 'Zażółć Sp. z o.o.', nip: '5265877635', environment: 'TEST' },
    });
    const sandbox = parseCompanyInput({
      name: 'Piaskownica',
      nip: '5265877635',
      environment: 'custom:sandbox',
    });
    expect(sandbox.ok).toBe(true);
  });

  it('refuses an empty or overlong name, control and bidi characters, a bad NIP or environment', () => {
    const reason = (input: { name: unknown; nip: unknown; environment: unknown }) => {
      const r = parseCompanyInput(input);
      return r.ok ? 'ok' : r.error.reason;
    };
    const base = { name: 'Firma', nip: '5265877635', environment: 'PRD' };
    expect(reason({ ...base, name: '   ' })).toBe('COMPANY_NAME_INVALID');
    expect(reason({ ...base, name: 'x'.repeat(201) })).toBe('COMPANY_NAME_INVALID');
    expect(reason({ ...base, name: 'Firma\u202Egnp.exe' })).toBe('COMPANY_NAME_INVALID');
    expect(reason({ ...base, name: 'Firma\u0000' })).toBe('COMPANY_NAME_INVALID');
    expect(reason({ ...base, nip: '5265877636' })).toBe('NIP_CHECKSUM');
    expect(reason({ ...base, environment: 'PROD' })).toBe('ENVIRONMENT_INVALID');
    expect(reason({ ...base, environment: 'custom:../x' })).toBe('ENVIRONMENT_INVALID');
  });
});

describe('lock policy (SECURITY.md §4)', () => {
  const t0 = Date.UTC(2026, 10, 25, 8, 0, 0);
  it('allows an idle time of 5 to 240 whole minutes and no "never"', () => {
    expect(LOCK_POLICY.DEFAULT_IDLE_MINUTES).toBe(15);
    for (const ok of [5, 15, 240]) expect(parseIdleMinutes(ok)).toEqual({ ok: true, value: ok });
    for (const bad of [4, 241, 0, -1, Number.POSITIVE_INFINITY, Number.NaN, 7.5, '15', null]) {
      const r = parseIdleMinutes(bad);
      expect(!r.ok && r.error.reason).toBe('AUTO_LOCK_OUT_OF_RANGE');
    }
  });

  it('locks after the idle time, counted from the last activity', () => {
    const p = { unlockedAtMs: t0, lastActivityMs: t0 + 60_000, idleMinutes: 15 };
    expect(lockDue(p, t0 + 15 * 60_000)).toBeNull();
    expect(lockDue(p, t0 + 16 * 60_000 - 1)).toBeNull();
    expect(lockDue(p, t0 + 16 * 60_000)).toBe('idle');
    expect(lockDeadline(p)).toEqual({ atMs: t0 + 16 * 60_000, reason: 'idle' });
  });

  it('locks 12 hours after unlocking however active the user is', () => {
    const p = { unlockedAtMs: t0, lastActivityMs: t0 + 12 * 3_600_000 - 1000, idleMinutes: 240 };
    expect(lockDue(p, t0 + 12 * 3_600_000 - 1)).toBeNull();
    expect(lockDue(p, t0 + 12 * 3_600_000)).toBe('max-age');
  });

  it('clamps a stored idle time outside the range instead of trusting it', () => {
    const p = { unlockedAtMs: t0, lastActivityMs: t0, idleMinutes: 1_000_000 };
    expect(lockDeadline(p).atMs).toBe(t0 + 240 * 60_000);
    expect(lockDeadline({ ...p, idleMinutes: 0 }).atMs).toBe(t0 + 5 * 60_000);
  });
});
