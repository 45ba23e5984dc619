import { describe, expect, it } from 'vitest';
import { createSessionState, unexpectedStorageEntries } from '../../../extension/storage/session-state.ts';

function memoryArea() {
  const items: Record<string, unknown> = {};
  return {
    items,
    get: async (keys: string[]) =>
      Object.fromEntries(keys.filter((k) => k in items).map((k) => [k, items[k]])),
    set: async (more: Record<string, unknown>) => void Object.assign(items, more),
  };
}

describe('chrome.storage allowlist (T2)', () => {
  it('writes and reads the lock state and its expiry', async () => {
    const area = memoryArea();
    const state = createSessionState(area);
    await state.write('walletLock', {
      locked: false,
      unlockedUntil: 1_800_000_000_000,
      updatedAt: 1_799_999_000_000,
    });
    expect(await state.read('walletLock')).toEqual({
      locked: false,
      unlockedUntil: 1_800_000_000_000,
      updatedAt: 1_799_999_000_000,
    });
    expect(unexpectedStorageEntries(area.items)).toEqual([]);
  });

  it('refuses to write anything beyond the schema', async () => {
    const area = memoryArea();
    const state = createSessionState(area);
    await expect(
      state.write('walletLock', {
        locked: false,
        unlockedUntil: null,
        updatedAt: 1,
        dataKey: 'AAAA',
      } as never),
    ).rejects.toThrow('refused');
    await expect(state.write('accessToken' as never, 'eyJ…' as never)).rejects.toThrow();
    expect(area.items).toEqual({});
  });

  it('names every key of a dump that is not allowlisted or not valid', () => {
    expect(
      unexpectedStorageEntries({
        walletLock: { locked: true, unlockedUntil: null, updatedAt: 1 },
        refreshToken: 'eyJ',
      }),
    ).toEqual(['refreshToken']);
    expect(
      unexpectedStorageEntries({ walletLock: { locked: true, unlockedUntil: null, updatedAt: 1, key: [1] } }),
    ).toEqual(['walletLock']);
  });
});
