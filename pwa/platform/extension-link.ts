/**
 * The PWA's only way to the network and to the extension: `chrome.runtime.sendMessage` to our
 * fixed extension ID, which `externally_connectable` opens to the wallet's origin alone. KSeF
 * sends no CORS headers, so the extension's background performs the requests (ARCHITECTURE.md).
 */
import type { Transport } from '../../shared/platform.ts';
import { EXTENSION_ID } from '../../shared/protocol/constants.ts';
import { makeEnvelope, parseReply } from '../../shared/protocol/envelope.ts';
import type { MessageKind, Payloads, Replies } from '../../shared/protocol/messages.ts';
import { fail, type Result } from '../../shared/result.ts';

type RuntimeLike = {
  sendMessage(extensionId: string, message: unknown, callback: (response: unknown) => void): void;
  readonly lastError?: { message?: string };
};

function runtime(): RuntimeLike | null {
  const rt = (globalThis as { chrome?: { runtime?: Partial<RuntimeLike> } }).chrome?.runtime;
  return rt && typeof rt.sendMessage === 'function' ? (rt as RuntimeLike) : null;
}

function messageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export type ExtensionLink = {
  call<K extends MessageKind>(kind: K, payload: Payloads[K]): Promise<Result<Replies[K]>>;
  readonly transport: Transport;
};

export function createExtensionLink(extensionId: string = EXTENSION_ID): ExtensionLink {
  function call<K extends MessageKind>(kind: K, payload: Payloads[K]): Promise<Result<Replies[K]>> {
    const rt = runtime();
    // Chrome exposes chrome.runtime to a page only when an installed extension lists its origin.
    if (!rt) return Promise.resolve(fail('EXTENSION_MISSING'));
    const id = messageId();
    return new Promise((resolve) => {
      try {
        rt.sendMessage(extensionId, makeEnvelope(kind, payload, id), (response) => {
          if (rt.lastError || response === undefined) return resolve(fail('EXTENSION_MISSING'));
          resolve(parseReply<K>(response, id));
        });
      } catch {
        resolve(fail('EXTENSION_MISSING'));
      }
    });
  }
  return {
    call,
    transport: {
      send: (req, signal) => {
        if (signal?.aborted) return Promise.resolve(fail('ABORTED'));
        return call('transport.send', req);
      },
    },
  };
}
