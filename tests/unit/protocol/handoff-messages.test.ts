import { describe, expect, it } from 'vitest';
import { makeEnvelope, parseEnvelope } from '../../../shared/protocol/envelope.ts';
import { originMatchPattern, parseErpOrigin } from '../../../shared/protocol/erp-origin.ts';
import type { Payloads } from '../../../shared/protocol/messages.ts';
import { makePush, parsePush } from '../../../shared/protocol/wallet-push.ts';

const ID = 'abcdefgh12345678';
const HANDOFF = 'AAAAAAAAAAAAAAAAAAAAAA';
const REF = '20250514-AU-2DFC46C000-3AC6D5877F-D4';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJwZXIiOiJbXSJ9.c2lnbmF0dXJl';

const parse = (kind: string, payload: unknown) =>
  parseEnvelope({ protocol: 'ksef-wallet', v: 1, id: ID, kind, payload });
const accepted = (kind: string, payload: unknown) => expect(parse(kind, payload).ok).toBe(true);
const refused = (kind: string, payload: unknown) =>
  expect(parse(kind, payload)).toMatchObject({ ok: false, error: { code: 'BAD_MESSAGE' } });

const session = (extra: Record<string, unknown> = {}) => ({
  environment: 'TEST',
  nip: '5265877635',
  referenceNumber: REF,
  accessToken: JWT,
  accessTokenValidUntil: '2025-05-14T10:15:00.0000000+00:00',
  permissions: ['InvoiceRead', 'InvoiceWrite'],
  ...extra,
});

const snapshot = (companies: unknown[] = [company()]) => ({
  v: 1,
  publishedAt: 1_747_216_800_000,
  companies,
});
function company(extra: Record<string, unknown> = {}) {
  return {
    nip: '5265877635',
    name: 'Przykładowa Sp. z o.o.',
    environment: 'TEST',
    credentials: [
      {
        kind: 'ksef-certificate',
        label: 'Certyfikat główny',
        status: 'active',
        isDefault: true,
        validUntil: 1_800_000_000_000,
      },
      { kind: 'ksef-token', label: 'Token ERP', status: 'pending', isDefault: false },
    ],
    ...extra,
  };
}

describe('hand-off request from the content script', () => {
  it('accepts a click with or without a company', () => {
    accepted('handoff.request', { wantRefresh: false, trigger: 'button' });
    accepted('handoff.request', {
      nip: '5265877635',
      environment: 'custom:sandbox',
      wantRefresh: true,
      trigger: 'button',
    });
    accepted('handoff.request', {
      nip: '5265877635',
      environment: 'TEST',
      wantRefresh: false,
      trigger: 'popup',
      intentId: HANDOFF,
    });
  });

  it.each([
    [
      'an origin smuggled into the payload',
      { wantRefresh: false, trigger: 'button', origin: 'https://erp.example' },
    ],
    ['a NIP that is not one', { nip: '0123456789', wantRefresh: false, trigger: 'button' }],
    ['an unknown environment', { environment: 'custom:UP', wantRefresh: false, trigger: 'button' }],
    ['a string for wantRefresh', { wantRefresh: 'yes', trigger: 'button' }],
    ['an unknown trigger', { wantRefresh: false, trigger: 'script' }],
    ['a short intent id', { wantRefresh: false, trigger: 'popup', intentId: 'abc' }],
  ])('refuses %s', (_label, payload) => refused('handoff.request', payload));
});

