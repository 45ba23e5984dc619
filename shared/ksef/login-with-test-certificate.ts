/**
 * A first session without a qualified signature, for KSeF TEST and local sandboxes only (ARCHITECTURE
 * "The three login methods" 1; REFERENCE §7.4): a self-signed seal certificate for the company NIP
 * (`organizationIdentifier VATPL-<NIP>`, or a person with `TINPL-`/`PNOPL-` when asked), made by the
 * crypto core with a fresh non-extractable key, then the ordinary certificate login. TEST treats any
 * NIP as its own owner for such a certificate. Refused on DEMO and PRD, which reject self-signed
 * certificates (21115) — and the test signer must be off there anyway (SECURITY.md T10).
 */
import {
  type ContextIdentifier,
  createSelfSignedTestCertificate,
  type TestCertificateSubject,
} from '../crypto/index.ts';
import { fail, type Result } from '../result.ts';
import { isTestEnvironment } from './environments.ts';
import type { KsefClient } from './ksef-client.ts';
import { contextOf, runLoginAttempts } from './login-attempts.ts';
import type { LoginOptions, LoginResult } from './login-types.ts';
import { signAndSubmit } from './login-with-ksef-certificate.ts';

export type TestCertificateLoginInput = {
  readonly context?: ContextIdentifier;
  /** Default: a seal for the context's NIP (or the NIP part of an InternalId). */
  readonly subject?: TestCertificateSubject;
  /** Default: a fresh ECDSA P-256 pair whose private key is not extractable. */
  readonly keyPair?: { readonly privateKey: CryptoKey; readonly publicKey: CryptoKey };
  readonly verifyCertificateChain?: boolean;
};

function defaultSubject(context: ContextIdentifier): TestCertificateSubject | undefined {
  const nip =
    context.type === 'Nip' ? context.value : context.type === 'InternalId' ? context.value.slice(0, 10) : '';
  return nip
    ? { kind: 'seal', nip, organizationName: `Test ${nip}`, commonName: `KSeF Wallet test ${nip}` }
    : undefined;
}

export async function loginWithTestCertificate(
  client: KsefClient,
  input: TestCertificateLoginInput = {},
  options: LoginOptions = {},
): Promise<Result<LoginResult & { readonly certificateDer: Uint8Array }>> {
  if (!isTestEnvironment(client.env))
    return fail('NOT_ALLOWED', {
      detail: 'self-signed test certificates exist on TEST and local sandboxes only',
    });
  const context = contextOf(client, input.context);
  if (!context.ok) return context;
  const subject = input.subject ?? defaultSubject(context.value);
  if (!subject)
    return fail('INVALID_INPUT', { detail: 'name the certificate subject for this context type' });
  let keyPair = input.keyPair;
  if (!keyPair) {
    try {
      keyPair = (await client.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
        'sign',
        'verify',
      ])) as CryptoKeyPair;
    } catch {
      return fail('INTERNAL', { detail: 'could not generate a test key' });
    }
  }
  const certificate = await createSelfSignedTestCertificate(client.subtle, subject, keyPair, client.clock);
  if (!certificate.ok) return certificate;
  const certificateDer = certificate.value;
  const result = await runLoginAttempts(
    client,
    context.value,
    options,
    signAndSubmit(
      client,
      context.value,
      {
        privateKey: keyPair.privateKey,
        certificateDer,
        ...(input.verifyCertificateChain === undefined
          ? {}
          : { verifyCertificateChain: input.verifyCertificateChain }),
      },
      'testCertificate',
      options,
    ),
  );
  return result.ok ? { ok: true, value: { ...result.value, certificateDer } } : result;
}
