/**
 * "Log in with signed authorization request": checks the file the user picked before it goes to
 * KSeF, so a wrong or broken file gets a precise message (which element, what is wrong) instead of
 * KSeF's generic 9101/9102/9105/21111 after a round trip (REFERENCE.md §3.2, §6). The verification
 * itself — XML guarded against DOCTYPE and size, one enveloped XAdES signature, digests, signature
 * value, signing certificate, challenge and context — is the crypto core's
 * `parseSignedAuthTokenRequest`; this use case adds what only the PWA knows (the file's bytes, the
 * challenge it fetched, the company) and passes the bytes on unchanged (whitespace is signed).
 *
 * The crypto core is imported lazily: it carries pkijs and stays out of the PWA's first load.
 */
import type { CryptoErrorCode, VerifiedAuthTokenRequest } from '../../../shared/crypto/index.ts';
import { ENVELOPE_LIMITS } from '../../../shared/protocol/constants.ts';

export type SignedFileProblem = CryptoErrorCode | 'NOT_UTF8' | 'FILE_TOO_LARGE';

export type SignedFileCheck =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly request: VerifiedAuthTokenRequest }
  /** Well-formed, but signed with an algorithm the wallet cannot check: KSeF decides. */
  | { readonly ok: true; readonly bytes: Uint8Array; readonly request: null; readonly unchecked: true }
  | { readonly ok: false; readonly problem: SignedFileProblem; readonly element?: string };

export type SignedFileExpectations = {
  readonly challenge: string;
  /** When the wallet fetched the challenge (its `timestampMs`): an expired one is named as such. */
  readonly challengeTimestampMs: number;
  readonly nip: string;
};

export async function checkSignedFile(
  deps: { readonly subtle: SubtleCrypto; readonly nowMs: number },
  bytes: Uint8Array,
  expected: SignedFileExpectations,
): Promise<SignedFileCheck> {
  // Capped before decoding: the extension would refuse a larger body anyway (SECURITY.md §4).
  if (bytes.byteLength > ENVELOPE_LIMITS.MAX_BODY_BYTES) return { ok: false, problem: 'FILE_TOO_LARGE' };
  let xml: string;
  try {
    // KSeF wants UTF-8 (21217 otherwise): a UTF-16 or Windows-1250 file is named here.
    xml = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problem: 'NOT_UTF8' };
  }
  const { parseSignedAuthTokenRequest } = await import('../../../shared/crypto/index.ts');
  const r = await parseSignedAuthTokenRequest(deps.subtle, xml, {
    nowMs: deps.nowMs,
    challenge: expected.challenge,
    challengeTimestampMs: expected.challengeTimestampMs,
    context: { type: 'Nip', value: expected.nip },
  });
  if (!r.ok) {
    // "We cannot check it" is not "it is broken": a qualified signature with, say, an XPath
    // transform is still KSeF's to judge.
    if (r.error.reason === 'SIGNATURE_UNSUPPORTED_ALGORITHM')
      return { ok: true, bytes, request: null, unchecked: true };
    return r.error.element === undefined
      ? { ok: false, problem: r.error.reason }
      : { ok: false, problem: r.error.reason, element: r.error.element };
  }
  return { ok: true, bytes, request: r.value };
}
