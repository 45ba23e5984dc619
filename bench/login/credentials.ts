/**
 * Credentials for the login benchmark, obtained from the sandbox the way a user obtains them in
 * the wallet — with the product's own flows (shared/ksef) over HTTP: a first session with the
 * TEST-only self-signed certificate, then a KSeF token (generated, waited until Active) or a KSeF
 * certificate (browser-made key wrapped under an AES-GCM data key like the vault's, CSR with the
 * exact DN of the enrollment data, enrollment waited until issued, certificate retrieved).
 */
import {
  buildCsr,
  fromBase64,
  generateSigningKey,
  type SigningAlgorithm,
  toBase64,
} from '../../shared/crypto/index.ts';
import type { KsefClient } from '../../shared/ksef/ksef-client.ts';
import { loginWithTestCertificate } from '../../shared/ksef/login-with-test-certificate.ts';
import { waitForEnrollment } from '../../shared/ksef/wait-for-enrollment.ts';
import { waitForTokenActive } from '../../shared/ksef/wait-for-token-active.ts';
import type { Result } from '../../shared/result.ts';

export type TokenCredential = { readonly kind: 'ksefToken'; readonly token: string };
export type CertificateCredential = {
  readonly kind: 'ksefCertificate';
  readonly algorithm: SigningAlgorithm;
  /** Non-extractable, as the key worker holds it after an unlock. */
  readonly privateKey: CryptoKey;
  readonly certificateDer: Uint8Array;
};
export type BenchCredential = TokenCredential | CertificateCredential;

/** Bench setup is not measured: any failure here is a broken sandbox or client, so it throws. */
function must<T>(what: string, r: Result<T> | { ok: false; error: { code: string } }): T {
  if (!r.ok) throw new Error(`bench setup: ${what} failed (${r.error.code})`);
  return (r as { value: T }).value;
}

async function firstSession(client: KsefClient): Promise<string> {
  return must('test-certificate login', await loginWithTestCertificate(client)).accessToken;
}

export async function obtainKsefToken(client: KsefClient): Promise<TokenCredential> {
  const access = await firstSession(client);
  const generated = must(
    'token generation',
    await client.tokens.generate(access, {
      permissions: ['InvoiceRead', 'InvoiceWrite'],
      description: 'KSeF Wallet benchmark',
    }),
  );
  must('token activation', await waitForTokenActive(client, access, generated.referenceNumber));
  return { kind: 'ksefToken', token: generated.token };
}

export async function obtainKsefCertificate(
  client: KsefClient,
  algorithm: SigningAlgorithm,
): Promise<CertificateCredential> {
  const access = await firstSession(client);
  const data = must('enrollment data', await client.certificates.enrollmentData(access));
  const subtle = client.subtle;
  const dataKey = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
  const key = must(
    'key generation',
    await generateSigningKey(subtle, algorithm, dataKey, new TextEncoder().encode('ksef-wallet/bench/key')),
  );
  const csr = must('CSR', await buildCsr(subtle, data, key));
  const enrollment = must(
    'enrollment',
    await client.certificates.enroll(access, {
      certificateName: `Portfel KSeF bench ${algorithm}`,
      certificateType: 'Authentication',
      csr: toBase64(csr),
    }),
  );
  const issued = must(
    'enrollment status',
    await waitForEnrollment(client, access, enrollment.referenceNumber),
  );
  const retrieved = must(
    'certificate retrieval',
    await client.certificates.retrieve(access, [issued.certificateSerialNumber]),
  );
  const certificate = retrieved.certificates[0];
  if (!certificate) throw new Error('bench setup: the sandbox returned no certificate');
  return {
    kind: 'ksefCertificate',
    algorithm,
    privateKey: key.privateKey,
    certificateDer: must('certificate Base64', fromBase64(certificate.certificate)),
  };
}
