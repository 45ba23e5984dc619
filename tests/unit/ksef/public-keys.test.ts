import { beforeAll, describe, expect, it } from 'vitest';
import { createKsefClient } from '../../../shared/ksef/ksef-client.ts';
import { createMemoryPublicKeyCache, PUBLIC_KEY_CACHE } from '../../../shared/ksef/public-keys.ts';
import type { EnvironmentId } from '../../../shared/ksef/transport-types.ts';
import { encryptionKeyList, fakeClock, json, scriptedTransport } from './fakes.ts';

const subtle = globalThis.crypto.subtle;
let list: object[];
beforeAll(async () => {
  list = await encryptionKeyList();
});

function setup(cache = createMemoryPublicKeyCache(), env: EnvironmentId = 'TEST') {
  const clock = fakeClock();
  const transport = scriptedTransport().on('GET /security/public-key-certificates', json(200, list));
  return {
    clock,
    transport,
    cache,
    client: createKsefClient({ transport, clock, subtle, env, publicKeyCache: cache }),
  };
}

describe('the token-encryption key', () => {
  it('is fetched once and then served from the cache for a day', async () => {
    const { clock, transport, client } = setup();
    const first = await client.publicKeys.tokenEncryptionKey();
    expect(first).toMatchObject({
      ok: true,
      value: { fromCache: false, publicKeyId: (list[0] as { publicKeyId: string }).publicKeyId },
    });
    clock.advance(PUBLIC_KEY_CACHE.MAX_AGE_MS - 1);
    expect(await client.publicKeys.tokenEncryptionKey()).toMatchObject({
      ok: true,
      value: { fromCache: true },
    });
    expect(transport.count()).toBe(1);
    clock.advance(1);
    expect(await client.publicKeys.tokenEncryptionKey()).toMatchObject({
      ok: true,
      value: { fromCache: false },
    });
    expect(transport.count()).toBe(2);
  });

  it('is refetched when forced (after 21470), and a failed due refresh falls back to a list at most 6 h stale', async () => {
    const { clock, transport, client } = setup();
    await client.publicKeys.tokenEncryptionKey();
    expect(await client.publicKeys.tokenEncryptionKey({ forceRefresh: true })).toMatchObject({
      ok: true,
      value: { fromCache: false },
    });
    transport.on('GET /security/public-key-certificates', json(503, {}));
    clock.advance(PUBLIC_KEY_CACHE.MAX_AGE_MS + 1000);
    expect(await client.publicKeys.tokenEncryptionKey()).toMatchObject({
      ok: true,
      value: { fromCache: true },
    });
    clock.advance(PUBLIC_KEY_CACHE.STALE_GRACE_MS);
    expect(await client.publicKeys.tokenEncryptionKey()).toMatchObject({
      ok: false,
      error: { code: 'KSEF_UNAVAILABLE' },
    });
  });

  it('is cached per environment: a TEST key is never used for PRD', async () => {
    const cache = createMemoryPublicKeyCache();
    const test = setup(cache, 'TEST');
    await test.client.publicKeys.tokenEncryptionKey();
    const prd = setup(cache, 'PRD');
    expect(await prd.client.publicKeys.tokenEncryptionKey()).toMatchObject({
      ok: true,
      value: { fromCache: false },
    });
    expect(prd.transport.count()).toBe(1);
  });

  it('refuses a list whose publicKeyId does not belong to its certificate (T6)', async () => {
    const forged = [{ ...(list[0] as object), publicKeyId: `${'A'.repeat(43)}=` }];
    const t = scriptedTransport().on('GET /security/public-key-certificates', json(200, forged));
    const c = createKsefClient({ transport: t, clock: fakeClock(), subtle, env: 'TEST' });
    expect(await c.publicKeys.tokenEncryptionKey()).toMatchObject({
      ok: false,
      error: { code: 'BAD_RESPONSE', detail: expect.stringContaining('does not belong') },
    });
  });

  it('says so when no KsefTokenEncryption certificate is valid now', async () => {
    const expired = await encryptionKeyList('2020-01-01T00:00:00Z', '2021-01-01T00:00:00Z');
    const t = scriptedTransport().on('GET /security/public-key-certificates', json(200, expired));
    const c = createKsefClient({ transport: t, clock: fakeClock(), subtle, env: 'TEST' });
    expect(await c.publicKeys.tokenEncryptionKey()).toMatchObject({
      ok: false,
      error: { code: 'BAD_RESPONSE', detail: expect.stringContaining('KsefTokenEncryption') },
    });
  });
});