describe('wallet answers', () => {
  it('accepts a session, a session with a decision, and the other outcomes', () => {
    accepted('handoff.complete', { handoffId: HANDOFF, outcome: 'session', session: session() });
    accepted('handoff.complete', {
      handoffId: HANDOFF,
      outcome: 'session',
      session: session({ refreshToken: JWT, refreshTokenValidUntil: '2025-05-21T10:00:00Z' }),
      decision: { grant: 'with-refresh', credentialsConfirmed: false },
    });
    for (const outcome of ['refused', 'cancelled', 'needs-user'])
      accepted('handoff.complete', { handoffId: HANDOFF, outcome });
    accepted('handoff.complete', {
      handoffId: HANDOFF,
      outcome: 'failed',
      error: { code: 'RATE_LIMITED', ksefCode: 429, retryAfterMs: 30_000 },
    });
  });

  it.each([
    [
      'a session without its permissions',
      { handoffId: HANDOFF, outcome: 'session', session: session({ permissions: undefined }) },
    ],
    [
      'a token that is not a JWT',
      { handoffId: HANDOFF, outcome: 'session', session: session({ accessToken: 'secret' }) },
    ],
    [
      'a date that is not ISO 8601',
      { handoffId: HANDOFF, outcome: 'session', session: session({ accessTokenValidUntil: 'tomorrow' }) },
    ],
    [
      'a key the session does not have',
      { handoffId: HANDOFF, outcome: 'session', session: session({ ksefToken: 'x' }) },
    ],
    [
      'a reference number of another shape',
      { handoffId: HANDOFF, outcome: 'session', session: session({ referenceNumber: 'REF-1' }) },
    ],
    [
      'an unknown grant',
      {
        handoffId: HANDOFF,
        outcome: 'session',
        session: session(),
        decision: { grant: 'all', credentialsConfirmed: true },
      },
    ],
    ['an unknown outcome', { handoffId: HANDOFF, outcome: 'maybe' }],
    ['an error code of nobody', { handoffId: HANDOFF, outcome: 'failed', error: { code: 'OOPS' } }],
    [
      'a detail in the error (free text may carry secrets)',
      { handoffId: HANDOFF, outcome: 'failed', error: { code: 'INTERNAL', detail: 'x' } },
    ],
  ])('refuses %s', (_label, payload) => refused('handoff.complete', payload));

  it('accepts the two notices and refuses a refresh without a token', () => {
    accepted('handoff.notify', {
      referenceNumber: REF,
      notice: 'refreshed',
      accessToken: JWT,
      accessTokenValidUntil: '2025-05-14T10:30:00Z',
    });
    accepted('handoff.notify', { referenceNumber: REF, notice: 'ended', reason: 'wallet-locked' });
    refused('handoff.notify', { referenceNumber: REF, notice: 'refreshed' });
    refused('handoff.notify', { referenceNumber: REF, notice: 'ended', reason: 'because' });
  });

  it('carries only lock state and expiry from the wallet', () => {
    accepted('wallet.state', { locked: false, unlockedUntil: 1_747_217_700_000 });
    accepted('wallet.state', { locked: true });
    refused('wallet.state', { locked: false, unlockedUntil: 1, dataKey: 'AAAA' });
    refused('wallet.state', { locked: 'no' });
  });
});

describe('status snapshot', () => {
  it('accepts companies with credential labels, statuses and dates', () => {
    accepted('wallet.snapshot', { snapshot: snapshot() });
    accepted('wallet.snapshot', { snapshot: snapshot([]) });
  });

  it.each([
    ['an access token in a label', company({ name: `Firma ${JWT}` })],
    [
      'a KSeF token secret in a credential label',
      company({
        credentials: [
          {
            kind: 'ksef-token',
            label: `${REF}|nip-5265877635|${'ab'.repeat(32)}`,
            status: 'active',
            isDefault: true,
          },
        ],
      }),
    ],
    ['a private key in a name', company({ name: '-----BEGIN PRIVATE KEY-----MIIE' })],
    ['a control character', company({ name: 'Firma\u0000' })],
    [
      'an unknown credential kind',
      company({ credentials: [{ kind: 'password', label: 'x', status: 'active', isDefault: true }] }),
    ],
    ['an extra field (a secret slot)', company({ tokenSecret: 'x' })],
    ['an empty name', company({ name: '' })],
  ])('refuses %s', (_label, c) => refused('wallet.snapshot', { snapshot: snapshot([c]) }));

  it('refuses the same company twice and more than 1000 companies', () => {
    refused('wallet.snapshot', { snapshot: snapshot([company(), company()]) });
    const many = Array.from({ length: 1001 }, (_, i) =>
      company({ nip: `52658${String(77000 + i).padStart(5, '0')}` }),
    );
    refused('wallet.snapshot', { snapshot: snapshot(many) });
  });
});

