/**
 * Login with an authorization request signed outside the wallet (REFERENCE §5.2), in the steps of
 * the ERP help page (seed/000): "Pobierz żądanie autoryzacyjne" (prepare: the worker fetches the
 * challenge and keeps it; the page gets the unsigned XML to save), "Zaloguj podpisanym żądaniem
 * autoryzacyjnym" (submit: the picked file is checked against THAT challenge and company, then sent
 * byte for byte), then in the list "Get status" and "Redeem access token" — or automatic polling.
 *
 * The operation token of a submitted login (the bearer of status and redeem, §2.1) stays in this
 * worker's memory with the list; the page sees reference numbers and statuses. Redeem is one-shot:
 * once tried — by the button or the automatic path — it is never tried again (a lost answer means a
 * new login, §3.5).
 */
import { toBase64 } from '../../shared/crypto/encoding.ts';
import {
  completeLogin,
  getAuthStatus,
  type PendingLogin,
  type PreparedSignedRequest,
  prepareSignedRequest,
  redeemAccessToken,
  submitSignedRequest,
} from '../../shared/ksef/index.ts';
import type { Clock } from '../../shared/platform.ts';
import type { AuthRequestView, FlowResult, PreparedRequestView, SessionSummary } from './flow-api.ts';
import {
  clientFor,
  type FlowCall,
  type FlowDeps,
  findCompany,
  flowFail,
  loginProgress,
} from './flow-context.ts';
import { recordLogin } from './session-access.ts';

/** How long the worker remembers a prepared request or a submitted login (its operation token lives 45 min). */
export const AUTH_BOOK = Object.freeze({ KEEP_MS: 60 * 60 * 1000, MAX_ENTRIES: 200 });

type Submitted = {
  readonly companyId: string;
  readonly pending: PendingLogin;
  readonly startedAt: number;
  status?: { code: number; description: string; details?: readonly string[] };
  redeemTried: boolean;
  sessionId?: string;
};

export type AuthRequestBook = {
  readonly prepared: Map<
    string,
    { readonly companyId: string; readonly request: PreparedSignedRequest; readonly at: number }
  >;
  readonly submitted: Map<string, Submitted>;
  prune(): void;
};

export function createAuthRequestBook(clock: Pick<Clock, 'now'>): AuthRequestBook {
  const prepared: AuthRequestBook['prepared'] = new Map();
  const submitted: AuthRequestBook['submitted'] = new Map();
  return {
    prepared,
    submitted,
    prune() {
      const cutoff = clock.now() - AUTH_BOOK.KEEP_MS;
      for (const [k, v] of prepared)
        if (v.at < cutoff || prepared.size > AUTH_BOOK.MAX_ENTRIES) prepared.delete(k);
      for (const [k, v] of submitted)
        if (v.startedAt < cutoff || submitted.size > AUTH_BOOK.MAX_ENTRIES) submitted.delete(k);
    },
  };
}

const view = (ref: string, s: Submitted): AuthRequestView => ({
  referenceNumber: ref,
  companyId: s.companyId,
  startedAt: s.startedAt,
  ...(s.status
    ? {
        statusCode: s.status.code,
        statusDescription: s.status.description,
        ...(s.status.details?.length ? { statusDetails: [...s.status.details] } : {}),
      }
    : {}),
  redeemed: s.redeemTried,
  ...(s.sessionId ? { sessionId: s.sessionId } : {}),
  warnings: s.pending.warnings,
});

function requestId(): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(12))).replace(/[+/=]/g, 'x');
}

export async function prepareSignedRequestFlow(
  deps: FlowDeps,
  book: AuthRequestBook,
  companyId: string,
  call: FlowCall,
): Promise<FlowResult<PreparedRequestView>> {
  const company = await findCompany(deps, companyId);
  if (!company.ok) return company;
  book.prune();
  call.progress({ step: 'challenge' });
  const r = await prepareSignedRequest(clientFor(deps, company.value, call), {}, { signal: call.signal });
  if (!r.ok) return r;
  const id = requestId();
  book.prepared.set(id, { companyId, request: r.value, at: deps.clock.now() });
  call.progress({ step: 'done', challengeLeftMs: r.value.challengeExpiresAtMs - deps.clock.now() });
  return {
    ok: true,
    value: {
      requestId: id,
      companyId,
      xml: r.value.xml,
      fileName: r.value.fileName,
      challenge: r.value.challenge,
      challengeTimestampMs: r.value.challengeTimestampMs,
      expiresAtMs: r.value.challengeExpiresAtMs,
      nip: r.value.context.value,
    },
  };
}

