/**
 * The page's side of the vault: a typed facade over a MessagePort to the key worker. It implements
 * the same `Vault` interface as the worker's `VaultService`, checks every reply (envelope, plain
 * data only — a `CryptoKey` in a reply is refused, SECURITY.md T1) and every event, and tells the
 * page when the vault locked so it can reload (JS cannot zero memory; the page must go).
 *
 * `connectVault()` opens the shared key worker (one per origin: every tab and window of the PWA
 * talks to the same vault, so locking in one locks all and an unlock in one serves all).
 */
import * as v from 'valibot';
import type { LockReason } from '../../shared/domain/lock-policy.ts';
import { LOCK_REASONS } from '../../shared/domain/lock-policy.ts';
import type { Transport } from '../../shared/platform.ts';
import type { FlowProgress } from '../flows/flow-api.ts';
import { createFlowClient, type FlowClient } from '../flows/flow-client.ts';
import { FLOW_PLAIN_METHODS, ProgressEventSchema } from '../flows/flow-contract.ts';
import { answerRelay } from '../flows/relay-transport.ts';
import type { VaultError } from './errors.ts';
import {
  EventSchema,
  FLOW_RPC_METHODS,
  type FlowRpcMethod,
  isFlowRpcMethod,
  isPlainData,
  ReplySchema,
  RPC,
  type RpcMethod,
  type VaultMethod,
} from './rpc-contract.ts';
import type { RpcPort } from './rpc-server.ts';
import type { Vault, VaultEvent, VaultStatus } from './vault-api.ts';

/** Methods whose value is a Result; the others return data and throw only if the worker is gone. */
const RESULT_METHODS: ReadonlySet<VaultMethod> = new Set<VaultMethod>([
  'create',
  'unlock',
  'setIdleMinutes',
  'changePassphrase',
  'rekey',
  'addCompany',
  'renameCompany',
  'removeCompany',
  'prepareEnrollment',
  'recordEnrollmentSubmitted',
  'completeEnrollment',
  'failEnrollment',
  'setDefaultCertificate',
  'setCertificateExcludedFromBackup',
  'removeCertificate',
  'beginTokenGeneration',
  'recordTokenGenerated',
  'completeTokenActivation',
  'abandonTokenGeneration',
  'updateTokenStatus',
  'setDefaultToken',
  'revealTokenSecret',
  'removeToken',
  'recordSession',
  'endSession',
  'grantApproval',
  'confirmApproval',
  'revokeApproval',
  'checkApproval',
  'verifyActivity',
  'exportBackup',
  'previewBackup',
  'importBackup',
]);

const StatusSchema = v.object({
  state: v.picklist(['absent', 'locked', 'unlocked']),
  schemaVersion: v.number(),
  idleMinutes: v.number(),
  vaultId: v.optional(v.string()),
  unlockedAt: v.optional(v.number()),
  lockAt: v.optional(v.number()),
  lockAtReason: v.optional(v.picklist(['idle', 'max-age'])),
  lastLockReason: v.optional(v.picklist(LOCK_REASONS)),
});

const ResultShape = v.union([
  v.strictObject({ ok: v.literal(true), value: v.unknown() }),
  v.strictObject({
    ok: v.literal(false),
    error: v.object({ code: v.string(), reason: v.string(), detail: v.optional(v.string()) }),
  }),
]);

export class VaultUnavailableError extends Error {
  constructor(readonly method: string) {
    super(`the vault did not answer ${method}`);
  }
}

export type VaultClientOptions = {
  /** Called once when the vault locks (here or in any other tab). The PWA reloads the page. */
  readonly onLocked?: (reason: LockReason) => void;
  readonly onEvent?: (e: VaultEvent) => void;
  /** Argon2id, re-keying or a 50 MiB import take seconds; a worker that closed never answers. */
  readonly timeoutMs?: number;
  /**
   * The page's way to KSeF (the extension link): the key worker's flows send each KSeF request
   * through the page that called them, and this page passes it on unchanged.
   */
  readonly transport?: Transport;
};

/** A flow may poll KSeF for minutes (auth status on DEMO/PRD: 5 min budget, REFERENCE §5.1). */
export const FLOW_TIMEOUT_MS = 10 * 60 * 1000;

type Waiter = { resolve(v: unknown): void; reject(e: unknown): void; timer: ReturnType<typeof setTimeout> };

