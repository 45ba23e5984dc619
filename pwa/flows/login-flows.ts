/**
 * The logins the worker runs by itself (ARCHITECTURE "The three login methods"): with the test
 * certificate (TEST and sandboxes only), with a KSeF certificate whose key never leaves this worker
 * (non-extractable, unwrapped for this one signature), with a KSeF token whose secret is opened for
 * this one encryption. Each fetches its own challenge, signs or encrypts for it and submits at once
 * (SECURITY.md T10), then polls, redeems once, and records the session.
 *
 * `loginCompany` is also the entry point for the hand-off (`mintHandoffSession`): it returns the
 * raw login too, which never leaves the worker except for delivery to the extension.
 */

import type { AuthorizationPolicy } from '../../shared/crypto/index.ts';
import { isTestEnvironment } from '../../shared/ksef/environments.ts';
import {
  type LoginResult,
  loginWithKsefCertificate,
  loginWithKsefToken,
  loginWithTestCertificate,
} from '../../shared/ksef/index.ts';
import type { Result } from '../../shared/result.ts';
import type { CompanyRow } from '../vault/records.ts';
import type { CertificateView, SessionView, TokenView } from '../vault/vault-api.ts';
import { canLogInWithCertificate } from './certificate-login.ts';
import type { FlowResult, SessionSummary } from './flow-api.ts';
import {
  clientFor,
  type FlowCall,
  type FlowDeps,
  findCompany,
  flowFail,
  loginProgress,
} from './flow-context.ts';
import { recordLogin } from './session-access.ts';

export type Credential =
  | { readonly kind: 'test-certificate' }
  | { readonly kind: 'certificate'; readonly certificateId?: string }
  | { readonly kind: 'token'; readonly tokenId?: string }
  | { readonly kind: 'default' };

export type LoginOptions = {
  /** Restrict the session to these addresses (hand-off: the challenge's clientIp + the ERP's egress). */
  readonly authorizationPolicy?: AuthorizationPolicy;
  /** The ERP origin a hand-off session goes to (recorded with the session). */
  readonly handedTo?: string;
};

export type CompletedLogin = {
  readonly login: LoginResult;
  readonly session: SessionView;
  readonly summary: SessionSummary;
};

/** The company's default certificate (or the one asked for), if it can log in. */
async function pickCertificate(
  deps: FlowDeps,
  company: CompanyRow,
  certificateId?: string,
): Promise<FlowResult<CertificateView>> {
  const list = await deps.vault.listCertificates(company.id);
  const cert = certificateId ? list.find((c) => c.id === certificateId) : list.find((c) => c.isDefault === 1);
  if (!cert)
    return flowFail(
      'INVALID_INPUT',
      'NO_DEFAULT_CREDENTIAL',
      certificateId ? 'unknown certificate' : undefined,
    );
  if (!canLogInWithCertificate(cert))
    return flowFail('INVALID_INPUT', 'CERTIFICATE_NOT_FOR_LOGIN', cert.state);
  return { ok: true, value: cert };
}

async function pickToken(
  deps: FlowDeps,
  company: CompanyRow,
  tokenId?: string,
): Promise<FlowResult<TokenView>> {
  const list = await deps.vault.listTokens(company.id);
  const token = tokenId ? list.find((t) => t.id === tokenId) : list.find((t) => t.isDefault === 1);
  if (!token)
    return flowFail('INVALID_INPUT', 'NO_DEFAULT_CREDENTIAL', tokenId ? 'unknown token' : undefined);
  return { ok: true, value: token };
}

async function certificateLogin(
  deps: FlowDeps,
  company: CompanyRow,
  cert: CertificateView,
  call: FlowCall,
  options: LoginOptions,
): Promise<Result<LoginResult>> {
  const key = await deps.vault.flows.signingKey(cert.id);
  if (!key.ok) return key;
  if (!key.value.certificateDer)
    return flowFail('INVALID_INPUT', 'CERTIFICATE_NOT_FOR_LOGIN', 'not retrieved');
  return loginWithKsefCertificate(
    clientFor(deps, company, call),
    {
      privateKey: key.value.privateKey,
      certificateDer: key.value.certificateDer,
      ...(options.authorizationPolicy ? { authorizationPolicy: options.authorizationPolicy } : {}),
    },
    { signal: call.signal, onProgress: loginProgress(call) },
  );
}

async function tokenLogin(
  deps: FlowDeps,
  company: CompanyRow,
  token: TokenView,
  call: FlowCall,
  options: LoginOptions,
): Promise<Result<LoginResult>> {
  const secret = await deps.vault.flows.tokenSecret(token.id);
  if (!secret.ok) return secret;
  return loginWithKsefToken(
    clientFor(deps, company, call),
    {
      token: secret.value,
      ...(options.authorizationPolicy ? { authorizationPolicy: options.authorizationPolicy } : {}),
    },
    { signal: call.signal, onProgress: loginProgress(call) },
  );
}

/** Logs the company in with the given credential and records the session. */
export async function loginCompany(
  deps: FlowDeps,
  companyId: string,
  credential: Credential,
  call: FlowCall,
  options: LoginOptions = {},
): Promise<FlowResult<CompletedLogin>> {
  const company = await findCompany(deps, companyId);
  if (!company.ok) return company;
  const c = company.value;
  let login: Result<LoginResult>;
  let credentialId: string | undefined;
  if (credential.kind === 'test-certificate') {
    // The test signer is off on DEMO and PRD (SECURITY.md T10): refused before any request.
    if (!isTestEnvironment(c.environment)) return flowFail('NOT_ALLOWED', 'NOT_TEST_ENVIRONMENT');
    // A fresh throwaway key and certificate each time: nothing of it is kept.
    login = await loginWithTestCertificate(
      clientFor(deps, c, call),
      {},
      { signal: call.signal, onProgress: loginProgress(call) },
    );
  } else if (credential.kind === 'certificate') {
    const cert = await pickCertificate(deps, c, credential.certificateId);
    if (!cert.ok) return cert;
    credentialId = cert.value.id;
    login = await certificateLogin(deps, c, cert.value, call, options);
  } else if (credential.kind === 'token') {
    const token = await pickToken(deps, c, credential.tokenId);
    if (!token.ok) return token;
    credentialId = token.value.id;
    login = await tokenLogin(deps, c, token.value, call, options);
  } else {
    // Certificates first: they outlive the token sunset and their key never leaves the worker.
    const cert = await pickCertificate(deps, c);
    if (cert.ok) {
      credentialId = cert.value.id;
      login = await certificateLogin(deps, c, cert.value, call, options);
    } else {
      const token = await pickToken(deps, c);
      if (!token.ok) return token;
      credentialId = token.value.id;
      login = await tokenLogin(deps, c, token.value, call, options);
    }
  }
  if (!login.ok) return login;
  call.progress({ step: 'recording', referenceNumber: login.value.referenceNumber });
  const recorded = await recordLogin(deps, c, login.value, credentialId, options.handedTo);
  if (!recorded.ok) return recorded;
  call.progress({ step: 'done', referenceNumber: login.value.referenceNumber });
  return { ok: true, value: { login: login.value, ...recorded.value } };
}

export async function loginFlow(
  deps: FlowDeps,
  companyId: string,
  credential: Credential,
  call: FlowCall,
): Promise<FlowResult<SessionSummary>> {
  const r = await loginCompany(deps, companyId, credential, call);
  return r.ok ? { ok: true, value: r.value.summary } : r;
}
