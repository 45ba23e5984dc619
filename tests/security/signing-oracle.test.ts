/**
 * T10 (signing oracle): the key worker signs or encrypts only what a flow built from a challenge it
 * fetched itself. Nothing a page can call takes a challenge, a document, XML or bytes to sign or
 * encrypt:
 *
 *  - the schemas of every vault and flow method of the worker's RPC are walked: no field anywhere
 *    is named like a challenge, a document or signing input;
 *  - generated requests to every vault method through the real RPC server (over a MessagePort, as
 *    the page reaches the worker) carrying a supplied challenge, AuthTokenRequest XML, a token to
 *    encrypt or bytes to sign under such names are refused before the vault sees them, and the
 *    vault's IndexedDB is byte-identical afterwards; the same inputs are refused by every flow
 *    method's schema;
 *  - the self-signed test signer is refused for DEMO and PRD companies.
 */
import { MessageChannel } from 'node:worker_threads';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOW_METHODS } from '../../pwa/flows/flow-contract.ts';
import { METHODS, RPC } from '../../pwa/vault/rpc-contract.ts';
import { serveVault } from '../../pwa/vault/rpc-server.ts';
import { createFetchTransport } from '../../shared/ksef/fetch-transport.ts';
import { createKsefClient, loginWithTestCertificate } from '../../shared/ksef/index.ts';
import { systemClock } from '../../shared/platform.ts';
import { tally } from './ledger.ts';
import { seeded } from './support/prng.ts';
import { filledVault, openSecurityVault, type SecurityVault } from './support/vault.ts';

/** Names a signing or encryption input would go by. */
const SIGNING_INPUT_NAMES = [
  'challenge',
  'challengeTimestamp',
  'timestampMs',
  'xml',
  'document',
  'authTokenRequest',
  'signedXml',
  'toSign',
  'data',
  'payload',
  'bytes',
  'digest',
  'encryptedToken',
  'plaintext',
  'token',
  'message',
];
const SUSPICIOUS = /challenge|xml|document|tosign|digest|payload|plaintext|encrypt|^data$|^bytes$|^message$/i;

/** Every property name in a valibot schema, at any depth (objects, arrays, unions, pipes). */
function propertyNames(schema: unknown, seen = new Set<unknown>()): string[] {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return [];
  seen.add(schema);
  const s = schema as {
    entries?: Record<string, unknown>;
    item?: unknown;
    options?: unknown[];
    wrapped?: unknown;
    pipe?: unknown[];
    key?: unknown;
    value?: unknown;
  };
  const names: string[] = [];
  if (s.entries) for (const [k, e] of Object.entries(s.entries)) names.push(k, ...propertyNames(e, seen));
  for (const child of [s.item, s.wrapped, s.key, s.value, ...(s.options ?? []), ...(s.pipe ?? [])])
    names.push(...propertyNames(child, seen));
  return names;
}

let h: SecurityVault;
let filled: Awaited<ReturnType<typeof filledVault>>;
let send: (method: string, params: unknown) => Promise<Record<string, unknown>>;
let close: () => void;

beforeAll(async () => {
  h = openSecurityVault();
  filled = await filledVault(h.vault);
  const { port1, port2 } = new MessageChannel();
  serveVault(port2 as never, h.vault);
  const waiting = new Map<string, (reply: Record<string, unknown>) => void>();
  port1.on('message', (m: Record<string, unknown>) => {
    const id = m.id as string | undefined;
    if (id && waiting.has(id)) {
      waiting.get(id)!(m);
      waiting.delete(id);
    }
  });
  let n = 0;
  send = (method, params) =>
    new Promise((resolve) => {
      const id = `oracle-${String(++n).padStart(8, '0')}`;
      waiting.set(id, resolve);
      port1.postMessage({ rpc: RPC.PROTOCOL, v: RPC.VERSION, id, method, params });
    });
  close = () => {
    port1.close();
    port2.close();
  };
});
afterAll(() => {
  close();
  h.close();
});

