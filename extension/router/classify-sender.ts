/**
 * Who is asking — decided from browser-stamped sender fields only, never from the payload
 * (STYLE.md §2, SECURITY.md T5). No chain of evidence means "untrusted".
 */

/** The subset of chrome.runtime.MessageSender the router relies on. */
export type MessageSenderLike = {
  readonly id?: string;
  readonly url?: string;
  readonly origin?: string;
  readonly tab?: { readonly id?: number };
  readonly frameId?: number;
  readonly documentId?: string;
};

export type SenderClass =
  | { readonly kind: 'pwa'; readonly origin: string; readonly tabId?: number }
  | { readonly kind: 'extension-page'; readonly url: string }
  | {
      readonly kind: 'content-script';
      readonly origin: string;
      readonly tabId: number;
      readonly frameId: number;
      readonly documentId?: string;
    }
  | { readonly kind: 'untrusted'; readonly reason: string };

export type Channel = 'external' | 'internal';

export function classifySender(
  channel: Channel,
  sender: MessageSenderLike,
  self: { readonly extensionId: string; readonly pwaOrigin: string },
): SenderClass {
  if (channel === 'external') {
    // A web page has no sender.id; another extension has its own.
    if (sender.id !== undefined && sender.id !== self.extensionId) return untrusted('another extension');
    const origin = senderOrigin(sender);
    if (origin === null || origin !== self.pwaOrigin) return untrusted('origin is not the wallet');
    return { kind: 'pwa', origin, ...(sender.tab?.id !== undefined ? { tabId: sender.tab.id } : {}) };
  }
  if (sender.id !== self.extensionId) return untrusted('another extension');
  const ownPrefix = `chrome-extension://${self.extensionId}/`;
  // Our own pages opened in a tab (the options page) carry a tab too; their URL — stamped by the
  // browser, unlike anything a content script controls — is on our extension's origin.
  if (
    sender.tab !== undefined &&
    typeof sender.url === 'string' &&
    sender.url.startsWith(ownPrefix) &&
    (sender.origin === undefined || sender.origin === ownPrefix.slice(0, -1))
  )
    return { kind: 'extension-page', url: sender.url };
  if (sender.tab === undefined) {
    if (typeof sender.url === 'string' && sender.url.startsWith(ownPrefix))
      return { kind: 'extension-page', url: sender.url };
    return untrusted('unknown extension context');
  }
  // Our content scripts run in pages we do not trust; they are only accepted from the top frame.
  const origin = senderOrigin(sender);
  if (origin === null || sender.tab.id === undefined) return untrusted('no origin');
  if (sender.frameId !== 0) return untrusted('not the top frame');
  return {
    kind: 'content-script',
    origin,
    tabId: sender.tab.id,
    frameId: sender.frameId,
    ...(sender.documentId !== undefined ? { documentId: sender.documentId } : {}),
  };
}

function senderOrigin(sender: MessageSenderLike): string | null {
  if (typeof sender.origin === 'string' && sender.origin !== 'null') return sender.origin;
  if (typeof sender.url !== 'string') return null;
  try {
    const o = new URL(sender.url).origin;
    return o === 'null' ? null : o;
  } catch {
    return null;
  }
}

const untrusted = (reason: string): SenderClass => ({ kind: 'untrusted', reason });
