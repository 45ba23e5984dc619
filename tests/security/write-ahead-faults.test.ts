/**
 * Nothing lost (T12, ARCHITECTURE "Nothing lost"): KSeF token generation and certificate enrollment
 * through the real key-worker flows and the real vault (support/wallet.ts: VaultService
 * on fake-indexeddb, the flow service, the sandbox over HTTP), with a fault at every request each
 * makes — the answer lost after KSeF acted (`drop`), the request lost before (`drop-before`), a 5xx,
 * a 5xx burst, a 429 storm, the tab closed as the request leaves — then the worker restarts (every
 * key and token in memory gone), the vault is unlocked and the pending work resumed.
 *
 * Then KSeF is asked what exists, and the vault must account for all of it: every token that is
 * Pending or Active at KSeF has its secret sealed in the vault (an orphan whose secret was never
 * seen must have been revoked), and every certificate KSeF issued has its private key in the vault.
 * A token or certificate KSeF holds that the vault cannot use is counted as lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KsefRequest } from '../../shared/ksef/transport-types.ts';
import type { Transport } from '../../shared/platform.ts';
import { randomNip } from '../integration/client/sandbox-fixture.ts';
import { tally } from './ledger.ts';
import { openFaultWallet, PASSPHRASE } from './support/wallet.ts';

let h: Awaited<ReturnType<typeof openFaultWallet>>;
beforeAll(async () => {
  h = await openFaultWallet();
});

function must<T>(r: { ok: true; value: T } | { ok: false; error: unknown }, what: string): T {
  if (!r.ok) throw new Error(`${what} failed: ${JSON.stringify(r.error)}`);
  return r.value;
}
afterAll(async () => {
  await h.close();
});

type Fault = 'drop' | 'drop-before' | '5xx' | '5xx burst' | '429 storm' | 'tab closed';
const FAULTS: readonly Fault[] = ['drop', 'drop-before', '5xx', '5xx burst', '429 storm', 'tab closed'];

function inject(operation: string, fault: Fault) {
  const c = h.sandbox.sandbox.control;
  c.clearFaults();
  if (fault === 'drop' || fault === 'drop-before') c.injectFault({ operation, kind: fault });
  if (fault === '5xx') c.injectFault({ operation, kind: 'error', status: 503 });
  if (fault === '5xx burst') c.injectFault({ operation, kind: 'error', status: 500, times: 4 });
  if (fault === '429 storm')
    c.injectFault({ operation, kind: 'rate-limit', retryAfterSeconds: 0, times: 12 });
}

/** A flow client over a transport that closes the "tab" (aborts the flow) as `operation` leaves. */
function clientClosingAt(operation: string | null, controller: AbortController) {
  const inner = h.sandbox.transport;
  const transport: Transport = {
    send: (req: KsefRequest, signal) => {
      if (operation && req.operation === operation) controller.abort();
      return inner.send(req, signal);
    },
  };
  return h.flows(transport);
}

/** The worker goes away and comes back: unlock, resume what is pending (no faults now). */
async function restartAndResume() {
  h.sandbox.sandbox.control.clearFaults();
  await h.restart();
  must(await h.vault.unlock(PASSPHRASE), 'unlock');
  return h.flows().call('resumePendingWork', {});
}

async function freshCompany() {
  const company = await h.company(randomNip());
  must(await h.flows().call('loginWithTestCertificate', { companyId: company.id }), 'login');
  return company;
}

/** Tokens KSeF holds (Pending, Active) that the vault cannot use, and pending rows that cannot resume. */
async function lostTokens(companyId: string): Promise<string[]> {
  const atKsef = must(await h.flows().call('listKsefTokens', { companyId }), 'KSeF tokens');
  const problems: string[] = [];
  for (const token of atKsef) {
    if (!['Pending', 'Active'].includes(token.status)) continue; // revoked orphans are fine
    if (!token.tokenId) {
      problems.push(`${token.status} token ${token.referenceNumber} unknown to the vault`);
      continue;
    }
    const secret = await h.vault.flows.tokenSecret(token.tokenId);
    if (!secret.ok || !secret.value.startsWith(`${token.referenceNumber}|`))
      problems.push(`secret of ${token.referenceNumber} does not open`);
  }
  // What is still pending must be resumable (it names what it waits for).
  for (const p of (await h.vault.pendingWork()).filter((x) => x.companyId === companyId))
    if (p.stage !== 'intent' && !p.referenceNumber) problems.push(`pending ${p.stage} without a reference`);
  return problems;
}

