/**
 * The hand-off's flows in the key worker (docs/wallet-extension-protocol.md §5, SECURITY.md T7):
 *
 *  * `mintHandoffSession` — a fresh KSeF login with the company's default credential, never an
 *    existing session; recorded with `handedTo = origin` (refresh token sealed, access token in
 *    memory); the permissions read from the new access token's `per` claim; the refresh token
 *    released only for an approved "with refresh token" grant. With ERP egress addresses, the
 *    session is restricted to the challenge's `clientIp` plus those addresses.
 *  * `revokeHandedSessions` — `DELETE /auth/sessions/{ref}` (or `/current` with the session's own
 *    refresh token once its access token is gone) and the vault row marked revoked.
 *  * `refreshHandedSession` — a new access token for an ERP without a refresh token (handed
 *    sessions only: the wallet's own sessions never leave the worker this way).
 *  * the vault's own approval of an origin for a company (MAC'd; granting and withdrawing need the
 *    passphrase re-entered, SECURITY.md §4), which the wallet checks besides the extension's.
 */
import * as v from 'valibot';
import { parseKsefDateTime, sessionEndedBy } from '../../shared/ksef/index.ts';
import type { EnvironmentId } from '../../shared/ksef/transport-types.ts';
import type { Result } from '../../shared/result.ts';
import {
  ipPolicyFor,
  isIpv4Address,
  MAX_ERP_EGRESS_ADDRESSES,
} from '../features/handoff/erp-egress-addresses.ts';
import type { FlowResult } from './flow-api.ts';
import {
  clientFor,
  type FlowCall,
  type FlowDeps,
  findCompany,
  flowFail,
  requirePassphrase,
} from './flow-context.ts';
import type { FlowLink } from './flow-service.ts';
import {
  HANDOFF_FLOW_METHODS,
  type HandoffFlowInput,
  type HandoffFlowMethod,
} from './handoff-flow-contract.ts';
import { loginCompany } from './login-flows.ts';
import { refreshAccess } from './session-access.ts';

/** The flows' dependencies; the vault includes the approvals (flow-context.ts FlowVault). */
type HandoffFlowDeps = FlowDeps;

export type MintedHandoffSession = {
  readonly environment: EnvironmentId;
  readonly nip: string;
  readonly referenceNumber: string;
  readonly accessToken: string;
  readonly accessTokenValidUntil: string;
  readonly refreshToken?: string;
  readonly refreshTokenValidUntil?: string;
  readonly permissions: readonly string[];
};

/**
 * The permissions in an access token's `per` claim (REFERENCE.md §2.1: a JSON string holding an
 * array; treated as opaque otherwise). Read without verifying — KSeF is the token's audience, not
 * us; the claim only tells the user what the session can do, and the extension reads it again.
 */
export function readPermissionsClaim(jwt: string): string[] {
  const payload = jwt.split('.')[1];
  if (!payload || payload.length > 8192) return [];
  try {
    const b64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
    const json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    let claim = json.per ?? json.permissions;
    if (typeof claim === 'string') claim = JSON.parse(claim);
    if (!Array.isArray(claim)) return [];
    return [
      ...new Set(
        claim.filter((p): p is string => typeof p === 'string' && /^[A-Za-z][A-Za-z0-9]{1,63}$/.test(p)),
      ),
    ];
  } catch {
    return [];
  }
}

const checkAddresses = (addresses: readonly string[]): boolean =>
  addresses.length <= MAX_ERP_EGRESS_ADDRESSES && addresses.every(isIpv4Address);

export async function mintHandoffSessionFlow(
  deps: HandoffFlowDeps,
  input: {
    readonly companyId: string;
    readonly origin: string;
    readonly includeRefreshToken: boolean;
    readonly erpAddresses: readonly string[];
  },
  call: FlowCall,
): Promise<FlowResult<MintedHandoffSession>> {
  if (!checkAddresses(input.erpAddresses)) return flowFail('INVALID_INPUT', undefined, 'erpAddresses');
  const company = await findCompany(deps, input.companyId);
  if (!company.ok) return company;
  let authorizationPolicy: ReturnType<typeof ipPolicyFor>;
  if (input.erpAddresses.length > 0) {
    // The login flows take their IP policy before they fetch their challenge, and the browser's
    // address is only known from a challenge: ask for one first (a challenge changes nothing at
    // KSeF and is never signed or submitted; it only tells us `clientIp`).
    call.progress({ step: 'challenge' });
    const probe = await clientFor(deps, company.value, call).auth.challenge(call.signal);
    if (!probe.ok) return probe;
    authorizationPolicy = ipPolicyFor(probe.value.clientIp, input.erpAddresses);
  }
  const login = await loginCompany(deps, company.value.id, { kind: 'default' }, call, {
    ...(authorizationPolicy ? { authorizationPolicy } : {}),
    handedTo: input.origin,
  });
  if (!login.ok) return login;
  const l = login.value.login;
  return {
    ok: true,
    value: {
      environment: company.value.environment,
      nip: company.value.nip,
      referenceNumber: l.referenceNumber,
      accessToken: l.accessToken,
      accessTokenValidUntil: l.accessTokenValidUntil,
      ...(input.includeRefreshToken
        ? { refreshToken: l.refreshToken, refreshTokenValidUntil: l.refreshTokenValidUntil }
        : {}),
      permissions: readPermissionsClaim(l.accessToken),
    },
  };
}

