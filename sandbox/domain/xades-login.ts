/**
 * `POST /auth/xades-signature` (REFERENCE §3.2, §6, §7, §11 "XAdES submission"). Synchronous
 * checks answer 400 with KSeF's codes; certificate status, chain trust and permissions are checked
 * after the 202, and show up as the operation's status once `authDelayMs` has passed.
 *  - TEST mode (default): self-signed and other self-made certificates are accepted, and any NIP
 *    is its own owner; `verifyCertificateChain=true` demands a trusted chain (→ 460
 *    "Niezaufany łańcuch certyfikatów" for anything but a KSeF certificate).
 *  - DEMO mode: only certificates issued by the sandbox CA (KSeF certificates) are trusted; a
 *    self-signed one is 21115, as on DEMO/PRD (m32/ksef#34).
 */
import { isIssuedBy } from '../crypto/certificate.ts';
import { verifySignedAuthTokenRequest } from '../crypto/xades-verify.ts';
import { badRequest, type KsefFailure } from '../http/ksef-errors.ts';
import type { Runtime } from '../runtime.ts';
import type { AuthenticationMethod, AuthenticationMethodInfo } from '../state/model.ts';
import { startOperation } from './auth-operations.ts';
import { consumeChallenge, liveChallenge } from './challenges.ts';
import { identityFromCertificate, subjectDataOf, subjectFitsContext } from './identity.ts';

const METHODS = Object.freeze({
  internal: {
    method: 'InternalCertificate',
    info: { category: 'XadesSignature', code: 'xades.internal-certificate', displayName: 'Certyfikat KSeF' },
  },
  seal: {
    method: 'QualifiedSeal',
    info: { category: 'XadesSignature', code: 'xades.qualified-seal', displayName: 'Pieczęć kwalifikowana' },
  },
  signature: {
    method: 'QualifiedSignature',
    info: {
      category: 'XadesSignature',
      code: 'xades.qualified-signature',
      displayName: 'Podpis kwalifikowany',
    },
  },
} satisfies Record<string, { method: AuthenticationMethod; info: AuthenticationMethodInfo }>);

export async function submitXadesSignature(
  rt: Runtime,
  body: Uint8Array,
  input: { clientIp: string; verifyCertificateChain: boolean },
): Promise<
  | { ok: true; value: Awaited<ReturnType<typeof startOperation>>; warnings: string[] }
  | { ok: false; failure: KsefFailure }
> {
  const fail = (code: Parameters<typeof badRequest>[0], ...details: string[]) => ({
    ok: false as const,
    failure: badRequest(code, ...details),
  });
  const verdict = verifySignedAuthTokenRequest(body);
  if (!verdict.ok) return fail(verdict.code, ...(verdict.details ?? []));
  const { request, signer } = verdict;

  const challenge = liveChallenge(rt, request.challenge);
  if (!challenge) return fail(21111);

  const isKsefCertificate = isIssuedBy(signer, rt.authorityX509);
  if (rt.settings.mode === 'demo' && !isKsefCertificate) {
    return fail(
      21115,
      signer.selfSigned
        ? 'Certyfikat samopodpisany nie jest akceptowany w tym środowisku.'
        : 'Certyfikat nie pochodzi z zaufanego wystawcy.',
    );
  }
  const record = isKsefCertificate ? rt.state.certificates[signer.serialHex] : undefined;

  let subject: { type: 'Nip' | 'Pesel' | 'Fingerprint'; value: string };
  let kind: 'seal' | 'person' | 'fingerprint';
  if (record && request.subjectIdentifierType === 'certificateSubject') {
    // A KSeF certificate carries the identity it was issued for (REFERENCE §7.3).
    subject = record.subject;
    kind = record.subjectData.organizationIdentifier ? 'seal' : 'person';
  } else {
    const identity = identityFromCertificate(signer, request.subjectIdentifierType);
    if (!identity.ok) return fail(identity.code, identity.detail);
    subject = identity.subject;
    kind = identity.kind;
  }
  if (!subjectFitsContext(subject, request.context)) return fail(21117);

  const method = isKsefCertificate ? METHODS.internal : kind === 'seal' ? METHODS.seal : METHODS.signature;
  // Consumed before the first await: two concurrent submissions of one challenge cannot both pass.
  consumeChallenge(rt, challenge.challenge);
  const value = await startOperation(rt, {
    challenge: request.challenge,
    clientIp: input.clientIp,
    authenticationMethod: method.method,
    methodInfo: { ...method.info },
    context: request.context,
    subject,
    subjectData: record ? { ...record.subjectData } : subjectDataOf(signer.subject),
    allowedIps: request.allowedIps,
    pending: {
      kind: 'xades',
      notBefore: signer.notBefore,
      notAfter: signer.notAfter,
      chainRequired: rt.settings.mode === 'demo' || input.verifyCertificateChain,
      chainTrusted: isKsefCertificate,
      // Any certificate of the sandbox CA goes through the KSeF-certificate checks (unknown → 460).
      ksefCertificateSerial: isKsefCertificate ? signer.serialHex : null,
    },
  });
  return { ok: true, value, warnings: verdict.warnings };
}
