/**
 * The key worker's RPC (ARCHITECTURE.md "key worker"): one message format, one table of methods,
 * each with a strict valibot schema for its argument. The worker checks every request against it
 * before reading anything else; the page checks every reply and event. Methods are exactly the
 * `Vault` interface — no generic sign, decrypt or export, and no method returns a key (T1, T10).
 *
 * The KSeF flows (pwa/flows: logins, tokens, certificates, sessions, pending work) are methods of the
 * same RPC, each with its own strict schema (FLOW_RPC_METHODS): each takes the flow's inputs — a
 * company, a credential id, a picked file — never a document or challenge to sign, because the worker
 * fetches every challenge itself (T10). How a page calls one and how to add one: pwa/flows/FLOWS.md.
 */
import * as v from 'valibot';
import { ARGON2ID } from '../../shared/crypto/kdf.ts';
import { LOCK_REASONS } from '../../shared/domain/lock-policy.ts';
import { FLOW_METHODS } from '../flows/flow-contract.ts';
import { HANDOFF_FLOW_METHODS } from '../flows/handoff-flow-contract.ts';
import { CERTIFICATE_TYPES, SESSION_METHODS, TOKEN_PERMISSIONS, TOKEN_STATUSES } from './records.ts';
import type { Vault, VaultEvent } from './vault-api.ts';

export const RPC = Object.freeze({
  PROTOCOL: 'ksef-wallet-vault',
  VERSION: 1,
  /** A backup file (50 MiB) is the largest argument. */
  MAX_FILE_BYTES: 50 * 1024 * 1024,
  BROADCAST_CHANNEL: 'ksef-wallet-vault',
});

/** Web Lock held by a key worker from the start of its lock until it is gone. */
export const closingLockName = (workerName: string) => `ksef-wallet-key-worker-closing/${workerName}`;

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const passphrase = v.pipe(v.string(), v.minLength(1), v.maxLength(1024));
const bytes = (max: number) =>
  v.pipe(
    v.instance(Uint8Array),
    v.check((b) => b.length <= max, 'too large'),
  );
const kdf = v.strictObject({
  alg: v.literal('argon2id'),
  version: v.literal(ARGON2ID.VERSION),
  memoryKiB: v.number(),
  iterations: v.number(),
  parallelism: v.number(),
});
const none = v.optional(v.undefined());

/** Argument schema per method. `undefined` argument for methods that take none. */
export const METHODS = {
  status: none,
  create: v.strictObject({ passphrase, idleMinutes: v.optional(v.number()), kdf: v.optional(kdf) }),
  unlock: passphrase,
  lock: v.picklist(LOCK_REASONS),
  touch: none,
  setIdleMinutes: v.number(),
  changePassphrase: v.strictObject({ current: passphrase, next: passphrase }),
  rekey: passphrase,
  estimatePassphrase: text(1024),

  listCompanies: none,
  addCompany: v.strictObject({ name: text(400), nip: text(40), environment: text(40) }),
  renameCompany: v.strictObject({ companyId: id, name: text(400) }),
  removeCompany: v.strictObject({ companyId: id }),

  listCertificates: v.optional(id),
  prepareEnrollment: v.strictObject({
    companyId: id,
    certificateName: text(200),
    certificateType: v.picklist(CERTIFICATE_TYPES),
    algorithm: v.picklist(['RSA-2048', 'ECDSA-P256']),
    enrollmentData: v.pipe(
      v.record(text(40), v.nullish(text(400))),
      v.check((r) => Object.keys(r).length <= 16, 'too many fields'),
    ),
  }),
  recordEnrollmentSubmitted: v.strictObject({ pendingId: id, referenceNumber: text(40) }),
  completeEnrollment: v.strictObject({ pendingId: id, certificateDer: bytes(64 * 1024) }),
  failEnrollment: v.strictObject({ pendingId: id, statusCode: v.optional(v.number()) }),
  setDefaultCertificate: v.strictObject({ certificateId: id }),
  setCertificateExcludedFromBackup: v.strictObject({ certificateId: id, excluded: v.boolean() }),
  removeCertificate: v.strictObject({ certificateId: id }),

  listTokens: v.optional(id),
  beginTokenGeneration: v.strictObject({
    companyId: id,
    description: text(256),
    permissions: v.pipe(v.array(v.picklist(TOKEN_PERMISSIONS)), v.maxLength(TOKEN_PERMISSIONS.length)),
  }),
  recordTokenGenerated: v.strictObject({ pendingId: id, referenceNumber: text(40), secret: text(160) }),
  completeTokenActivation: v.strictObject({ pendingId: id, status: v.picklist(TOKEN_STATUSES) }),
  abandonTokenGeneration: v.strictObject({ pendingId: id }),
  updateTokenStatus: v.strictObject({ tokenId: id, status: v.picklist(TOKEN_STATUSES) }),
  setDefaultToken: v.strictObject({ tokenId: id }),
  revealTokenSecret: v.strictObject({ tokenId: id, passphrase }),
  removeToken: v.strictObject({ tokenId: id }),

  listSessions: v.optional(id),
  recordSession: v.strictObject({
    companyId: id,
    referenceNumber: text(40),
    method: v.picklist(SESSION_METHODS),
    credentialId: v.optional(id),
    accessValidUntil: v.optional(text(40)),
    refreshValidUntil: v.optional(text(40)),
    refreshToken: v.optional(text(8192)),
    handedTo: v.optional(text(200)),
  }),
  endSession: v.strictObject({ sessionId: id, state: v.picklist(['ended', 'revoked']) }),

  listApprovals: none,
  grantApproval: v.strictObject({
    origin: text(200),
    companyId: id,
    allowRefresh: v.boolean(),
    erpAddresses: v.optional(v.pipe(v.array(text(15)), v.maxLength(9))),
    passphrase,
  }),
  confirmApproval: v.strictObject({ approvalId: id, passphrase }),
  revokeApproval: v.strictObject({ approvalId: id }),
  checkApproval: v.strictObject({ origin: text(200), companyId: id }),

  pendingWork: none,
  listActivity: v.optional(
    v.strictObject({ limit: v.optional(v.number()), beforeSeq: v.optional(v.number()) }),
  ),
  verifyActivity: none,

  exportBackup: v.strictObject({
    passphrase,
    backupPassphrase: passphrase,
    companyId: v.optional(id),
    kdf: v.optional(kdf),
  }),
  previewBackup: v.strictObject({ file: bytes(RPC.MAX_FILE_BYTES), backupPassphrase: passphrase }),
  importBackup: v.strictObject({
    file: bytes(RPC.MAX_FILE_BYTES),
    backupPassphrase: passphrase,
    replaceNewer: v.optional(v.pipe(v.array(id), v.maxLength(10_000))),
  }),
} as const satisfies Record<keyof Vault, v.GenericSchema>;