describe('approvals and sites', () => {
  it('keys approvals on an exact origin', () => {
    accepted('approvals.revoke', { origin: 'https://erp.example', nip: '5265877635', environment: 'TEST' });
    accepted('approvals.revoke', {
      origin: 'http://127.0.0.1:5190',
      nip: '5265877635',
      environment: 'custom:sandbox',
    });
    refused('approvals.revoke', { origin: 'https://erp.example/', nip: '5265877635', environment: 'TEST' });
    refused('approvals.revoke', { origin: 'https://*.example', nip: '5265877635', environment: 'TEST' });
    refused('erp.enable', { origin: 'http://erp.example' });
  });

  it('types what the popup sends', () => {
    const p: Payloads['popup.login'] = { tabId: 4, nip: '5265877635', environment: 'TEST' };
    expect(parseEnvelope(makeEnvelope('popup.login', p, ID)).ok).toBe(true);
    refused('popup.login', { tabId: -1, nip: '5265877635', environment: 'TEST' });
  });
});

describe('parseErpOrigin', () => {
  it.each([
    ['https://erp.example', false, 'https://erp.example'],
    ['https://erp.example:8443', false, 'https://erp.example:8443'],
    ['https://xn--rp-xka.example', false, 'https://xn--rp-xka.example'],
    ['http://127.0.0.1:5190', true, 'http://127.0.0.1:5190'],
    ['http://localhost:5190', true, 'http://localhost:5190'],
    ['http://127.0.0.1:5190', false, null],
    ['http://127.0.0.1', true, null],
    ['http://erp.example', true, null],
    ['https://erp.example/', false, null],
    ['https://erp.example/app', false, null],
    ['https://user@erp.example', false, null],
    ['https://erp.example.', false, null],
    ['https://ERP.example', false, null],
    ['https://érp.example', false, null],
    ['https://192.168.1.10', false, null],
    ['https://localhost', false, null],
    ['https://erp.example:443', false, null],
    ['chrome-extension://ebdilphlfnmmofiipegbncigggfpnjbc', true, null],
    ['https://*.example', false, null],
    ['https://erp%2eexample', false, null],
    ['javascript:alert(1)', false, null],
  ])('%s (loopback allowed: %s) → %s', (input, allowLoopback, expected) => {
    expect(parseErpOrigin(input, { allowLoopback })).toBe(expected);
  });

  it('builds the match pattern of exactly that origin, port included (a pattern without one matches every port)', () => {
    expect(originMatchPattern('http://127.0.0.1:5190')).toBe('http://127.0.0.1:5190/*');
    expect(originMatchPattern('https://erp.example')).toBe('https://erp.example:443/*');
    expect(originMatchPattern('https://erp.example:8443')).toBe('https://erp.example:8443/*');
  });
});

describe('pushes to the wallet', () => {
  it('round-trips a mint request and refuses anything else', () => {
    const push = makePush(
      'handoff.mint',
      {
        handoffId: HANDOFF,
        origin: 'https://erp.example',
        nip: '5265877635',
        environment: 'TEST',
        wantRefresh: false,
        grant: 'access-only',
        credentialsConfirmed: false,
        expiresAt: 1_747_216_890_000,
      },
      ID,
    );
    expect(parsePush(push)).toEqual({ ok: true, value: push });
    expect(parsePush({ ...push, push: 'vault.export' }).ok).toBe(false);
    expect(parsePush({ ...push, payload: { ...push.payload, url: 'https://evil.example' } }).ok).toBe(false);
    expect(parsePush({ ...push, kind: 'handoff.mint' }).ok).toBe(false);
    expect(parsePush(makePush('os.locked', {}, ID)).ok).toBe(true);
  });
});
