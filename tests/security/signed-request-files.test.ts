/**
 * T10 (signing oracle) for the first login method: the wallet submits a user-signed AuthTokenRequest
 * only when it is built on the challenge this very flow fetched, for this company, intact — so it can
 * never be used to submit (or to have the user sign) a document for someone else's challenge. And
 * the signed file is hostile input (T12): DOCTYPE, entities, XXE, billion laughs, a huge file, two
 * signatures, a wrong namespace.
 *
 * Every generated file goes through the product path — `submitSignedRequest` of the KSeF client
 * against the real sandbox, whose request log tells whether anything was submitted — and, where the
 * file is refused for its content, also straight to the sandbox's own verifier (an independent
 * implementation, xml-crypto), which must refuse it too. A case leaks when a session or a 202
 * submission comes out of a file that must be refused, or when an external entity was fetched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.ts';
import type { ContextIdentifier } from '../../shared/crypto/index.ts';
import {
  buildSignedAuthTokenRequest,
  CRYPTO_ERROR_CODES,
  createSelfSignedTestCertificate,
  generateSigningKey,
} from '../../shared/crypto/index.ts';
import { createFetchTransport } from '../../shared/ksef/fetch-transport.ts';
import {
  createKsefClient,
  type KsefClient,
  loginWithSignedRequest,
  type PreparedSignedRequest,
  prepareSignedRequest,
} from '../../shared/ksef/index.ts';
import type { Clock } from '../../shared/platform.ts';
import { systemClock } from '../../shared/platform.ts';
import { tally } from './ledger.ts';
import { type LoopbackServer, startLoopbackServer } from './support/background.ts';
import { seeded } from './support/prng.ts';

const subtle = globalThis.crypto.subtle;
const ENV = 'custom:sandbox' as const;
const NIP = '5265877635';
const OTHER_NIP = '9512345675';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let attacker: LoopbackServer;
let transport: ReturnType<typeof createFetchTransport>;

type Signer = { privateKey: CryptoKey; certificateDer: Uint8Array };
const signers = new Map<string, Signer>();

async function signerFor(nip: string, alg: 'ECDSA-P256' | 'RSA-2048' = 'ECDSA-P256'): Promise<Signer> {
  const key = `${nip}/${alg}`;
  const known = signers.get(key);
  if (known) return known;
  const dataKey = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
  const k = await generateSigningKey(subtle, alg, dataKey, new TextEncoder().encode('security-suite'));
  if (!k.ok) throw new Error(k.error.reason);
  const cert = await createSelfSignedTestCertificate(
    subtle,
    { kind: 'seal', nip, organizationName: `Firma ${nip}` },
    k.value,
    systemClock,
  );
  if (!cert.ok) throw new Error(cert.error.reason);
  const s = { privateKey: k.value.privateKey, certificateDer: cert.value };
  signers.set(key, s);
  return s;
}

function client(clock: Clock = systemClock, nip = NIP): KsefClient {
  return createKsefClient({ transport, clock, subtle, env: ENV, context: { type: 'Nip', value: nip } });
}

/** What the user would do outside the wallet: sign the downloaded request (here for any challenge/context). */
async function sign(challenge: string, context: ContextIdentifier, signer: Signer): Promise<string> {
  const xml = await buildSignedAuthTokenRequest(
    { subtle, clock: systemClock },
    { challenge, context, subjectIdentifierType: 'certificateSubject', signer },
  );
  if (!xml.ok) throw new Error(xml.error.reason);
  return xml.value;
}

const submissions = () =>
  sandbox.control.requests().filter((r) => r.operation === 'POST /auth/xades-signature').length;

/** The file straight to the sandbox's verifier (no client checks): its HTTP status and KSeF code. */
async function sandboxVerdict(xml: string | Uint8Array): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(`${sandbox.baseUrl}/auth/xades-signature`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', 'x-error-format': 'problem-details' },
      body: typeof xml === 'string' ? xml : new Blob([new Uint8Array(xml)]),
    });
    return { status: res.status, body: await res.text() };
  } catch {
    // The sandbox cuts a body over its 1 MiB cap short (413 and a closed socket): refused.
    return { status: 0, body: 'connection closed by the sandbox' };
  }
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, rateLimits: 'off' });
  attacker = await startLoopbackServer();
  transport = createFetchTransport({
    fetch,
    resolveBaseUrl: (env) => (env === ENV ? sandbox.baseUrl : null),
  });
});
afterAll(async () => {
  await sandbox.close();
  await attacker.close();
});

/** Runs the product path on a prepared request and one file; what happened, from the sandbox's log. */
async function productPath(c: KsefClient, prepared: PreparedSignedRequest, file: string | Uint8Array) {
  const before = submissions();
  const r = await loginWithSignedRequest(c, prepared, file);
  return { r, submitted: submissions() - before };
}

