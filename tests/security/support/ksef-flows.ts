/**
 * The KSeF client flows the fault and hostile-response families drive, each a list of real KSeF
 * requests against the real sandbox: the four logins, token generation (until Active) and
 * certificate enrollment (until retrieved). A flow's credentials (an active KSeF token, an enrolled
 * certificate) are made once, over a clean connection, by `prepareCredentials`.
 *
 * A flow ends in a value or a Result error; `checkOutcome` says whether what came out is acceptable:
 * a well-formed session (or token / certificate), or an error with a stable code that quotes no
 * planted secret. Throwing is never acceptable.
 */
import {
  buildCsr,
  buildSignedAuthTokenRequest,
  createSelfSignedTestCertificate,
  generateSigningKey,
  toBase64,
} from '../../../shared/crypto/index.ts';
import {
  type KsefClient,
  loginWithKsefCertificate,
  loginWithKsefToken,
  loginWithSignedRequest,
  loginWithTestCertificate,
  prepareSignedRequest,
  waitForEnrollment,
  waitForTokenActive,
} from '../../../shared/ksef/index.ts';
import { systemClock } from '../../../shared/platform.ts';
import { ERROR_CODES, type Result } from '../../../shared/result.ts';
import { findLeaks } from './secrets.ts';

const subtle = globalThis.crypto.subtle;

export type Credentials = {
  readonly token: string;
  readonly certificate: { readonly privateKey: CryptoKey; readonly certificateDer: Uint8Array };
  readonly seal: { readonly privateKey: CryptoKey; readonly certificateDer: Uint8Array };
};

export const FLOW_NAMES = [
  'login with a KSeF token',
  'login with a KSeF certificate',
  'login with the test certificate',
  'login with a signed request',
  'KSeF token generation',
  'certificate enrollment',
] as const;
export type FlowName = (typeof FLOW_NAMES)[number];

async function newKey(alg: 'ECDSA-P256' | 'RSA-2048' = 'ECDSA-P256') {
  const dataKey = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
  const key = await generateSigningKey(subtle, alg, dataKey, new TextEncoder().encode('security-suite/keys'));
  if (!key.ok) throw new Error(key.error.reason);
  return key.value;
}

