import { describe, expect, it } from 'vitest';
import { createKsefClient } from '../../../shared/ksef/ksef-client.ts';
import { keepSession } from '../../../shared/ksef/session-keeper.ts';
import { fakeClock, fixedRandom, json, scriptedTransport } from './fakes.ts';

const subtle = globalThis.crypto.subtle;
const iso = (ms: number) => new Date(ms).toISOString();

function setup() {
  const clock = fakeClock();
  const transport = scriptedTransport();
  const client = createKsefClient({ transport, clock, subtle, env: 'TEST', random: fixedRandom() });
  const tokens = {
    accessToken: 'access-0',
    accessTokenValidUntil: iso(clock.now() + 15 * 60_000),
    refreshToken: 'refresh-secret',
    refreshTokenValidUntil: iso(clock.now() + 7 * 24 * 3_600_000),
  };
  return { clock, transport, client, tokens };
}

describe('the session keeper', () => {
  it('refreshes two minutes before the access token expires, with the refresh token, while in use', async () => {
    const { clock, transport, client, tokens } = setup();
    const start = clock.now();
    let n = 0;
    const refreshedAt: number[] = [];
    transport.on('POST /auth/token/refresh', () => {
      refreshedAt.push(clock.now() - start);
      return json(200, {
        accessToken: { token: `access-${++n}`, validUntil: iso(clock.now() + 15 * 60_000) },
      });
    });
    const seen: string[] = [];
    const keeper = keepSession(client, tokens, {
      onRefresh: (t) => {
        seen.push(t.accessToken);
        if (seen.length === 3) keeper.stop();
      },
    });
    expect(await keeper.done).toEqual({ ok: true, value: undefined });
    expect(refreshedAt).toEqual([13 * 60_000, 26 * 60_000, 39 * 60_000]);
    expect(seen).toEqual(['access-1', 'access-2', 'access-3']);
    expect(transport.requests.every((r) => r.headers?.authorization === 'Bearer refresh-secret')).toBe(true);
    expect(keeper.current().accessToken).toBe('access-3');
  });

  it('ends with SESSION_ENDED when KSeF says 21301 with status 425 (the session was revoked)', async () => {
    const { transport, client, tokens } = setup();
    transport.on(
      'POST /auth/token/refresh',
      json(400, {
        title: 'Bad Request',
        status: 400,
        errors: [
          {
            code: 21301,
            description: 'Brak autoryzacji.',
            details: ['Status uwierzytelnienia (425) nie pozwala na odświeżenie tokenu dostępowego.'],
          },
        ],
      }),
    );
    let ended: unknown;
    const keeper = keepSession(client, tokens, { onEnd: (e) => (ended = e) });
    const done = await keeper.done;
    expect(done).toMatchObject({
      ok: false,
      error: { code: 'SESSION_ENDED', detail: 'the session was revoked (status 425)', ksef: { code: 21301 } },
    });
    expect(ended).toEqual(done.ok ? undefined : done.error);
    expect(transport.count()).toBe(1);
    expect(await keeper.accessToken()).toMatchObject({ ok: false, error: { code: 'SESSION_ENDED' } });
  });

  it('retries a refresh that failed for a transient reason, and ends when the refresh token expires', async () => {
    const { clock, transport, client } = setup();
    const tokens = {
      accessToken: 'a',
      accessTokenValidUntil: iso(clock.now() + 60_000),
      refreshToken: 'r',
      refreshTokenValidUntil: iso(clock.now() + 10 * 60_000),
    };
    transport.on('POST /auth/token/refresh', 'network');
    const done = await keepSession(client, tokens).done;
    expect(done).toMatchObject({
      ok: false,
      error: { code: 'SESSION_ENDED', detail: 'the refresh token has expired' },
    });
    // Each attempt is 4 sends (3 transport-level retries); the keeper itself backed off between them.
    expect(transport.count()).toBeGreaterThan(4);
    expect(transport.count() % 4).toBe(0);
  });

  it('hands out the current token, and refreshes first when it is about to expire', async () => {
    const { clock, transport, client, tokens } = setup();
    transport.on(
      'POST /auth/token/refresh',
      json(200, { accessToken: { token: 'fresh', validUntil: iso(clock.now() + 3_600_000) } }),
    );
    const ac = new AbortController();
    const keeper = keepSession(client, tokens, { signal: ac.signal });
    expect(await keeper.accessToken()).toEqual({ ok: true, value: 'access-0' });
    ac.abort();
    expect((await keeper.done).ok).toBe(true);
    expect(await keeper.accessToken()).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
    const short = keepSession(client, { ...tokens, accessTokenValidUntil: iso(clock.now() + 2000) });
    expect(await short.accessToken()).toEqual({ ok: true, value: 'fresh' });
    short.stop();
    await short.done;
  });
});
