/**
 * The background's single entry for messages: 1. who (sender), 2. what (strict envelope),
 * 3. only the kinds allowed for that sender class, then the handler (STYLE.md §2).
 */
import { parseEnvelope, type Reply, replyError, replyOk } from '../../shared/protocol/envelope.ts';
import type { Envelope, MessageKind, Replies } from '../../shared/protocol/messages.ts';
import { type Result, walletError } from '../../shared/result.ts';
import type { SenderClass } from './classify-sender.ts';

type TrustedSender = Exclude<SenderClass, { kind: 'untrusted' }>;
export type Handler<K extends MessageKind> = {
  /** The sender classes that may send this kind; everything else gets NOT_ALLOWED. */
  readonly from: readonly TrustedSender['kind'][];
  run(msg: Envelope<K>, from: TrustedSender): Promise<Result<Replies[K]>>;
};
export type Handlers = { readonly [K in MessageKind]?: Handler<K> };

export async function route(raw: unknown, from: SenderClass, handlers: Handlers): Promise<Reply> {
  const id = replyIdOf(raw);
  if (from.kind === 'untrusted') return replyError(id, walletError('SENDER_REJECTED'));
  const parsed = parseEnvelope(raw);
  if (!parsed.ok) return replyError(id, parsed.error);
  const msg = parsed.value;
  const handler = handlers[msg.kind] as Handler<MessageKind> | undefined;
  if (!handler?.from.includes(from.kind)) return replyError(msg.id, walletError('NOT_ALLOWED'));
  try {
    const result = await handler.run(msg, from);
    return result.ok ? replyOk(msg.id, result.value) : replyError(msg.id, result.error);
  } catch {
    // A handler bug must not leak a stack or a secret to the caller.
    return replyError(msg.id, walletError('INTERNAL'));
  }
}

/** Echo the caller's id only when it looks like one of ours, so replies can be matched. */
function replyIdOf(raw: unknown): string {
  if (typeof raw === 'object' && raw !== null) {
    const id = (raw as { id?: unknown }).id;
    if (typeof id === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(id)) return id;
  }
  return '';
}