describe('files for a challenge this flow did not fetch (T10)', () => {
  it('refuses 200 signed files built on another challenge, for another company or after expiry — before submitting', async () => {
    const rand = seeded(10);
    const t = tally('T10', 'signed files for a foreign challenge, company or expired challenge');
    const c = client();
    const reasons = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const prepared = await prepareSignedRequest(c);
      if (!prepared.ok) throw new Error(prepared.error.code);
      const ctx = { type: 'Nip', value: NIP } as const;
      const kind = rand.int(0, 4);
      let file: string;
      let label: string;
      let flowClient = c;
      if (kind === 0) {
        // A real, live challenge of the same company — fetched by someone else (an attacker's tab).
        const other = await client().auth.challenge();
        if (!other.ok) throw new Error(other.error.code);
        file = await sign(other.value.challenge, ctx, await signerFor(NIP));
        label = 'another live challenge of the company';
      } else if (kind === 1) {
        file = await sign(
          prepared.value.challenge.replace(/[0-9A-F](?=[^0-9A-F]*$)/, (d) => (d === '0' ? '1' : '0')),
          ctx,
          await signerFor(NIP),
        );
        label = 'a challenge one character off';
      } else if (kind === 2) {
        file = await sign(
          prepared.value.challenge,
          { type: 'Nip', value: OTHER_NIP },
          await signerFor(OTHER_NIP),
        );
        label = 'the right challenge, another company';
      } else if (kind === 3) {
        file = await sign(
          prepared.value.challenge,
          { type: 'InternalId', value: `${NIP}-00001` },
          await signerFor(NIP),
        );
        label = 'the right challenge, another context type';
      } else {
        // The user comes back 11 minutes later (our clock): the challenge has expired.
        file = await sign(prepared.value.challenge, ctx, await signerFor(NIP));
        const later: Clock = { ...systemClock, now: () => Date.now() + 11 * 60_000 };
        flowClient = client(later);
        label = 'the right file, challenge expired on our clock';
      }
      const { r, submitted } = await productPath(flowClient, prepared.value, file);
      const reason = r.ok ? 'session' : ((r.error as { reason?: string }).reason ?? r.error.code);
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      t.add({ leaked: r.ok || submitted > 0, note: `#${i} ${label}: ${reason}, ${submitted} submitted` });
      expect(r.ok, `#${i} ${label}`).toBe(false);
      expect(
        ['AUTH_REQUEST_WRONG_CHALLENGE', 'AUTH_REQUEST_WRONG_CONTEXT', 'AUTH_REQUEST_CHALLENGE_EXPIRED'],
        `#${i} ${label}`,
      ).toContain(reason);
    }
    expect(t.record().notes).toEqual([]);
    expect(reasons.size).toBe(3);
  });

  it('logs in with the right file for the right challenge (positive control)', async () => {
    const c = client();
    const prepared = await prepareSignedRequest(c);
    if (!prepared.ok) throw new Error(prepared.error.code);
    const file = await sign(prepared.value.challenge, { type: 'Nip', value: NIP }, await signerFor(NIP));
    const { r, submitted } = await productPath(c, prepared.value, file);
    expect(r.ok).toBe(true);
    expect(submitted).toBe(1);
  });
});

