import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { challengeCountdown } from '../../../pwa/features/signed-request/challenge-countdown.ts';
import {
  checkSignedFile,
  type SignedFileExpectations,
} from '../../../pwa/features/signed-request/check-signed-file.ts';
import { signedFileMessage } from '../../../pwa/features/signed-request/signed-file-message.ts';
import {
  buildSignedAuthTokenRequest,
  createSelfSignedTestCertificate,
} from '../../../shared/crypto/index.ts';

const subtle = globalThis.crypto.subtle;
const CHALLENGE_AT = Date.parse('2026-11-25T10:00:00Z');
const EXPECTED: SignedFileExpectations = {
  challenge: '20261125-CR-461EA5B000-537A6BA15D-D7',
  challengeTimestampMs: CHALLENGE_AT,
  nip: '5265877635',
};
const deps = { subtle, nowMs: CHALLENGE_AT + 60_000 };
const utf8 = (s: string) => new TextEncoder().encode(s);
const UNSIGNED = readFileSync(
  resolve(import.meta.dirname, '../../fixtures/ksef-official/auth-token-request-context-nip.xml'),
  'utf8',
).replace('20250604-CR-461EA5B000-537A6BA15D-D7', EXPECTED.challenge);

/** A request signed as an outside tool would, with a self-signed seal certificate for the NIP. */
let signed: string;
beforeAll(async () => {
  const keys = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const clock = { now: () => CHALLENGE_AT };
  const cert = await createSelfSignedTestCertificate(
    subtle,
    { kind: 'seal', nip: EXPECTED.nip, organizationName: 'Firma Testowa' },
    keys,
    clock,
  );
  if (!cert.ok) throw new Error(cert.error.code);
  const xml = await buildSignedAuthTokenRequest(
    { subtle, clock },
    {
      challenge: EXPECTED.challenge,
      context: { type: 'Nip', value: EXPECTED.nip },
      subjectIdentifierType: 'certificateSubject',
      signer: { privateKey: keys.privateKey, certificateDer: cert.value },
    },
  );
  if (!xml.ok) throw new Error(xml.error.code);
  signed = xml.value;
});

describe('checking a signed authorization request file', () => {
  it('accepts a correctly signed request and passes its bytes on unchanged', async () => {
    const bytes = utf8(signed);
    const r = await checkSignedFile(deps, bytes, EXPECTED);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.bytes).toBe(bytes);
      expect(r.request?.challenge).toBe(EXPECTED.challenge);
    }
  });

  it('says the file is not signed when the user picks the downloaded, unsigned request', async () => {
    const r = await checkSignedFile(deps, utf8(UNSIGNED), EXPECTED);
    expect(r).toMatchObject({ ok: false, problem: 'AUTH_REQUEST_NOT_SIGNED' });
    if (!r.ok) expect(signedFileMessage(r.problem)).toBe('fileNotSigned');
  });

  it('names a file changed after signing, and where', async () => {
    const other = signed.replace('certificateSubject', 'certificateFingerprint');
    const r = await checkSignedFile(deps, utf8(other), EXPECTED);
    expect(r).toMatchObject({ ok: false, problem: 'SIGNATURE_DIGEST_MISMATCH' });
    if (!r.ok) {
      expect(signedFileMessage(r.problem)).toBe('fileSignatureBroken');
      expect(r.element).toBeTruthy();
    }
  });

  it('says the challenge differs when the file was built on an older challenge', async () => {
    const r = await checkSignedFile(deps, utf8(signed), {
      ...EXPECTED,
      challenge: '20261125-CR-0000000000-0000000000-00',
    });
    expect(r).toMatchObject({ ok: false, problem: 'AUTH_REQUEST_WRONG_CHALLENGE', element: 'Challenge' });
  });

  it('says the challenge expired when the file comes back after ten minutes', async () => {
    const late = { subtle, nowMs: CHALLENGE_AT + 11 * 60_000 };
    const r = await checkSignedFile(late, utf8(signed), EXPECTED);
    expect(r).toMatchObject({ ok: false, problem: 'AUTH_REQUEST_CHALLENGE_EXPIRED' });
    if (!r.ok) expect(signedFileMessage(r.problem)).toBe('challengeExpired');
  });

  it('says the NIP differs when the file is for another company', async () => {
    const r = await checkSignedFile(deps, utf8(signed), { ...EXPECTED, nip: '1111111111' });
    expect(r).toMatchObject({ ok: false, problem: 'AUTH_REQUEST_WRONG_CONTEXT' });
    if (!r.ok) expect(signedFileMessage(r.problem)).toBe('fileWrongNip');
  });

  it('reports a broken (truncated) file as not XML', async () => {
    const r = await checkSignedFile(deps, utf8(signed.slice(0, signed.length / 2)), EXPECTED);
    expect(r).toMatchObject({ ok: false, problem: 'XML_MALFORMED' });
    if (!r.ok) expect(signedFileMessage(r.problem)).toBe('fileNotXml');
  });

  it('recognises a file that is not an authorization request, such as a PDF', async () => {
    const r = await checkSignedFile(deps, utf8('%PDF-1.7 binary'), EXPECTED);
    expect(r.ok).toBe(false);
  });

  it('reports a file that is not UTF-8', async () => {
    const latin2 = new Uint8Array([...utf8('<AuthTokenRequest>'), 0xb1, ...utf8('</AuthTokenRequest>')]);
    expect(await checkSignedFile(deps, latin2, EXPECTED)).toEqual({ ok: false, problem: 'NOT_UTF8' });
  });

  it('refuses a DOCTYPE (entity expansion)', async () => {
    const xml = `<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>${signed.replace(/^<\?xml[^>]*>\s*/, '')}`;
    const r = await checkSignedFile(deps, utf8(xml), EXPECTED);
    expect(r).toMatchObject({ ok: false, problem: 'XML_DOCTYPE_FORBIDDEN' });
    if (!r.ok) expect(signedFileMessage(r.problem)).toBe('fileDoctype');
  });

  it('refuses a file over 1 MiB before reading it', async () => {
    expect(await checkSignedFile(deps, new Uint8Array(1024 * 1024 + 1), EXPECTED)).toEqual({
      ok: false,
      problem: 'FILE_TOO_LARGE',
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