export type VaultMethod = keyof typeof METHODS;
export const VAULT_METHODS = Object.freeze(Object.keys(METHODS) as VaultMethod[]);

/** The flow methods of the key worker (pwa/flows/flow-contract.ts); other features add their tables here. */
export const FLOW_RPC_METHODS = Object.freeze({ ...FLOW_METHODS, ...HANDOFF_FLOW_METHODS });
export type FlowRpcMethod = keyof typeof FLOW_RPC_METHODS;
export const isFlowRpcMethod = (m: string): m is FlowRpcMethod => Object.hasOwn(FLOW_RPC_METHODS, m);
export type RpcMethod = VaultMethod | FlowRpcMethod;
export const RPC_METHODS = Object.freeze([
  ...VAULT_METHODS,
  ...(Object.keys(FLOW_RPC_METHODS) as FlowRpcMethod[]),
]);

export const RequestSchema = v.strictObject({
  rpc: v.literal(RPC.PROTOCOL),
  v: v.literal(RPC.VERSION),
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/)),
  method: v.picklist(RPC_METHODS),
  params: v.unknown(),
});
export type RpcRequest = v.InferOutput<typeof RequestSchema>;

export type RpcReply =
  | { readonly rpc: typeof RPC.PROTOCOL; readonly v: 1; readonly id: string; readonly result: unknown }
  | {
      readonly rpc: typeof RPC.PROTOCOL;
      readonly v: 1;
      readonly id: string;
      readonly failure: {
        readonly code: 'BAD_MESSAGE' | 'INTERNAL';
        readonly reason: 'BAD_REQUEST' | 'STORAGE_FAILED';
        readonly detail?: string;
      };
    };
export type RpcEvent = { readonly rpc: typeof RPC.PROTOCOL; readonly v: 1; readonly event: VaultEvent };

export const ReplySchema = v.union([
  v.strictObject({
    rpc: v.literal(RPC.PROTOCOL),
    v: v.literal(RPC.VERSION),
    id: v.string(),
    result: v.unknown(),
  }),
  v.strictObject({
    rpc: v.literal(RPC.PROTOCOL),
    v: v.literal(RPC.VERSION),
    id: v.string(),
    failure: v.strictObject({
      code: v.picklist(['BAD_MESSAGE', 'INTERNAL']),
      reason: v.picklist(['BAD_REQUEST', 'STORAGE_FAILED']),
      detail: v.optional(v.string()),
    }),
  }),
]);

export const EventSchema = v.strictObject({
  rpc: v.literal(RPC.PROTOCOL),
  v: v.literal(RPC.VERSION),
  event: v.variant('type', [
    v.strictObject({ type: v.literal('locked'), reason: v.picklist(LOCK_REASONS) }),
    v.strictObject({ type: v.literal('unlocked') }),
    v.strictObject({ type: v.literal('changed') }),
  ]),
});

/**
 * Replies carry plain data only. A `CryptoKey` (or anything else that is not data) in a reply is
 * refused by the page: no key may ever reach the main thread (SECURITY.md T1).
 */
export function isPlainData(x: unknown, depth = 0): boolean {
  if (depth > 12) return false;
  if (x === null || x === undefined) return true;
  const t = typeof x;
  if (t === 'string' || t === 'boolean') return true;
  if (t === 'number') return Number.isFinite(x as number);
  if (x instanceof Uint8Array) return true;
  if (Array.isArray(x)) return x.length <= 100_000 && x.every((y) => isPlainData(y, depth + 1));
  if (t !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(x as Record<string, unknown>).every((y) => isPlainData(y, depth + 1));
}
