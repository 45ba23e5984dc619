import { describe, expect, it } from 'vitest';
import { contentEnvelope, readContentMessage } from '../../../shared/protocol/content-messages.ts';
import {
  PAGE_ERROR_CODES,
  pageErrorFor,
  pageMessage,
  readHello,
  readOptInAttributes,
} from '../../../shared/protocol/erp-page-protocol.ts';
import { ERROR_CODES } from '../../../shared/result.ts';

const REF = '20250514-AU-2DFC46C000-3AC6D5877F-D4';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJwZXIiOiJbXSJ9.c2lnbmF0dXJl';
const HANDOFF = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('the page hello', () => {
  it('reads a hello with no wish, with a company, and with a refresh wish', () => {
    expect(readHello({ type: 'ksef-wallet:hello', v: 1 })).toEqual({});
    expect(
      readHello({ type: 'ksef-wallet:hello', v: 1, want: { nip: '5265877635', environment: 'TEST' } }),
    ).toEqual({
      nip: '5265877635',
      environment: 'TEST',
    });
    expect(readHello({ type: 'ksef-wallet:hello', v: 1, want: { refresh: true } })).toEqual({
      refresh: true,
    });
  });

  it.each([
    ['a string', 'ksef-wallet:hello'],
    ['null', null],
    ['an array', [{ type: 'ksef-wallet:hello', v: 1 }]],
    ['another type', { type: 'ksef-wallet:session', v: 1 }],
    ['version 2', { type: 'ksef-wallet:hello', v: 2 }],
    ['version "1"', { type: 'ksef-wallet:hello', v: '1' }],
    ['an extra key', { type: 'ksef-wallet:hello', v: 1, origin: 'https://evil.example' }],
    [
      'a want with an extra key',
      { type: 'ksef-wallet:hello', v: 1, want: { nip: '5265877635', grant: 'all' } },
    ],
    ['a NIP with letters', { type: 'ksef-wallet:hello', v: 1, want: { nip: '52658776AB' } }],
    [
      'an environment URL',
      { type: 'ksef-wallet:hello', v: 1, want: { environment: 'https://evil.example/v2' } },
    ],
    ['refresh as text', { type: 'ksef-wallet:hello', v: 1, want: { refresh: 'true' } }],
    ['a want that is a list', { type: 'ksef-wallet:hello', v: 1, want: ['5265877635'] }],
    [
      'an object with a prototype',
      Object.assign(Object.create({ polluted: true }), { type: 'ksef-wallet:hello', v: 1 }),
    ],
  ])('ignores %s', (_label, data) => {
    expect(readHello(data)).toBeNull();
  });

  it('reads opt-in element attributes and refuses invalid ones', () => {
    expect(readOptInAttributes('5265877635', 'custom:sandbox')).toEqual({
      nip: '5265877635',
      environment: 'custom:sandbox',
    });
    expect(readOptInAttributes(null, null)).toEqual({});
    expect(readOptInAttributes('52658', null)).toBeNull();
    expect(readOptInAttributes(null, 'prod')).toBeNull();
  });
});

describe('messages to the page', () => {
  it('builds versioned messages with nothing but their fields', () => {
    expect(pageMessage.error('rate-limited', 120)).toEqual({
      type: 'ksef-wallet:error',
      v: 1,
      code: 'rate-limited',
      retryAfterSeconds: 120,
    });
    expect(pageMessage.error('refused')).toEqual({ type: 'ksef-wallet:error', v: 1, code: 'refused' });
    expect(pageMessage.status('waiting-for-user')).toEqual({
      type: 'ksef-wallet:status',
      v: 1,
      state: 'waiting-for-user',
    });
  });

  it('maps every wallet error code to one of the documented page codes', () => {
    for (const code of ERROR_CODES) expect(PAGE_ERROR_CODES).toContain(pageErrorFor(code));
    expect(pageErrorFor('HANDOFF_REFUSED')).toBe('refused');
    expect(pageErrorFor('HANDOFF_BUDGET')).toBe('rate-limited');
    expect(pageErrorFor('NEEDS_CONFIRMATION')).toBe('permissions-not-allowed');
    expect(pageErrorFor('VAULT_LOCKED')).toBe('wallet-error');
  });
});

describe('messages from the extension to the content script', () => {
  const session = {
    environment: 'TEST',
    nip: '5265877635',
    referenceNumber: REF,
    accessToken: JWT,
    accessTokenValidUntil: '2025-05-14T10:15:00.0000000+00:00',
  };

  it('reads every kind', () => {
    const kinds = [
      { kind: 'cs.deliver', handoffId: HANDOFF, session },
      {
        kind: 'cs.deliver',
        handoffId: HANDOFF,
        session: { ...session, refreshToken: JWT, refreshTokenValidUntil: '2025-05-21T10:00:00Z' },
      },
      { kind: 'cs.failed', handoffId: HANDOFF, code: 'busy' },
      { kind: 'cs.failed', handoffId: HANDOFF, code: 'rate-limited', retryAfterSeconds: 60 },
      { kind: 'cs.progress', handoffId: HANDOFF, state: 'logging-in' },
      {
        kind: 'cs.refreshed',
        referenceNumber: REF,
        accessToken: JWT,
        accessTokenValidUntil: '2025-05-14T10:30:00Z',
      },
      { kind: 'cs.ended', referenceNumber: REF, reason: 'revoked' },
      { kind: 'cs.popup-login', intentId: HANDOFF, nip: '5265877635', environment: 'TEST' },
      { kind: 'cs.status' },
    ] as const;
    for (const m of kinds) expect(readContentMessage(contentEnvelope(m))).toEqual(m);
  });

  it.each([
    ['another protocol', { protocol: 'other', v: 1, kind: 'cs.status' }],
    ['another version', { protocol: 'ksef-wallet', v: 2, kind: 'cs.status' }],
    ['an unknown kind', { protocol: 'ksef-wallet', v: 1, kind: 'cs.eval' }],
    ['an inherited kind name', { protocol: 'ksef-wallet', v: 1, kind: 'toString' }],
    ['an extra key', { protocol: 'ksef-wallet', v: 1, kind: 'cs.status', url: 'x' }],
    [
      'a session with its permissions list',
      {
        ...contentEnvelope({ kind: 'cs.deliver', handoffId: HANDOFF, session }),
        session: { ...session, permissions: [] },
      },
    ],
    [
      'a refresh token without its expiry',
      {
        ...contentEnvelope({ kind: 'cs.deliver', handoffId: HANDOFF, session }),
        session: { ...session, refreshToken: JWT },
      },
    ],
    [
      'a token that is not a JWT',
      {
        ...contentEnvelope({ kind: 'cs.deliver', handoffId: HANDOFF, session }),
        session: { ...session, accessToken: '<img>' },
      },
    ],
    [
      'an undocumented page error',
      { protocol: 'ksef-wallet', v: 1, kind: 'cs.failed', handoffId: HANDOFF, code: 'internal' },
    ],
    [
      'a fractional retry',
      {
        protocol: 'ksef-wallet',
        v: 1,
        kind: 'cs.failed',
        handoffId: HANDOFF,
        code: 'busy',
        retryAfterSeconds: 1.5,
      },
    ],
  ])('refuses %s', (_label, raw) => {
    expect(readContentMessage(raw)).toBeNull();
  });
});
