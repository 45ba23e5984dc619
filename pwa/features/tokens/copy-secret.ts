/**
 * "Kopiuj" for a token secret shown once: writes it to the clipboard and clears the clipboard again
 * after 60 s (SECURITY.md §4) — unless the user copied something else meanwhile, which is left alone
 * when the browser lets the page read it, and cleared otherwise (the safer mistake).
 */
export const CLIPBOARD_CLEAR_MS = 60_000;

export type ClipboardLike = Pick<Clipboard, 'writeText'> & Partial<Pick<Clipboard, 'readText'>>;

export async function copySecret(
  clipboard: ClipboardLike,
  secret: string,
  timers: { setTimeout(fn: () => void, ms: number): unknown } = globalThis,
): Promise<boolean> {
  try {
    await clipboard.writeText(secret);
  } catch {
    return false;
  }
  timers.setTimeout(() => {
    void (async () => {
      try {
        if (clipboard.readText && (await clipboard.readText()) !== secret) return;
      } catch {
        // Reading is often not allowed: clear anyway.
      }
      await clipboard.writeText('').catch(() => {});
    })();
  }, CLIPBOARD_CLEAR_MS);
  return true;
}
