/**
 * The flow methods of the key worker, assembled: each RPC method name → its use case, with the
 * per-call context (relay transport, progress, cancel signal) the RPC layer makes for it. One
 * operation id runs once at a time; `abortOperation` cancels it (a cancelled login never redeems).
 *
 * The worker creates this once, beside its VaultService (key-worker.ts). `loginCompany` is not an
 * RPC method: it is how worker-side code such as the hand-off's `mintHandoffSession` logs in with
 * a company's default credential and gets the raw session for delivery.
 */
import { createLoginLimiter } from '../../shared/ksef/login-limiter.ts';
import { createMemoryPublicKeyCache } from '../../shared/ksef/public-keys.ts';
import { createMemoryRateLimitGate } from '../../shared/ksef/rate-limit-gate.ts';
import type { Clock } from '../../shared/platform.ts';
import {
  certificateLimitsFlow,
  enrollCertificateFlow,
  getEnrollmentStatusFlow,
  getPublicKeyCertificatesFlow,
  queryKsefCertificatesFlow,
  retrieveCertificateFlow,
  revokeKsefCertificateFlow,
} from './certificate-flows.ts';
import type { FlowMethod, FlowResult, WalletFlows } from './flow-api.ts';
import { type FlowCall, type FlowDeps, type FlowVault, flowFail } from './flow-context.ts';
import { loginCompany, loginFlow } from './login-flows.ts';
import { resumePendingWorkFlow } from './pending-flows.ts';
import { listKsefSessionsFlow, refreshSessionFlow, revokeSessionFlow } from './session-flows.ts';
import {
  awaitLoginFlow,
  createAuthRequestBook,
  getAuthStatusFlow,
  listAuthRequests,
  prepareSignedRequestFlow,
  redeemAccessTokenFlow,
  submitSignedRequestFlow,
} from './signed-request-flows.ts';
import {
  awaitTokenActiveFlow,
  generateTokenFlow,
  listKsefTokensFlow,
  revokeKsefTokenFlow,
} from './token-flows.ts';

type Input<K extends FlowMethod> = Parameters<WalletFlows[K]>[0];
export type FlowHandlers = {
  [K in FlowMethod]: (input: Input<K>, call: FlowCall) => ReturnType<WalletFlows[K]>;
};

export type FlowService = {
  readonly handlers: FlowHandlers;
  /** The shared pieces, for flow handlers built elsewhere (the hand-off's). */
  readonly deps: FlowDeps;
  /** Runs one flow method under its operation id; `abortOperation` is answered here too. */
  run<K extends FlowMethod>(method: K, input: Input<K>, link: FlowLink): Promise<unknown>;
  readonly loginCompany: (
    companyId: string,
    credential: Parameters<typeof loginCompany>[2],
    call: FlowCall,
    options?: Parameters<typeof loginCompany>[4],
  ) => ReturnType<typeof loginCompany>;
};

/** What the RPC layer gives a call: the calling page's relay and progress channel. */
export type FlowLink = {
  readonly transport: FlowCall['transport'];
  progress(p: Parameters<FlowCall['progress']>[0] & { readonly operationId: string }): void;
};

