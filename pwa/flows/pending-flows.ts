/**
 * Resuming what a crash, a closed tab, a lock or a lost network left unfinished (ARCHITECTURE
 * "Nothing lost", SECURITY.md T12), at start and after every unlock:
 *
 *   token intent       → find a token carrying our nonce at KSeF (its secret was never seen):
 *                        revoke it, close the intent
 *   token generated    → the secret is safe: poll until Active, close
 *   enrollment key-ready → the CSR may never have arrived: send the stored CSR again
 *   enrollment submitted → look at the status; issued → retrieve and store; refused → close
 *
 * Items that need a session the wallet does not have (or KSeF now) wait for the next time; each
 * is reported, never dropped.
 */
import type { PendingView } from '../vault/vault-api.ts';
import { finishEnrollment, submitEnrollment } from './certificate-flows.ts';
import type { FlowError, FlowResult, ResumeReport } from './flow-api.ts';
import { type FlowCall, type FlowDeps, holding } from './flow-context.ts';
import { companyAccess } from './session-access.ts';
import { activateToken, revokeOrphans } from './token-flows.ts';

type Tally = {
  -readonly [K in Exclude<keyof ResumeReport, 'problems'>]: number;
};

async function resumeOne(
  deps: FlowDeps,
  p: PendingView,
  call: FlowCall,
  tally: Tally,
): Promise<FlowResult<void>> {
  const access = await companyAccess(deps, p.companyId, call, {
    signature: p.kind === 'enrollment' && p.stage === 'key-ready',
  });
  if (!access.ok) return access;
  const { company, client, accessToken: token } = access.value;

  if (p.kind === 'token' && p.stage === 'intent') {
    const revoked = await revokeOrphans(client, token, p.nonce, call);
    if (!revoked.ok) return revoked;
    const closed = await deps.vault.abandonTokenGeneration({ pendingId: p.id });
    if (!closed.ok) return closed;
    tally.orphansRevoked += revoked.value;
    tally.intentsClosed++;
    return { ok: true, value: undefined };
  }
  if (p.kind === 'token' && p.stage === 'generated' && p.tokenId) {
    const held = (await deps.vault.listTokens(p.companyId)).find((t) => t.id === p.tokenId);
    if (!held) return { ok: false, error: { code: 'INTERNAL', detail: 'pending token without its row' } };
    const r = await activateToken(deps, company, held, p, call);
    if (r.ok) tally.tokensActivated++;
    else if (r.error.code === 'TOKEN_FAILED') tally.tokensFailed++;
    else return r;
    return { ok: true, value: undefined };
  }
  if (p.kind === 'enrollment' && p.certificateId) {
    let pending = p;
    if (p.stage === 'key-ready') {
      const csr = await deps.vault.flows.enrollmentCsr(p.id);
      if (!csr.ok) return csr;
      const sent = await submitEnrollment(deps, client, token, p, csr.value, call);
      if (!sent.ok) {
        if (sent.error.code === 'KSEF_REJECTED') tally.enrollmentsRejected++;
        return sent.error.code === 'KSEF_REJECTED' ? { ok: true, value: undefined } : sent;
      }
      pending = { ...p, stage: 'submitted', referenceNumber: sent.value };
    }
    const r = await finishEnrollment(deps, client, token, p.certificateId, pending, call, {
      wait: false,
      retrieve: true,
    });
    if (!r.ok) {
      if (r.error.code === 'ENROLLMENT_REJECTED') {
        tally.enrollmentsRejected++;
        return { ok: true, value: undefined };
      }
      return r;
    }
    if (r.value.certificate) tally.certificatesRetrieved++;
    else tally.waiting++;
    return { ok: true, value: undefined };
  }
  return { ok: false, error: { code: 'INTERNAL', detail: `unknown pending ${p.kind}/${p.stage}` } };
}

export async function resumePendingWorkFlow(
  deps: FlowDeps,
  call: FlowCall,
): Promise<FlowResult<ResumeReport>> {
  // What a running flow is handling now is not interrupted work.
  const pending = (await deps.vault.pendingWork()).filter((p) => !deps.inFlight.has(p.id));
  const tally: Tally = {
    tokensActivated: 0,
    tokensFailed: 0,
    orphansRevoked: 0,
    intentsClosed: 0,
    certificatesRetrieved: 0,
    enrollmentsRejected: 0,
    waiting: 0,
  };
  const problems: { companyId: string; error: FlowError }[] = [];
  for (const [i, p] of pending.entries()) {
    if (call.signal.aborted) break;
    call.progress({ step: 'session', item: i + 1, items: pending.length });
    const r = await holding(deps, p.id, () => resumeOne(deps, p, call, tally));
    if (!r.ok) {
      tally.waiting++;
      problems.push({ companyId: p.companyId, error: r.error });
    }
  }
  call.progress({ step: 'done', items: pending.length });
  return { ok: true, value: { ...tally, problems } };
}
