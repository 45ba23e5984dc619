/** "Kopiuj" for a new token's secret: the clipboard is cleared again after 60 s (SECURITY.md §4). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLIPBOARD_CLEAR_MS, copySecret } from '../../../pwa/features/tokens/copy-secret.ts';

function clipboard(readable = true) {
  let text = '';
  return {
    get text() {
      return text;
    },
    writeText: async (t: string) => {
      text = t;
    },
    ...(readable
      ? {
          readText: async () => text,
        }
      : {}),
    set: (t: string) => {
      text = t;
    },
  };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('copying a token secret', () => {
  it('puts it on the clipboard and clears it after 60 seconds', async () => {
    const c = clipboard();
    expect(await copySecret(c, 'ref|nip-5265877635|abc')).toBe(true);
    expect(c.text).toBe('ref|nip-5265877635|abc');
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS - 1);
    expect(c.text).toBe('ref|nip-5265877635|abc');
    await vi.advanceTimersByTimeAsync(1);
    expect(c.text).toBe('');
  });

  it('leaves alone what the user copied meanwhile, when the page may read it', async () => {
    const c = clipboard();
    await copySecret(c, 'secret');
    c.set('faktura FV/1/2026');
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS);
    expect(c.text).toBe('faktura FV/1/2026');
  });

  it('clears anyway when the page may not read the clipboard (the safer mistake)', async () => {
    const c = clipboard(false);
    await copySecret(c, 'secret');
    c.set('something else');
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS);
    expect(c.text).toBe('');
  });

  it('reports a refused clipboard instead of pretending it copied', async () => {
    const refused = {
      writeText: async () => {
        throw new DOMException('denied', 'NotAllowedError');
      },
    };
    expect(await copySecret(refused, 'secret')).toBe(false);
  });
});