describe('hostile signed files (T10, T12)', () => {
  const NS = 'http://ksef.mf.gov.pl/auth/token/2.0';

  /** Variants of a correctly signed file, each one certainly unacceptable. */
  function hostile(
    rand: ReturnType<typeof seeded>,
    xml: string,
  ): { label: string; file: string | Uint8Array } {
    const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
    const decl = '<?xml version="1.0" encoding="UTF-8"?>';
    const xxeUrl = `${attacker.origin}/xxe`;
    const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(xml)?.[0] ?? '';
    switch (rand.int(0, 11)) {
      case 0:
        return {
          label: 'DOCTYPE with an internal entity',
          file: `${decl}<!DOCTYPE AuthTokenRequest [<!ENTITY c "${rand.string(8)}">]>${body.replace('<Challenge>', '<Challenge>&c;')}`,
        };
      case 1: {
        const lol = [
          '<!ENTITY l0 "lol">',
          ...Array.from({ length: 9 }, (_, k) => `<!ENTITY l${k + 1} "${`&l${k};`.repeat(10)}">`),
        ].join('');
        return {
          label: 'billion laughs',
          file: `${decl}<!DOCTYPE AuthTokenRequest [${lol}]>${body.replace('<Challenge>', '<Challenge>&l9;')}`,
        };
      }
      case 2:
        return {
          label: 'external entity (XXE) to a loopback server',
          file: `${decl}<!DOCTYPE AuthTokenRequest [<!ENTITY x SYSTEM "${xxeUrl}">]>${body.replace('<Challenge>', '<Challenge>&x;')}`,
        };
      case 3:
        return {
          label: 'external entity (XXE) to a local file',
          file: `${decl}<!DOCTYPE AuthTokenRequest [<!ENTITY x SYSTEM "file:///etc/hostname">]>${body.replace('<Challenge>', '<Challenge>&x;')}`,
        };
      case 4:
        return {
          label: 'external DTD and parameter entities',
          file: `${decl}<!DOCTYPE AuthTokenRequest SYSTEM "${xxeUrl}/dtd" [<!ENTITY % p SYSTEM "${xxeUrl}/p"> %p;]>${body}`,
        };
      case 5:
        return {
          label: 'over 1 MiB',
          file: xml.replace(
            '</AuthTokenRequest>',
            `<!-- ${'x'.repeat(1024 * 1024 + rand.int(1, 4096))} --></AuthTokenRequest>`,
          ),
        };
      case 6:
        return {
          label: 'two signatures',
          file: xml.replace('</AuthTokenRequest>', `${signature}</AuthTokenRequest>`),
        };
      case 7:
        return {
          label: 'wrong namespace',
          file: xml.replace(
            NS,
            rand.pick([
              'http://ksef.mf.gov.pl/auth/token/1.0',
              'urn:evil',
              'http://ksef.mf.gov.pl/auth/token/2.0/',
              '',
            ]),
          ),
        };
      case 8: {
        // A signed value changed by one character: the challenge, the context, a digest, the signature.
        const targets = [
          /<Challenge>([^<]+)</,
          /<Nip>([^<]+)</,
          /<ds:DigestValue>([^<]+)</,
          /<ds:SignatureValue>([^<]+)</,
          /<xades:SigningTime>([^<]+)</,
        ];
        const re = rand.pick(targets);
        const m = re.exec(xml);
        if (!m) return { label: 'unsigned', file: body };
        const v = m[1]!;
        const at = rand.int(0, v.length - 1);
        const ch = v[at] === 'A' ? 'B' : 'A';
        const changed = v.slice(0, at) + ch + v.slice(at + 1);
        return { label: 'a signed value changed', file: xml.replace(m[0], m[0].replace(v, changed)) };
      }
      case 9:
        return { label: 'signature removed', file: xml.replace(signature, '') };
      case 10:
        return {
          label: 'not UTF-8',
          file: rand.pick([
            Uint8Array.from([0xff, 0xfe, ...new TextEncoder().encode(xml)]),
            new TextEncoder()
              .encode(xml.replace('UTF-8', 'ISO-8859-2').replace('Challenge>', 'Challenge>\u00ff'))
              .map((b) => (b === 0xc3 ? 0xff : b)),
          ]),
        };
      default:
        return {
          label: 'forbidden characters',
          file: xml.replace(
            '</Challenge>',
            `${rand.pick(['\u0000', '\u0001', '\u001b', '\ufffe'])}</Challenge>`,
          ),
        };
    }
  }

  it('refuses 240 hostile files before submitting, and the sandbox refuses them on its own; no entity is fetched', async () => {
    const rand = seeded(1_0_1);
    const t = tally(
      'T10',
      'hostile signed files (DOCTYPE, XXE, billion laughs, huge, two signatures, namespace, edits)',
    );
    const c = client();
    const labels = new Set<string>();
    for (let i = 0; i < 240; i++) {
      const prepared = await prepareSignedRequest(c);
      if (!prepared.ok) throw new Error(prepared.error.code);
      const good = await sign(
        prepared.value.challenge,
        { type: 'Nip', value: NIP },
        await signerFor(NIP, rand.pick(['ECDSA-P256', 'RSA-2048'] as const)),
      );
      const { label, file } = hostile(rand, good);
      labels.add(label);
      const { r, submitted } = await productPath(c, prepared.value, file);
      const reason = r.ok ? 'session' : ((r.error as { reason?: string }).reason ?? r.error.code);
      // The same bytes to the independent verifier: it must refuse too (4xx), never 202.
      const independent = await sandboxVerdict(file);
      const leaked =
        r.ok ||
        submitted > 0 ||
        (independent.status >= 200 && independent.status < 300) ||
        attacker.hits.length > 0;
      t.add({
        leaked,
        note: `#${i} ${label}: ours ${reason}, sandbox ${independent.status}, ${submitted} submitted`,
      });
      expect(r.ok, `#${i} ${label}`).toBe(false);
      expect(
        [...CRYPTO_ERROR_CODES, 'REQUEST_TOO_LARGE', 'INVALID_INPUT'],
        `#${i} ${label}: ${reason}`,
      ).toContain(reason);
      const refusedThere =
        independent.status === 0 || (independent.status >= 400 && independent.status < 500);
      expect(refusedThere, `#${i} ${label}: sandbox ${independent.status}`).toBe(true);
    }
    expect(t.record().notes).toEqual([]);
    expect(labels.size).toBeGreaterThanOrEqual(12);
    expect(attacker.hits).toEqual([]);
  });
});
