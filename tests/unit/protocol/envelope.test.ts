import { describe, expect, it } from 'vitest';
import {
  makeEnvelope,
  parseEnvelope,
  parseReply,
  replyError,
  replyOk,
} from '../../../shared/protocol/envelope.ts';
import { walletError } from '../../../shared/result.ts';

const valid = () =>
  makeEnvelope(
    'transport.send',
    { env: 'TEST', operation: 'POST /auth/challenge', body: '{}' },
    'abcdefgh12345678',
  );

describe('parseEnvelope', () => {
  it('accepts a well-formed transport request', () => {
    const r = parseEnvelope(valid());
    expect(r.ok).toBe(true);
  });

  it.each([
    ['a string', 'ping'],
    ['null', null],
    ['another protocol', { ...valid(), protocol: 'other' }],
    ['another version', { ...valid(), v: 2 }],
    ['a short id', { ...valid(), id: 'x' }],
    ['an unknown kind', { ...valid(), kind: 'vault.export' }],
    ['an unknown top-level key', { ...valid(), extra: 1 }],
    ['an unknown payload key (a URL)', { ...valid(), payload: { ...valid().payload, url: 'http://evil/' } }],
    [
      'an unknown environment',
      { ...valid(), payload: { env: 'custom:UPPER', operation: 'POST /auth/challenge' } },
    ],
    [
      'an operation not in the allowlist',
      { ...valid(), payload: { env: 'TEST', operation: 'GET /invoices/ksef/{ksefNumber}' } },
    ],
    ['a made-up operation', { ...valid(), payload: { env: 'TEST', operation: 'GET /../admin' } }],
    [
      'a body over 1 MiB',
      {
        ...valid(),
        payload: { env: 'TEST', operation: 'POST /auth/challenge', body: 'x'.repeat(1024 * 1024 + 1) },
      },
    ],
    [
      'a non-string header value',
      { ...valid(), payload: { env: 'TEST', operation: 'POST /auth/challenge', headers: { accept: 1 } } },
    ],
    ['a payload on ping', { ...valid(), kind: 'ping', payload: { x: 1 } }],
  ])('refuses %s with BAD_MESSAGE', (_label, raw) => {
    const r = parseEnvelope(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('BAD_MESSAGE');
  });

  it('refuses a cyclic object without throwing', () => {
    const cyclic: Record<string, unknown> = { ...valid() };
    cyclic.self = cyclic;
    expect(parseEnvelope(cyclic)).toMatchObject({ ok: false, error: { code: 'BAD_MESSAGE' } });
  });
});

describe('parseReply', () => {
  it('accepts a reply that echoes the request id', () => {
    expect(
      parseReply(replyOk<'ping'>('abcdefgh', { extensionVersion: '1', protocolVersion: 1 }), 'abcdefgh'),
    ).toEqual({
      ok: true,
      value: { extensionVersion: '1', protocolVersion: 1 },
    });
  });
  it('passes an error reply through as a value', () => {
    expect(parseReply(replyError('abcdefgh', walletError('NOT_ALLOWED')), 'abcdefgh')).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED' },
    });
  });
  it('refuses a reply to another request', () => {
    expect(
      parseReply(replyOk<'ping'>('zzzzzzzz', { extensionVersion: '1', protocolVersion: 1 }), 'abcdefgh'),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_MESSAGE' },
    });
  });
});