export function createFlowService(options: {
  readonly vault: FlowVault;
  readonly subtle: SubtleCrypto;
  readonly clock: Clock;
  readonly polling?: FlowDeps['polling'];
}): FlowService {
  // Shared by every tab (the key worker is one per origin): one Retry-After gate, one key cache,
  // one login budget per company (SECURITY.md §4, T12).
  const deps: FlowDeps = {
    vault: options.vault,
    subtle: options.subtle,
    clock: options.clock,
    gate: createMemoryRateLimitGate(),
    publicKeys: createMemoryPublicKeyCache(),
    limiter: createLoginLimiter(options.clock),
    ...(options.polling ? { polling: options.polling } : {}),
    inFlight: new Set(),
  };
  const book = createAuthRequestBook(options.clock);
  const running = new Map<string, AbortController>();

  const handlers: FlowHandlers = {
    loginWithTestCertificate: (i, c) => loginFlow(deps, i.companyId, { kind: 'test-certificate' }, c),
    loginWithCertificate: (i, c) =>
      loginFlow(
        deps,
        i.companyId,
        { kind: 'certificate', ...(i.certificateId ? { certificateId: i.certificateId } : {}) },
        c,
      ),
    loginWithToken: (i, c) =>
      loginFlow(deps, i.companyId, { kind: 'token', ...(i.tokenId ? { tokenId: i.tokenId } : {}) }, c),
    loginWithDefault: (i, c) => loginFlow(deps, i.companyId, { kind: 'default' }, c),

    prepareSignedRequest: (i, c) => prepareSignedRequestFlow(deps, book, i.companyId, c),
    submitSignedRequest: (i, c) => submitSignedRequestFlow(deps, book, i, c),
    listAuthRequests: async (i) => listAuthRequests(book, i.companyId),
    getAuthStatus: (i, c) => getAuthStatusFlow(deps, book, i.referenceNumber, c),
    redeemAccessToken: (i, c) => redeemAccessTokenFlow(deps, book, i.referenceNumber, c),
    awaitLogin: (i, c) => awaitLoginFlow(deps, book, i.referenceNumber, c),

    listKsefTokens: (i, c) => listKsefTokensFlow(deps, i.companyId, c),
    generateToken: (i, c) => generateTokenFlow(deps, i, c),
    awaitTokenActive: (i, c) => awaitTokenActiveFlow(deps, i.tokenId, c),
    revokeKsefToken: (i, c) => revokeKsefTokenFlow(deps, i, c),

    getPublicKeyCertificates: (i, c) => getPublicKeyCertificatesFlow(deps, i.companyId, c),
    certificateLimits: (i, c) => certificateLimitsFlow(deps, i.companyId, c),
    enrollCertificate: (i, c) => enrollCertificateFlow(deps, i, c),
    getEnrollmentStatus: (i, c) => getEnrollmentStatusFlow(deps, i.certificateId, c),
    retrieveCertificate: (i, c) => retrieveCertificateFlow(deps, i.certificateId, c),
    queryKsefCertificates: (i, c) => queryKsefCertificatesFlow(deps, i.companyId, c),
    revokeKsefCertificate: (i, c) => revokeKsefCertificateFlow(deps, i, c),

    listKsefSessions: (i, c) => listKsefSessionsFlow(deps, i.companyId, c),
    refreshSession: (i, c) => refreshSessionFlow(deps, i.sessionId, c),
    revokeSession: (i, c) => revokeSessionFlow(deps, i, c),

    resumePendingWork: (_i, c) => resumePendingWorkFlow(deps, c),
    abortOperation: async (i) => {
      const controller = running.get(i.operationId);
      controller?.abort();
      return { aborted: controller !== undefined };
    },
  };

  async function run<K extends FlowMethod>(method: K, input: Input<K>, link: FlowLink): Promise<unknown> {
    const handler = handlers[method] as (i: Input<K>, c: FlowCall) => Promise<unknown>;
    if (method === 'abortOperation' || method === 'listAuthRequests') return handler(input, inertCall(link));
    const operationId = (input as { operationId: string }).operationId;
    if (running.has(operationId))
      return flowFail('INVALID_INPUT', 'OPERATION_BUSY') satisfies FlowResult<never>;
    const controller = new AbortController();
    running.set(operationId, controller);
    try {
      return await handler(input, {
        transport: link.transport,
        signal: controller.signal,
        progress: (p) => link.progress({ ...p, operationId }),
      });
    } finally {
      running.delete(operationId);
    }
  }

  return {
    handlers,
    deps,
    run,
    loginCompany: (companyId, credential, call, loginOptions) =>
      loginCompany(deps, companyId, credential, call, loginOptions),
  };
}

function inertCall(link: FlowLink): FlowCall {
  return { transport: link.transport, signal: new AbortController().signal, progress: () => {} };
}