export type RevokeHandedReport = {
  readonly revoked: readonly string[];
  readonly failed: readonly { readonly referenceNumber: string; readonly code: string }[];
};

export async function revokeHandedSessionsFlow(
  deps: HandoffFlowDeps,
  input: { readonly referenceNumbers: readonly string[] },
  call: FlowCall,
): Promise<FlowResult<RevokeHandedReport>> {
  const sessions = await deps.vault.listSessions();
  const revoked: string[] = [];
  const failed: { referenceNumber: string; code: string }[] = [];
  for (const ref of new Set(input.referenceNumbers)) {
    const held = sessions.find((s) => s.referenceNumber === ref && s.handedTo !== undefined);
    if (!held) {
      // Not a session this vault handed over: nothing here can revoke it.
      failed.push({ referenceNumber: ref, code: 'INVALID_INPUT' });
      continue;
    }
    if (held.state === 'revoked') {
      revoked.push(ref);
      continue;
    }
    const company = await findCompany(deps, held.companyId);
    if (!company.ok) {
      failed.push({ referenceNumber: ref, code: company.error.code });
      continue;
    }
    call.progress({ step: 'revoking', referenceNumber: ref });
    const client = clientFor(deps, company.value, call);
    const now = deps.clock.now();
    const access = deps.vault.accessTokens.get(held.id);
    let r: Result<void> | undefined;
    if (access) {
      r = await client.sessions.revoke(access, ref, call.signal);
    } else if (held.hasRefreshToken && parseKsefDateTime(held.refreshValidUntil ?? '') > now) {
      // The access token is gone (expired, or the worker restarted): the session's own refresh
      // token may end it (`DELETE /auth/sessions/current`, REFERENCE §3.7).
      const refreshToken = await deps.vault.flows.refreshToken(held.id);
      if (refreshToken.ok) r = await client.sessions.revokeCurrent(refreshToken.value, call.signal);
      else r = refreshToken;
    }
    // No token left, or KSeF says the session no longer exists or refreshes: it is over there.
    const over = r === undefined || r.ok || sessionEndedBy(r.error) !== undefined;
    if (!over) {
      failed.push({ referenceNumber: ref, code: r!.ok ? 'INTERNAL' : r!.error.code });
      continue;
    }
    const ended = await deps.vault.endSession({ sessionId: held.id, state: 'revoked' });
    if (!ended.ok) {
      failed.push({ referenceNumber: ref, code: ended.error.code });
      continue;
    }
    revoked.push(ref);
  }
  call.progress({ step: 'done' });
  return { ok: true, value: { revoked, failed } };
}

export async function refreshHandedSessionFlow(
  deps: HandoffFlowDeps,
  input: { readonly referenceNumber: string },
  call: FlowCall,
): Promise<FlowResult<{ readonly accessToken: string; readonly accessTokenValidUntil: string }>> {
  const held = (await deps.vault.listSessions()).find(
    (s) => s.referenceNumber === input.referenceNumber && s.handedTo !== undefined,
  );
  // Only a session handed to an ERP: the wallet's own access tokens never leave the worker.
  if (!held) return flowFail('INVALID_INPUT', 'UNKNOWN_REQUEST', 'not a handed session');
  if (held.state !== 'active') return flowFail('SESSION_ENDED', 'NO_SESSION');
  const company = await findCompany(deps, held.companyId);
  if (!company.ok) return company;
  const r = await refreshAccess(deps, clientFor(deps, company.value, call), held, call);
  if (!r.ok) return r;
  const validUntil = r.value.session.accessValidUntil;
  if (!validUntil) return flowFail('BAD_RESPONSE', undefined, 'no expiry');
  call.progress({ step: 'done', referenceNumber: held.referenceNumber });
  return { ok: true, value: { accessToken: r.value.accessToken, accessTokenValidUntil: validUntil } };
}

export type HandoffApprovalView = {
  readonly approved: boolean;
  readonly allowRefresh: boolean;
  readonly erpAddresses: readonly string[];
};