describe('token generation with a fault at every step (T12)', () => {
  it('leaves every token KSeF made either sealed in the vault or revoked', async () => {
    const t = tally('T12', 'write-ahead: token generation, a fault at every step, vault read afterwards');
    for (const operation of ['POST /tokens', 'GET /tokens/{referenceNumber}']) {
      for (const fault of FAULTS) {
        const company = await freshCompany();
        inject(operation, fault);
        const controller = new AbortController();
        const flows = clientClosingAt(fault === 'tab closed' ? operation : null, controller);
        const opts = { signal: controller.signal };
        const generated = await flows.call(
          'generateToken',
          { companyId: company.id, description: 'generowanie z awarią', permissions: ['InvoiceRead'] },
          opts,
        );
        if (generated.ok)
          await flows
            .call('awaitTokenActive', { tokenId: generated.value.tokenId }, opts)
            .catch(() => undefined);
        const resumed = await restartAndResume();
        const problems = await lostTokens(company.id);
        t.add({
          lost: problems.length > 0,
          note: `${operation} / ${fault}: ${problems.join('; ')} (flow ${generated.ok ? 'ok' : generated.error.code}, resume ${JSON.stringify(resumed)})`,
        });
        expect(problems, `${operation} / ${fault}`).toEqual([]);
        expect(resumed.ok, `${operation} / ${fault}: resume`).toBe(true);
      }
    }
    // Positive control: a token whose row the vault lost is seen as lost.
    const company = await freshCompany();
    const made = must(
      await h.flows().call('generateToken', {
        companyId: company.id,
        description: 'kontrola',
        permissions: ['InvoiceRead'],
      }),
      'control token',
    );
    must(await h.vault.removeToken({ tokenId: made.tokenId }), 'forget the token');
    expect((await lostTokens(company.id)).length).toBeGreaterThan(0);
    t.control();
    expect(t.record().notes).toEqual([]);
  });
});

describe('certificate enrollment with a fault at every step (T12)', () => {
  it('leaves every certificate KSeF issued with its private key in the vault', async () => {
    const t = tally(
      'T12',
      'write-ahead: certificate enrollment, a fault at every step, vault read afterwards',
    );
    const operations = [
      'GET /certificates/enrollments/data',
      'POST /certificates/enrollments',
      'GET /certificates/enrollments/{referenceNumber}',
      'POST /certificates/retrieve',
    ];
    for (const operation of operations) {
      for (const fault of FAULTS) {
        const company = await freshCompany();
        inject(operation, fault);
        const controller = new AbortController();
        const flows = clientClosingAt(fault === 'tab closed' ? operation : null, controller);
        const enrolled = await flows.call(
          'enrollCertificate',
          {
            companyId: company.id,
            certificateName: 'Wniosek z awarią',
            certificateType: 'Authentication',
            algorithm: 'ECDSA-P256',
            excludeFromBackup: false,
            automatic: true,
          },
          { signal: controller.signal },
        );
        // A first start may find KSeF still issuing; then a second one retrieves.
        const first = await restartAndResume();
        const stillPending = (await h.vault.pendingWork()).some((p) => p.companyId === company.id);
        const resumed = stillPending ? await restartAndResume() : first;
        const atKsef = must(
          await h.flows().call('queryKsefCertificates', { companyId: company.id }),
          'KSeF certificates',
        );
        const vaultCerts = await h.vault.listCertificates(company.id);
        const problems: string[] = [];
        for (const c of atKsef) {
          if (c.status !== 'Active') continue;
          const mine = vaultCerts.find((v) => v.id === c.certificateId || v.serialNumber === c.serialNumber);
          if (!mine) problems.push(`certificate ${c.serialNumber} unknown to the vault`);
          else if (!mine.hasPrivateKey) problems.push(`certificate ${c.serialNumber} without its key`);
        }
        for (const p of (await h.vault.pendingWork()).filter((x) => x.companyId === company.id))
          if (p.stage !== 'intent' && !p.referenceNumber && !p.hasCsr)
            problems.push(`pending ${p.stage} neither submitted nor re-sendable`);
        t.add({
          lost: problems.length > 0,
          note: `${operation} / ${fault}: ${problems.join('; ')} (flow ${enrolled.ok ? 'ok' : enrolled.error.code}, resume ${JSON.stringify(first)} ${JSON.stringify(resumed)})`,
        });
        expect(problems, `${operation} / ${fault}`).toEqual([]);
        expect(resumed.ok, `${operation} / ${fault}: resume`).toBe(true);
      }
    }
    expect(t.record().notes).toEqual([]);
  });
});
