import { describe, expect, it } from 'vitest';
import { createLoginLimiter, LOGIN_BUDGET } from '../../../shared/ksef/login-limiter.ts';
import { fakeClock } from './fakes.ts';

describe('the login budget (SECURITY.md §4)', () => {
  it('allows 30 logins per company per hour and says when the next one may start', async () => {
    const clock = fakeClock();
    const limiter = createLoginLimiter(clock);
    for (let i = 0; i < LOGIN_BUDGET.MAX_LOGINS; i++) {
      expect((await limiter.acquire('TEST|Nip:5265877635')).ok).toBe(true);
      clock.advance(60_000);
    }
    const refused = await limiter.acquire('TEST|Nip:5265877635');
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'LOGIN_BUDGET_EXCEEDED', retryAfterMs: 30 * 60_000 },
    });
    // Another company has its own budget.
    expect((await limiter.acquire('TEST|Nip:1111111111')).ok).toBe(true);
    // The window slides: when the first login is an hour old, one more is allowed.
    clock.advance(30 * 60_000);
    expect((await limiter.acquire('TEST|Nip:5265877635')).ok).toBe(true);
    expect((await limiter.acquire('TEST|Nip:5265877635')).ok).toBe(false);
  });

  it('stops automatic logins after a 480 until a person resumes them', async () => {
    const clock = fakeClock();
    const limiter = createLoginLimiter(clock);
    await limiter.stop('PRD|Nip:5265877635');
    clock.advance(24 * 3_600_000);
    expect(await limiter.acquire('PRD|Nip:5265877635')).toMatchObject({
      ok: false,
      error: { code: 'AUTOMATION_STOPPED' },
    });
    await limiter.resume('PRD|Nip:5265877635');
    expect((await limiter.acquire('PRD|Nip:5265877635')).ok).toBe(true);
  });
});
