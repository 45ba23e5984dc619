/**
 * The typed message map between the PWA, extension pages, content scripts and the background
 * (STYLE.md §2). Each kind has one payload schema and one reply type; receivers validate with
 * `parseEnvelope` (strict: unknown keys are refused) before reading anything.
 */
import * as v from 'valibot';
import { isEnvironmentId } from '../ksef/environments.ts';
import type { KsefOperationId } from '../ksef/generated/operations.ts';
import { KSEF_OPERATIONS } from '../ksef/generated/operations.ts';
import type { EnvironmentId, KsefResponse } from '../ksef/transport-types.ts';
import { ENVELOPE_LIMITS, type PROTOCOL, type PROTOCOL_VERSION } from './constants.ts';
import { HANDOFF_PAYLOAD_SCHEMAS, type HandoffReplies } from './handoff-messages.ts';

const shortString = (max: number) => v.pipe(v.string(), v.maxLength(max));
const stringRecord = (maxKeys: number, maxValue: number) =>
  v.pipe(
    v.record(v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/)), shortString(maxValue)),
    v.check((r) => Object.keys(r).length <= maxKeys, 'too many entries'),
  );

const EnvironmentSchema = v.custom<EnvironmentId>(isEnvironmentId, 'unknown environment');
const OperationSchema = v.custom<KsefOperationId>(
  (op) => typeof op === 'string' && Object.hasOwn(KSEF_OPERATIONS, op),
  'unknown operation',
);

export const PAYLOAD_SCHEMAS = {
  /** Is the extension there, and which version? */
  ping: v.strictObject({}),
  /** One KSeF API call, named by environment and operation (never a URL). */
  'transport.send': v.strictObject({
    env: EnvironmentSchema,
    operation: OperationSchema,
    pathParams: v.optional(stringRecord(4, 64)),
    query: v.optional(v.record(v.string(), v.union([shortString(128), v.number(), v.boolean()]))),
    headers: v.optional(stringRecord(8, 8192)),
    body: v.optional(v.pipe(v.string(), v.maxLength(ENVELOPE_LIMITS.MAX_BODY_BYTES))),
  }),
  /** The environments the extension can reach (built in, and custom loopback ones from its options). */
  'environments.list': v.strictObject({}),
  /** Session hand-off to ERP pages: wallet, popup and content-script kinds (handoff-messages.ts). */
  ...HANDOFF_PAYLOAD_SCHEMAS,
} as const;

export type MessageKind = keyof typeof PAYLOAD_SCHEMAS;
export type Payloads = { [K in MessageKind]: v.InferOutput<(typeof PAYLOAD_SCHEMAS)[K]> };

export type EnvironmentInfo = {
  readonly id: EnvironmentId;
  readonly baseUrl: string;
  readonly label: string;
};
export type Replies = HandoffReplies & {
  ping: { readonly extensionVersion: string; readonly protocolVersion: number };
  'transport.send': KsefResponse;
  'environments.list': { readonly environments: readonly EnvironmentInfo[] };
};

export type Envelope<K extends MessageKind = MessageKind> = {
  readonly protocol: typeof PROTOCOL;
  readonly v: typeof PROTOCOL_VERSION;
  readonly id: string;
  readonly kind: K;
  readonly payload: Payloads[K];
};

export const MESSAGE_KINDS = Object.freeze(Object.keys(PAYLOAD_SCHEMAS) as MessageKind[]);