const newId = () =>
  Array.from(globalThis.crypto.getRandomValues(new Uint8Array(12)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

export type VaultClient = Vault & {
  readonly locked: boolean;
  /** The key worker's KSeF flows (pwa/flows/FLOWS.md). */
  readonly flows: FlowClient;
  /** Any flow method by name, with its operation id in `params` (features that add their own). */
  invokeFlow(method: FlowRpcMethod, params: unknown): Promise<unknown>;
  close(): void;
};

export function createVaultClient(
  port: RpcPort & { close?(): void },
  options: VaultClientOptions = {},
): VaultClient {
  const waiting = new Map<string, Waiter>();
  const timeoutMs = options.timeoutMs ?? 120_000;
  let locked = false;
  const announceLocked = (reason: LockReason) => {
    if (locked) return;
    locked = true;
    options.onLocked?.(reason);
  };
  const progressListeners = new Map<string, (p: FlowProgress) => void>();
  port.addEventListener('message', (e) => {
    const data = e.data as { id?: unknown; event?: unknown };
    // A KSeF request of a flow this page called: passed to the extension, the answer posted back.
    if (answerRelay(data, port, options.transport)) return;
    if (data && typeof data === 'object' && 'progress' in data) {
      const p = v.safeParse(ProgressEventSchema, data);
      if (p.success) progressListeners.get(p.output.progress.operationId)?.(p.output.progress);
      return;
    }
    if (data && typeof data === 'object' && 'event' in data) {
      const ev = v.safeParse(EventSchema, data);
      if (!ev.success) return;
      options.onEvent?.(ev.output.event);
      if (ev.output.event.type === 'locked') announceLocked(ev.output.event.reason);
      return;
    }
    const r = v.safeParse(ReplySchema, data);
    if (!r.success) return;
    const w = waiting.get(r.output.id);
    if (!w) return;
    waiting.delete(r.output.id);
    clearTimeout(w.timer);
    w.resolve(r.output);
  });
  port.start?.();

  const request = (method: RpcMethod, params: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = newId();
      const timer = setTimeout(
        () => {
          waiting.delete(id);
          reject(new VaultUnavailableError(method));
        },
        isFlowRpcMethod(method) ? Math.max(timeoutMs, FLOW_TIMEOUT_MS) : timeoutMs,
      );
      waiting.set(id, { resolve, reject, timer });
      port.postMessage({ rpc: RPC.PROTOCOL, v: RPC.VERSION, id, method, params });
    });

  const invoke = async (method: RpcMethod, params: unknown): Promise<unknown> => {
    const isResult = isFlowRpcMethod(method)
      ? !FLOW_PLAIN_METHODS.has(method as never)
      : RESULT_METHODS.has(method as VaultMethod);
    let reply: unknown;
    try {
      reply = await request(method, params);
    } catch (e) {
      if (!isResult) throw e;
      return {
        ok: false,
        error: { code: 'TIMEOUT', reason: 'STORAGE_FAILED', detail: method } satisfies VaultError,
      };
    }
    const r = reply as { result?: unknown; failure?: VaultError };
    if (r.failure) {
      if (!isResult) throw new VaultUnavailableError(method);
      return { ok: false, error: r.failure };
    }
    if (!isPlainData(r.result)) throw new VaultUnavailableError(`${method}: not plain data`);
    if (isResult && !v.is(ResultShape, r.result)) throw new VaultUnavailableError(`${method}: not a Result`);
    if (method === 'status' && !v.is(StatusSchema, r.result))
      throw new VaultUnavailableError('status: bad status');
    if ((method === 'unlock' || method === 'create') && (r.result as { ok: boolean }).ok) locked = false;
    return r.result;
  };

  const client = {} as Record<string, (arg?: unknown) => Promise<unknown>>;
  for (const method of Object.keys(methodsTemplate) as VaultMethod[]) {
    client[method] = (arg?: unknown) => invoke(method, arg);
  }
  const status = client.status!;
  client.status = async () => {
    const s = (await status()) as VaultStatus;
    if (s.state === 'unlocked') locked = false;
    return s;
  };
  // Flow methods by name too, for features that call them directly (e.g. the hand-off's).
  for (const method of Object.keys(FLOW_RPC_METHODS) as FlowRpcMethod[]) {
    client[method] = (arg?: unknown) => invoke(method, arg);
  }
  const flows = createFlowClient((method, params) => invoke(method, params), progressListeners);
  Object.defineProperty(client, 'flows', { value: flows, enumerable: true });
  Object.defineProperty(client, 'invokeFlow', {
    value: (method: FlowRpcMethod, params: unknown) => invoke(method, params),
  });
  // defineProperty, not Object.assign: assign would copy the getter's current value, not the getter.
  Object.defineProperty(client, 'locked', { get: () => locked, enumerable: true });
  Object.defineProperty(client, 'close', {
    value: () => {
      for (const w of waiting.values()) {
        clearTimeout(w.timer);
        w.reject(new VaultUnavailableError('closed'));
      }
      waiting.clear();
      port.close?.();
    },
  });
  return client as unknown as VaultClient;
}

// Every method name once, so the facade is complete at compile time (a missing key is a type error).
const methodsTemplate: Record<VaultMethod, true> = {
  status: true,
  create: true,
  unlock: true,
  lock: true,
  touch: true,
  setIdleMinutes: true,
  changePassphrase: true,
  rekey: true,
  estimatePassphrase: true,
  listCompanies: true,
  addCompany: true,
  renameCompany: true,
  removeCompany: true,
  listCertificates: true,
  prepareEnrollment: true,
  recordEnrollmentSubmitted: true,
  completeEnrollment: true,
  failEnrollment: true,
  setDefaultCertificate: true,
  setCertificateExcludedFromBackup: true,
  removeCertificate: true,
  listTokens: true,
  beginTokenGeneration: true,
  recordTokenGenerated: true,
  completeTokenActivation: true,
  abandonTokenGeneration: true,
  updateTokenStatus: true,
  setDefaultToken: true,
  revealTokenSecret: true,
  removeToken: true,
  listSessions: true,
  recordSession: true,
  endSession: true,
  listApprovals: true,
  grantApproval: true,
  confirmApproval: true,
  revokeApproval: true,
  checkApproval: true,
  pendingWork: true,
  listActivity: true,
  verifyActivity: true,
  exportBackup: true,
  previewBackup: true,
  importBackup: true,
};