export async function approveHandoffFlow(
  deps: HandoffFlowDeps,
  input: {
    readonly origin: string;
    readonly companyId: string;
    readonly allowRefresh: boolean;
    readonly erpAddresses: readonly string[];
    readonly passphrase: string;
  },
): Promise<FlowResult<HandoffApprovalView>> {
  if (!checkAddresses(input.erpAddresses)) return flowFail('INVALID_INPUT', undefined, 'erpAddresses');
  // grantApproval confirms the passphrase itself (SECURITY.md §4: approvals and refresh grants).
  const r = await deps.vault.grantApproval({
    origin: input.origin,
    companyId: input.companyId,
    allowRefresh: input.allowRefresh,
    erpAddresses: input.erpAddresses,
    passphrase: input.passphrase,
  });
  if (!r.ok) return r;
  return {
    ok: true,
    value: { approved: true, allowRefresh: r.value.allowRefresh, erpAddresses: r.value.erpAddresses ?? [] },
  };
}

export async function handoffApprovalFlow(
  deps: HandoffFlowDeps,
  input: { readonly origin: string; readonly companyId: string },
): Promise<FlowResult<HandoffApprovalView>> {
  const r = await deps.vault.checkApproval(input);
  // A tampered approval is no approval (the MAC does not verify): the user is asked again.
  if (!r.ok) return r.error.reason === 'TAMPERED' ? { ok: true, value: none } : r;
  return {
    ok: true,
    value: {
      approved: r.value.approved,
      allowRefresh: r.value.allowRefresh,
      erpAddresses: r.value.erpAddresses ?? [],
    },
  };
}

const none: HandoffApprovalView = Object.freeze({ approved: false, allowRefresh: false, erpAddresses: [] });

export async function withdrawHandoffApprovalFlow(
  deps: HandoffFlowDeps,
  input: {
    readonly origin: string;
    readonly nip: string;
    readonly environment: EnvironmentId;
    readonly passphrase: string;
  },
): Promise<FlowResult<{ readonly removed: number }>> {
  const confirmed = await requirePassphrase(deps, input.passphrase);
  if (!confirmed.ok) return confirmed;
  const company = (await deps.vault.listCompanies()).find(
    (c) => c.nip === input.nip && c.environment === input.environment,
  );
  if (!company) return { ok: true, value: { removed: 0 } };
  const approvals = (await deps.vault.listApprovals()).filter(
    (a) => a.origin === input.origin && a.companyId === company.id,
  );
  let removed = 0;
  for (const a of approvals) {
    const r = await deps.vault.revokeApproval({ approvalId: a.id });
    if (!r.ok) return r;
    removed += r.value.removed;
  }
  return { ok: true, value: { removed } };
}

/**
 * The worker's runner for the hand-off methods (key-worker.ts dispatches them here; Node tests run
 * it in process). Arguments are checked against HANDOFF_FLOW_METHODS here too, so an in-process
 * caller gets the same strictness as the RPC. One operation id runs once at a time.
 */
export function createHandoffFlowRunner(service: { readonly deps: FlowDeps }) {
  const deps = service.deps;
  const running = new Set<string>();
  // Revocations run one after another: the wallet's sweep and "Revoke approval" in Settings may ask
  // for the same sessions at once, and the second must see the first's result (already revoked)
  // instead of racing it at KSeF and reporting a revoked session as still pending.
  let revocations: Promise<unknown> = Promise.resolve();
  return {
    async run(method: HandoffFlowMethod, params: unknown, link: FlowLink): Promise<unknown> {
      const parsed = v.safeParse(HANDOFF_FLOW_METHODS[method], params);
      if (!parsed.success) return flowFail('BAD_MESSAGE', undefined, method);
      const input = parsed.output as HandoffFlowInput<HandoffFlowMethod>;
      const operationId = input.operationId;
      if (running.has(operationId)) return flowFail('INVALID_INPUT', 'OPERATION_BUSY');
      running.add(operationId);
      const call: FlowCall = {
        transport: link.transport,
        signal: new AbortController().signal,
        progress: (p) => link.progress({ ...p, operationId }),
      };
      try {
        switch (method) {
          case 'mintHandoffSession':
            return await mintHandoffSessionFlow(deps, input as HandoffFlowInput<'mintHandoffSession'>, call);
          case 'revokeHandedSessions': {
            const turn = revocations.then(() =>
              revokeHandedSessionsFlow(deps, input as HandoffFlowInput<'revokeHandedSessions'>, call),
            );
            revocations = turn.catch(() => {});
            return await turn;
          }
          case 'refreshHandedSession':
            return await refreshHandedSessionFlow(
              deps,
              input as HandoffFlowInput<'refreshHandedSession'>,
              call,
            );
          case 'approveHandoff':
            return await approveHandoffFlow(deps, input as HandoffFlowInput<'approveHandoff'>);
          case 'handoffApproval':
            return await handoffApprovalFlow(deps, input as HandoffFlowInput<'handoffApproval'>);
          case 'withdrawHandoffApproval':
            return await withdrawHandoffApprovalFlow(
              deps,
              input as HandoffFlowInput<'withdrawHandoffApproval'>,
            );
        }
      } finally {
        running.delete(operationId);
      }
    },
  };
}

export type HandoffFlowRunner = ReturnType<typeof createHandoffFlowRunner>;
