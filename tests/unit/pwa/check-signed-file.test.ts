import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { challengeCountdown } from '../../../pwa/features/signed-request/challenge-countdown.ts';
import { checkSignedFile } from '../../../pwa/features/signed-request/check-signed-file.ts';

const fixture = (name: string) =>
  readFileSync(resolve(import.meta.dirname, '../../fixtures/ksef-official', name), 'utf8');
const UNSIGNED = fixture('auth-token-request-context-nip.xml');
const EXPECTED = { challenge: '20250604-CR-461EA5B000-537A6BA15D-D7', nip: '5265877635' };
const SIGNATURE =
  '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="Signature-1"><ds:SignedInfo/><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>';
const enveloped = (xml: string, sig = SIGNATURE) =>
  xml.replace('</AuthTokenRequest>', `${sig}</AuthTokenRequest>`);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('checking a signed authorization request file', () => {
  it('accepts the official request with an enveloped signature, passing the bytes on unchanged', async () => {
    const bytes = utf8(enveloped(UNSIGNED));
    const r = await checkSignedFile(bytes, EXPECTED);
    expect(r).toEqual({ ok: true, bytes, challenge: EXPECTED.challenge });
    if (r.ok) expect(r.bytes).toBe(bytes);
  });

  it('accepts an enveloping signature that carries the request in ds:Object', async () => {
    const inner = UNSIGNED.replace(/^<\?xml[^>]*>\s*/, '');
    const xml = `<?xml version="1.0" encoding="UTF-8"?><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/><ds:SignatureValue>AA==</ds:SignatureValue><ds:Object>${inner}</ds:Object></ds:Signature>`;
    expect(await checkSignedFile(utf8(xml), EXPECTED)).toMatchObject({ ok: true });
  });

  it('accepts the 2.1 namespace and a prefixed request element', async () => {
    const xml = `<a:AuthTokenRequest xmlns:a="http://ksef.mf.gov.pl/auth/token/2.1"><a:Challenge>${EXPECTED.challenge}</a:Challenge><a:ContextIdentifier><a:Nip>${EXPECTED.nip}</a:Nip></a:ContextIdentifier><a:SubjectIdentifierType>certificateSubject</a:SubjectIdentifierType>${SIGNATURE}</a:AuthTokenRequest>`;
    expect(await checkSignedFile(utf8(xml), EXPECTED)).toMatchObject({ ok: true });
  });

  it('says the file is not signed when the user picks the downloaded, unsigned request', async () => {
    expect(await checkSignedFile(utf8(UNSIGNED), EXPECTED)).toEqual({ ok: false, problem: 'not-signed' });
  });

  it('refuses two signatures, as KSeF does (9103)', async () => {
    const twice = enveloped(enveloped(UNSIGNED));
    expect(await checkSignedFile(utf8(twice), EXPECTED)).toEqual({
      ok: false,
      problem: 'several-signatures',
    });
  });

  it('says the challenge differs when the file was built on an older challenge', async () => {
    const r = await checkSignedFile(utf8(enveloped(UNSIGNED)), {
      ...EXPECTED,
      challenge: '20250604-CR-0000000000-0000000000-00',
    });
    expect(r).toEqual({ ok: false, problem: 'wrong-challenge' });
  });

  it('says the NIP differs when the file is for another company', async () => {
    expect(await checkSignedFile(utf8(enveloped(UNSIGNED)), { ...EXPECTED, nip: '1111111111' })).toEqual({
      ok: false,
      problem: 'wrong-nip',
    });
  });

  it('recognises a file that is not an authorization request, such as an invoice', async () => {
    const xml = `<Faktura xmlns="http://crd.gov.pl/wzor/2023/06/29/12648/">${SIGNATURE}</Faktura>`;
    expect(await checkSignedFile(utf8(xml), EXPECTED)).toEqual({ ok: false, problem: 'not-auth-request' });
    const wrongNs = enveloped(UNSIGNED).replace('auth/token/2.0', 'auth/token/9.9');
    expect(await checkSignedFile(utf8(wrongNs), EXPECTED)).toEqual({
      ok: false,
      problem: 'not-auth-request',
    });
  });

  it('reports a broken (truncated) file as not XML', async () => {
    const text = enveloped(UNSIGNED);
    expect(await checkSignedFile(utf8(text.slice(0, text.length / 2)), EXPECTED)).toEqual({
      ok: false,
      problem: 'not-xml',
    });
    expect(await checkSignedFile(utf8('%PDF-1.7 binary'), EXPECTED)).toEqual({
      ok: false,
      problem: 'not-xml',
    });
  });

  it('reports a file that is not UTF-8', async () => {
    const latin2 = new Uint8Array([...utf8('<AuthTokenRequest>'), 0xb1, ...utf8('</AuthTokenRequest>')]);
    expect(await checkSignedFile(latin2, EXPECTED)).toEqual({ ok: false, problem: 'not-utf8' });
  });

  it('refuses a DOCTYPE (entity expansion) without parsing it', async () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>${enveloped(UNSIGNED).replace(/^<\?xml[^>]*>/, '')}`;
    expect(await checkSignedFile(utf8(xml), EXPECTED)).toEqual({ ok: false, problem: 'doctype' });
  });

  it('refuses a file over 1 MiB before reading it', async () => {
    expect(await checkSignedFile(new Uint8Array(1024 * 1024 + 1), EXPECTED)).toEqual({
      ok: false,
      problem: 'too-large',
    });
  });
});

describe('the challenge countdown', () => {
  const received = Date.parse('2026-11-25T10:00:00Z');
  it('starts at 10:00 and counts down on the wallet clock', () => {
    expect(challengeCountdown(received, received)).toEqual({
      expired: false,
      remainingMs: 600_000,
      label: '10:00',
    });
    expect(challengeCountdown(received, received + 61_500)).toMatchObject({ label: '8:59' });
    expect(challengeCountdown(received, received + 599_001)).toMatchObject({ label: '0:01' });
  });
  it('is expired after ten minutes', () => {
    expect(challengeCountdown(received, received + 600_000)).toEqual({ expired: true });
  });
});