describe('no method of the key worker takes signing input (T10)', () => {
  it('names no challenge, document or signing input in any vault or flow method schema', () => {
    const t = tally('T10', 'worker RPC schemas walked for signing input');
    const all = { ...METHODS, ...FLOW_METHODS } as Record<string, unknown>;
    for (const [method, schema] of Object.entries(all)) {
      const suspicious = propertyNames(schema).filter((n) => SUSPICIOUS.test(n));
      t.add({ leaked: suspicious.length > 0, note: `${method}: ${suspicious.join(', ')}` });
    }
    // Positive control: the walker finds a field where one exists.
    expect(
      propertyNames(v.strictObject({ a: v.array(v.strictObject({ challenge: v.string() })) })),
    ).toContain('challenge');
    t.control();
    const r = t.record();
    expect(r.notes).toEqual([]);
    expect(r.tried).toBeGreaterThan(60);
  });

  it('refuses 400 generated vault calls carrying a supplied challenge or document, before the vault sees them', async () => {
    const rand = seeded(10_10);
    const t = tally('T10', 'supplied challenges and documents sent to the worker RPC');
    const before = await h.dump();
    const methods = Object.keys(METHODS);
    const challenge = '20261201-CR-1A2B3C4D5E-6F7A8B9C0D-E1';
    const values = [
      challenge,
      `<AuthTokenRequest xmlns="http://ksef.mf.gov.pl/auth/token/2.0"><Challenge>${challenge}</Challenge></AuthTokenRequest>`,
      new TextEncoder().encode('bytes to sign'),
      { challenge, timestampMs: 1_764_590_400_000 },
      `${filled.token.referenceNumber}|${Date.now()}`,
    ];
    const codes = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const method = rand.pick(methods);
      const name = rand.pick(SIGNING_INPUT_NAMES);
      const value = rand.pick(values);
      // Plausible arguments for the method, plus the supplied input — or the input alone.
      const base = plausibleArgs(method);
      // (A bare string is no signing input: where a method takes one, it is a passphrase or an id.)
      const params =
        base && typeof base === 'object' && rand.chance(0.8) ? { ...base, [name]: value } : { [name]: value };
      const reply = await send(method, params);
      const failure = reply.failure as { reason?: string } | undefined;
      const refused = failure?.reason === 'BAD_REQUEST';
      codes.set(
        refused ? 'BAD_REQUEST' : 'answered',
        (codes.get(refused ? 'BAD_REQUEST' : 'answered') ?? 0) + 1,
      );
      t.add({
        leaked: !refused,
        note: `#${i} ${method}(${JSON.stringify(params).slice(0, 80)}): ${JSON.stringify(reply).slice(0, 120)}`,
      });
    }
    const after = await h.dump();
    t.add({ lost: after !== before, note: 'the vault changed' });
    // Positive control: the same server answers a well-formed call.
    expect(await send('listCompanies', undefined)).toMatchObject({
      result: [expect.objectContaining({ nip: filled.company.nip })],
    });
    t.control();
    const r = t.record();
    expect(r.notes).toEqual([]);
  });

  it('refuses the same inputs in every flow method of the worker (the contract it checks first)', () => {
    const rand = seeded(20);
    const t = tally('T10', 'supplied challenges and documents sent to the worker RPC');
    const methods = Object.keys(FLOW_METHODS) as (keyof typeof FLOW_METHODS)[];
    for (let i = 0; i < 300; i++) {
      const method = rand.pick(methods);
      const name = rand.pick(SIGNING_INPUT_NAMES);
      const input = {
        operationId: 'operation-0001',
        companyId: filled.company.id,
        requestId: 'r1',
        referenceNumber: '20261201-AU-1A2B3C4D5E-6F7A8B9C0D-E1',
        [name]: rand.pick(['20261201-CR-1A2B3C4D5E-6F7A8B9C0D-E1', '<AuthTokenRequest/>', new Uint8Array(4)]),
      };
      const parsed = v.safeParse(FLOW_METHODS[method] as v.GenericSchema, input);
      t.add({ leaked: parsed.success, note: `#${i} ${method} accepted ${name}` });
    }
    expect(t.record().notes).toEqual([]);
  });
});

describe('the test signer is off outside TEST and sandboxes (T10)', () => {
  it('refuses a self-signed test certificate login on DEMO and PRD without sending anything', async () => {
    const t = tally('T10', 'test signer asked for on DEMO / PRD');
    let requests = 0;
    const transport = createFetchTransport({
      fetch: async (...args) => {
        requests += 1;
        return fetch(...args);
      },
      resolveBaseUrl: () => 'http://127.0.0.1:9/v2',
    });
    for (const env of ['DEMO', 'PRD'] as const) {
      for (let i = 0; i < 10; i++) {
        const client = createKsefClient({
          transport,
          clock: systemClock,
          subtle: crypto.subtle,
          env,
          context: { type: 'Nip', value: filled.company.nip },
        });
        const r = await loginWithTestCertificate(client);
        t.add({ leaked: r.ok || requests > 0, note: `${env}: ${JSON.stringify(r)}` });
        expect(r).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
      }
    }
    expect(requests).toBe(0);
    expect(t.record().notes).toEqual([]);
  });
});

/** Arguments shaped like each vault method's real ones (what a page would send). */
function plausibleArgs(method: string): unknown {
  const company = filled.company.id;
  const args: Record<string, unknown> = {
    unlock: 'zielona żaba skacze przez płot',
    lock: 'user',
    setIdleMinutes: 15,
    rekey: 'x',
    estimatePassphrase: 'x',
    listCertificates: company,
    listTokens: company,
    listSessions: company,
    addCompany: { name: 'X', nip: '5265877635', environment: 'TEST' },
    renameCompany: { companyId: company, name: 'Y' },
    removeCompany: { companyId: company },
    beginTokenGeneration: { companyId: company, description: 'x', permissions: ['InvoiceRead'] },
    recordTokenGenerated: { pendingId: 'p', referenceNumber: 'r', secret: 's' },
    revealTokenSecret: { tokenId: filled.token.id, passphrase: 'x' },
    grantApproval: {
      origin: 'https://erp.example',
      companyId: company,
      allowRefresh: false,
      passphrase: 'x',
    },
    checkApproval: { origin: 'https://erp.example', companyId: company },
    exportBackup: { passphrase: 'x', backupPassphrase: 'y' },
    listActivity: { limit: 10 },
  };
  return args[method] ?? { companyId: company };
}