function must<T>(r: Result<T>, what: string): T {
  if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r.error)}`);
  return r.value;
}

/** A KSeF token (Active) and a KSeF certificate for the client's company, made without faults. */
export async function prepareCredentials(client: KsefClient, nip: string): Promise<Credentials> {
  const session = must(await loginWithTestCertificate(client), 'test login');
  const access = session.accessToken;
  const generated = must(
    await client.tokens.generate(access, { permissions: ['InvoiceRead'], description: 'security suite' }),
    'token',
  );
  must(await waitForTokenActive(client, access, generated.referenceNumber), 'token active');
  const data = must(await client.certificates.enrollmentData(access), 'enrollment data');
  const key = await newKey();
  const csr = must(await buildCsr(subtle, data, key), 'csr');
  const enrolled = must(
    await client.certificates.enroll(access, {
      certificateName: 'security suite',
      certificateType: 'Authentication',
      csr: toBase64(csr),
    }),
    'enroll',
  );
  const issued = must(await waitForEnrollment(client, access, enrolled.referenceNumber), 'issued');
  const retrieved = must(
    await client.certificates.retrieve(access, [issued.certificateSerialNumber]),
    'retrieve',
  );
  const sealKey = await newKey();
  const seal = must(
    await createSelfSignedTestCertificate(
      subtle,
      { kind: 'seal', nip, organizationName: `Firma ${nip}` },
      sealKey,
      systemClock,
    ),
    'seal',
  );
  return {
    token: generated.token,
    certificate: {
      privateKey: key.privateKey,
      certificateDer: Uint8Array.from(Buffer.from(retrieved.certificates[0]!.certificate, 'base64')),
    },
    seal: { privateKey: sealKey.privateKey, certificateDer: seal },
  };
}

export type FlowOutcome =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: unknown };

/** Runs one flow to its end; exceptions propagate (the caller counts them as failures). */
export async function runFlow(
  name: FlowName,
  client: KsefClient,
  creds: Credentials,
  nip: string,
  signal?: AbortSignal,
): Promise<Result<unknown>> {
  const opts = signal ? { signal } : {};
  switch (name) {
    case 'login with a KSeF token':
      return loginWithKsefToken(client, { token: creds.token }, opts);
    case 'login with a KSeF certificate':
      return loginWithKsefCertificate(client, creds.certificate, opts);
    case 'login with the test certificate':
      return loginWithTestCertificate(client, {}, opts);
    case 'login with a signed request': {
      const prepared = await prepareSignedRequest(client, {}, opts);
      if (!prepared.ok) return prepared;
      const xml = await buildSignedAuthTokenRequest(
        { subtle, clock: client.clock },
        {
          challenge: prepared.value.challenge,
          context: { type: 'Nip', value: nip },
          subjectIdentifierType: 'certificateSubject',
          signer: creds.seal,
        },
      );
      if (!xml.ok) return xml;
      return loginWithSignedRequest(client, prepared.value, xml.value, opts);
    }
    case 'KSeF token generation': {
      const session = await loginWithTestCertificate(client, {}, opts);
      if (!session.ok) return session;
      const generated = await client.tokens.generate(
        session.value.accessToken,
        { permissions: ['InvoiceRead'], description: 'security suite fault' },
        signal,
      );
      if (!generated.ok) return generated;
      const active = await waitForTokenActive(
        client,
        session.value.accessToken,
        generated.value.referenceNumber,
        opts,
      );
      return active.ok ? { ok: true, value: { ...active.value, secret: generated.value.token } } : active;
    }
    case 'certificate enrollment': {
      const session = await loginWithTestCertificate(client, {}, opts);
      if (!session.ok) return session;
      const access = session.value.accessToken;
      const limits = await client.certificates.limits(access, signal);
      if (!limits.ok) return limits;
      const data = await client.certificates.enrollmentData(access, signal);
      if (!data.ok) return data;
      const key = await newKey();
      const csr = await buildCsr(subtle, data.value, key);
      if (!csr.ok) return csr;
      const enrolled = await client.certificates.enroll(
        access,
        {
          certificateName: 'security suite fault',
          certificateType: 'Authentication',
          csr: toBase64(csr.value),
        },
        signal,
      );
      if (!enrolled.ok) return enrolled;
      const issued = await waitForEnrollment(client, access, enrolled.value.referenceNumber, opts);
      if (!issued.ok) return issued;
      return client.certificates.retrieve(access, [issued.value.certificateSerialNumber], signal);
    }
  }
}

const JWTISH = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const isDate = (s: unknown) => typeof s === 'string' && Number.isFinite(Date.parse(s));

/** Why a flow's outcome is not acceptable, or null when it is. */
export function checkOutcome(
  name: FlowName,
  r: Result<unknown>,
  plantedSecrets: readonly string[],
): string | null {
  if (!r.ok) {
    const e = r.error as { code?: unknown };
    if (typeof e?.code !== 'string' || !(ERROR_CODES as readonly string[]).includes(e.code))
      return `error without a stable code: ${JSON.stringify(r.error).slice(0, 200)}`;
    const leaks = findLeaks(JSON.stringify(r.error), plantedSecrets);
    return leaks.length ? `error quotes ${leaks.join(', ')}` : null;
  }
  const v = r.value as Record<string, unknown>;
  if (name.startsWith('login')) {
    const ok =
      typeof v.accessToken === 'string' &&
      JWTISH.test(v.accessToken) &&
      typeof v.refreshToken === 'string' &&
      JWTISH.test(v.refreshToken) &&
      isDate(v.accessTokenValidUntil) &&
      isDate(v.refreshTokenValidUntil) &&
      typeof v.referenceNumber === 'string';
    return ok ? null : `a session with malformed fields: ${Object.keys(v).join(',')}`;
  }
  if (name === 'KSeF token generation')
    return v.status === 'Active' && typeof v.secret === 'string' ? null : `token ${String(v.status)}`;
  const certs = (v as { certificates?: { certificate?: unknown }[] }).certificates;
  return Array.isArray(certs) && certs.length === 1 && typeof certs[0]?.certificate === 'string'
    ? null
    : 'a malformed certificate list';
}
