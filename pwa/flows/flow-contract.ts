/**
 * The flow half of the key worker's RPC (rpc-contract.ts has the vault half): a strict valibot
 * schema per flow method, checked by the worker before anything runs, and the two extra message
 * kinds the flows need on the same port:
 *
 *   worker → page  { rpc, v, relay: { id, request } }        one KSeF request for the extension
 *   page → worker  { rpc, v, relayReply: { id, result } }    its Result<KsefResponse>
 *   worker → page  { rpc, v, progress: FlowProgress }        a running flow's progress
 *
 * The page only moves the relayed bytes (the extension validates and performs the request); the
 * worker validates the reply's shape and the KSeF client validates its content.
 */
import * as v from 'valibot';
import { PAYLOAD_SCHEMAS } from '../../shared/protocol/messages.ts';
import { ERROR_CODES } from '../../shared/result.ts';
import { CERTIFICATE_TYPES, TOKEN_PERMISSIONS } from '../vault/records.ts';
import { FLOW_STEPS, type FlowMethod } from './flow-api.ts';

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const operationId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/));
const referenceNumber = v.pipe(v.string(), v.regex(/^[0-9A-Z-]{20,40}$/));
const passphrase = v.pipe(v.string(), v.minLength(1), v.maxLength(1024));
const op = { operationId };
const companyOp = { operationId, companyId: id };

/** A signed request file is at most 1 MiB (the transport's cap). */
export const MAX_SIGNED_FILE_BYTES = 1024 * 1024;

export const FLOW_METHODS = {
  loginWithTestCertificate: v.strictObject(companyOp),
  loginWithCertificate: v.strictObject({ ...companyOp, certificateId: v.optional(id) }),
  loginWithToken: v.strictObject({ ...companyOp, tokenId: v.optional(id) }),
  loginWithDefault: v.strictObject(companyOp),

  prepareSignedRequest: v.strictObject(companyOp),
  submitSignedRequest: v.strictObject({
    ...op,
    requestId: id,
    file: v.pipe(
      v.instance(Uint8Array),
      v.check((b) => b.length <= MAX_SIGNED_FILE_BYTES, 'too large'),
    ),
  }),
  listAuthRequests: v.strictObject({ companyId: id }),
  getAuthStatus: v.strictObject({ ...op, referenceNumber }),
  redeemAccessToken: v.strictObject({ ...op, referenceNumber }),
  awaitLogin: v.strictObject({ ...op, referenceNumber }),

  listKsefTokens: v.strictObject(companyOp),
  generateToken: v.strictObject({
    ...companyOp,
    description: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
    permissions: v.pipe(
      v.array(v.picklist(TOKEN_PERMISSIONS)),
      v.minLength(1),
      v.maxLength(TOKEN_PERMISSIONS.length),
    ),
    passphrase: v.optional(passphrase),
  }),
  awaitTokenActive: v.strictObject({ ...op, tokenId: id }),
  revokeKsefToken: v.strictObject({ ...companyOp, referenceNumber, passphrase }),

  getPublicKeyCertificates: v.strictObject(companyOp),
  certificateLimits: v.strictObject(companyOp),
  enrollCertificate: v.strictObject({
    ...companyOp,
    certificateName: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
    certificateType: v.picklist(CERTIFICATE_TYPES),
    algorithm: v.picklist(['RSA-2048', 'ECDSA-P256']),
    excludeFromBackup: v.boolean(),
    automatic: v.boolean(),
  }),
  getEnrollmentStatus: v.strictObject({ ...op, certificateId: id }),
  retrieveCertificate: v.strictObject({ ...op, certificateId: id }),
  queryKsefCertificates: v.strictObject(companyOp),
  revokeKsefCertificate: v.strictObject({
    ...companyOp,
    serialNumber: v.pipe(v.string(), v.regex(/^[0-9A-F]{16}$/)),
    reason: v.optional(v.picklist(['Unspecified', 'Superseded', 'KeyCompromise'])),
    passphrase,
  }),

  listKsefSessions: v.strictObject(companyOp),
  refreshSession: v.strictObject({ ...op, sessionId: id }),
  revokeSession: v.strictObject({ ...companyOp, referenceNumber }),

  resumePendingWork: v.strictObject(op),
  abortOperation: v.strictObject(op),
} as const satisfies Record<FlowMethod, v.GenericSchema>;

export const FLOW_METHOD_NAMES = Object.freeze(Object.keys(FLOW_METHODS) as FlowMethod[]);
export const isFlowMethod = (m: string): m is FlowMethod => Object.hasOwn(FLOW_METHODS, m);

/** Flow methods whose value is a Result (all but the plain lists and the abort). */
export const FLOW_PLAIN_METHODS: ReadonlySet<FlowMethod> = new Set(['listAuthRequests', 'abortOperation']);

/** What every message on the key worker's port starts with (RPC.PROTOCOL and RPC.VERSION, rpc-contract.ts). */
const envelope = { rpc: v.literal('ksef-wallet-vault'), v: v.literal(1) } as const;
/** A relayed request's id, picked by the worker for each KSeF request it relays (relay-transport.ts). */
const relayId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/));

const errorShape = v.object({
  code: v.picklist(ERROR_CODES),
  detail: v.optional(v.pipe(v.string(), v.maxLength(2000))),
  retryAfterMs: v.optional(v.number()),
  ksef: v.optional(v.unknown()),
});

/** The page's answer to a relayed request: the extension's Result<KsefResponse>, nothing more. */
export const RelayReplySchema = v.strictObject({
  ...envelope,
  relayReply: v.strictObject({
    id: relayId,
    result: v.union([
      v.object({
        ok: v.literal(true),
        value: v.object({
          status: v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599)),
          headers: v.record(v.string(), v.string()),
          body: v.pipe(v.string(), v.maxLength(2 * 1024 * 1024)),
        }),
      }),
      v.object({ ok: v.literal(false), error: errorShape }),
    ]),
  }),
});

export const ProgressEventSchema = v.strictObject({
  ...envelope,
  progress: v.strictObject({
    operationId,
    step: v.picklist(FLOW_STEPS),
    attempt: v.optional(v.number()),
    polls: v.optional(v.number()),
    challengeLeftMs: v.optional(v.number()),
    statusCode: v.optional(v.number()),
    referenceNumber: v.optional(v.string()),
    item: v.optional(v.number()),
    items: v.optional(v.number()),
  }),
});

/** A relayed request, checked by the page with the extension's own `transport.send` schema. */
export const RelayRequestSchema = v.strictObject({
  ...envelope,
  relay: v.strictObject({
    id: relayId,
    request: PAYLOAD_SCHEMAS['transport.send'],
  }),
});