export async function submitSignedRequestFlow(
  deps: FlowDeps,
  book: AuthRequestBook,
  input: { requestId: string; file: Uint8Array },
  call: FlowCall,
): Promise<FlowResult<AuthRequestView>> {
  const prepared = book.prepared.get(input.requestId);
  if (!prepared)
    return flowFail('INVALID_INPUT', 'UNKNOWN_REQUEST', 'download the authorization request again');
  const company = await findCompany(deps, prepared.companyId);
  if (!company.ok) return company;
  call.progress({
    step: 'submitting',
    challengeLeftMs: Math.max(0, prepared.request.challengeExpiresAtMs - deps.clock.now()),
  });
  const r = await submitSignedRequest(clientFor(deps, company.value, call), prepared.request, input.file, {
    signal: call.signal,
  });
  if (!r.ok) return r;
  // The challenge is spent: a second submission of it would be 21111.
  book.prepared.delete(input.requestId);
  const entry: Submitted = {
    companyId: prepared.companyId,
    pending: r.value,
    startedAt: deps.clock.now(),
    redeemTried: false,
  };
  book.submitted.set(r.value.referenceNumber, entry);
  call.progress({ step: 'done', referenceNumber: r.value.referenceNumber });
  return { ok: true, value: view(r.value.referenceNumber, entry) };
}

export function listAuthRequests(book: AuthRequestBook, companyId: string): AuthRequestView[] {
  book.prune();
  return [...book.submitted.entries()]
    .filter(([, s]) => s.companyId === companyId)
    .map(([ref, s]) => view(ref, s))
    .sort((a, b) => b.startedAt - a.startedAt);
}

/** A flow on one submitted login, named by its reference number (Get status, Redeem, automatic polling). */
type SubmittedLoginFlow<T> = (
  deps: FlowDeps,
  book: AuthRequestBook,
  referenceNumber: string,
  call: FlowCall,
) => Promise<FlowResult<T>>;

/** Runs `flow` on the book's entry for the reference number; one it never had (or forgot) is UNKNOWN_REQUEST. */
function onSubmittedLogin<T>(
  flow: (deps: FlowDeps, referenceNumber: string, entry: Submitted, call: FlowCall) => Promise<FlowResult<T>>,
): SubmittedLoginFlow<T> {
  return async (deps, book, referenceNumber, call) => {
    const entry = book.submitted.get(referenceNumber);
    if (!entry) return flowFail('INVALID_INPUT', 'UNKNOWN_REQUEST');
    return flow(deps, referenceNumber, entry, call);
  };
}

export const getAuthStatusFlow = onSubmittedLogin<AuthRequestView>(
  async (deps, referenceNumber, entry, call) => {
    const company = await findCompany(deps, entry.companyId);
    if (!company.ok) return company;
    call.progress({ step: 'polling', referenceNumber });
    const r = await getAuthStatus(clientFor(deps, company.value, call), entry.pending, call.signal);
    if (!r.ok) return r;
    entry.status = {
      code: r.value.status.code,
      description: r.value.status.description,
      ...(r.value.status.details ? { details: r.value.status.details } : {}),
    };
    if (r.value.outcome === 'redeemed') entry.redeemTried = true;
    return { ok: true, value: view(referenceNumber, entry) };
  },
);

async function finish(
  deps: FlowDeps,
  referenceNumber: string,
  entry: Submitted,
  call: FlowCall,
  run: (client: ReturnType<typeof clientFor>) => ReturnType<typeof redeemAccessToken>,
): Promise<FlowResult<SessionSummary>> {
  if (entry.redeemTried) return flowFail('INVALID_INPUT', 'ALREADY_REDEEMED');
  const company = await findCompany(deps, entry.companyId);
  if (!company.ok) return company;
  const client = clientFor(deps, company.value, call);
  const r = await run(client);
  if (!r.ok) {
    // Redeem was reached (or its answer lost): never again for this login.
    if (r.error.code === 'REDEEM_LOST' || (r.error.code === 'KSEF_REJECTED' && r.error.ksef?.code === 21301))
      entry.redeemTried = true;
    if (r.error.ksef?.code !== undefined && r.error.ksef.httpStatus === 200)
      entry.status = {
        code: r.error.ksef.code,
        description: r.error.ksef.description ?? '',
        ...(r.error.ksef.details ? { details: r.error.ksef.details } : {}),
      };
    return r;
  }
  entry.redeemTried = true;
  entry.status = { code: 200, description: entry.status?.code === 200 ? entry.status.description : '' };
  call.progress({ step: 'recording', referenceNumber });
  const recorded = await recordLogin(deps, company.value, r.value);
  if (!recorded.ok) return recorded;
  entry.sessionId = recorded.value.session.id;
  call.progress({ step: 'done', referenceNumber });
  return { ok: true, value: recorded.value.summary };
}

export const redeemAccessTokenFlow = onSubmittedLogin<SessionSummary>(
  (deps, referenceNumber, entry, call) => {
    call.progress({ step: 'redeeming', referenceNumber });
    return finish(deps, referenceNumber, entry, call, (client) => {
      entry.redeemTried = true;
      return redeemAccessToken(client, entry.pending, { signal: call.signal });
    });
  },
);

export const awaitLoginFlow = onSubmittedLogin<SessionSummary>((deps, referenceNumber, entry, call) =>
  finish(deps, referenceNumber, entry, call, async (client) => {
    const r = await completeLogin(client, entry.pending, {
      signal: call.signal,
      onProgress: (p) => {
        if (p.statusCode !== undefined) entry.status = { code: p.statusCode, description: '' };
        if (p.phase === 'redeeming') entry.redeemTried = true;
        loginProgress(call)(p);
      },
    });
    return r;
  }),
);
