import * as v from 'valibot';
import { fail, ok, type Result, type WalletError } from '../result.ts';
import { ENVELOPE_LIMITS, PROTOCOL, PROTOCOL_VERSION } from './constants.ts';
import { issueDetail } from './issue-detail.ts';
import { type Envelope, type MessageKind, PAYLOAD_SCHEMAS, type Payloads, type Replies } from './messages.ts';

const MESSAGE_ID = /^[A-Za-z0-9_-]{8,64}$/;

const OuterSchema = v.strictObject({
  protocol: v.literal(PROTOCOL),
  v: v.literal(PROTOCOL_VERSION),
  id: v.pipe(v.string(), v.regex(MESSAGE_ID)),
  kind: v.picklist(Object.keys(PAYLOAD_SCHEMAS) as [MessageKind, ...MessageKind[]]),
  payload: v.unknown(),
});

/** Rough size of a structured-clone message, to refuse oversized envelopes before validating them. */
function approximateSize(raw: unknown): number {
  try {
    return JSON.stringify(raw)?.length ?? 0;
  } catch {
    return Number.POSITIVE_INFINITY; // cycles, BigInt: not a message of ours
  }
}

/** Validates an incoming envelope strictly. Callers check the sender before calling this. */
export function parseEnvelope(raw: unknown): Result<Envelope> {
  if (approximateSize(raw) > ENVELOPE_LIMITS.MAX_ENVELOPE_BYTES + ENVELOPE_LIMITS.MAX_BODY_BYTES * 2) {
    return fail('BAD_MESSAGE', { detail: 'too large' });
  }
  const outer = v.safeParse(OuterSchema, raw);
  if (!outer.success) return fail('BAD_MESSAGE', { detail: issueDetail(outer.issues, 'envelope') });
  const kind = outer.output.kind;
  const payload = v.safeParse(PAYLOAD_SCHEMAS[kind], outer.output.payload);
  if (!payload.success)
    return fail('BAD_MESSAGE', { detail: `${kind}: ${issueDetail(payload.issues, 'payload')}` });
  return ok({ ...outer.output, kind, payload: payload.output } as Envelope);
}

export function makeEnvelope<K extends MessageKind>(kind: K, payload: Payloads[K], id: string): Envelope<K> {
  return { protocol: PROTOCOL, v: PROTOCOL_VERSION, id, kind, payload };
}

export type Reply<K extends MessageKind = MessageKind> =
  | {
      readonly protocol: typeof PROTOCOL;
      readonly v: typeof PROTOCOL_VERSION;
      readonly id: string;
      readonly ok: true;
      readonly value: Replies[K];
    }
  | {
      readonly protocol: typeof PROTOCOL;
      readonly v: typeof PROTOCOL_VERSION;
      readonly id: string;
      readonly ok: false;
      readonly error: WalletError;
    };

export const replyOk = <K extends MessageKind>(id: string, value: Replies[K]): Reply<K> => ({
  protocol: PROTOCOL,
  v: PROTOCOL_VERSION,
  id,
  ok: true,
  value,
});
export const replyError = (id: string, error: WalletError): Reply => ({
  protocol: PROTOCOL,
  v: PROTOCOL_VERSION,
  id,
  ok: false,
  error,
});

/** A reply is only trusted when it echoes the id of the request it answers. */
export function parseReply<K extends MessageKind>(raw: unknown, expectedId: string): Result<Replies[K]> {
  if (typeof raw !== 'object' || raw === null) return fail('BAD_MESSAGE', { detail: 'no reply' });
  const r = raw as Partial<Reply<K>>;
  if (r.protocol !== PROTOCOL || r.v !== PROTOCOL_VERSION || r.id !== expectedId) {
    return fail('BAD_MESSAGE', { detail: 'reply does not match the request' });
  }
  if (r.ok === true && 'value' in r) return ok(r.value as Replies[K]);
  if (r.ok === false && r.error && typeof r.error.code === 'string') return { ok: false, error: r.error };
  return fail('BAD_MESSAGE', { detail: 'malformed reply' });
}
