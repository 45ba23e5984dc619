/**
 * Per-operation timings of the crypto core (issue 10 "Crypto"): sign an AuthTokenRequest (XAdES,
 * RSA-2048 and P-256), build a CSR, encrypt a KSeF token, and generate + wrap a signing key — each
 * through the crypto core's public API with non-extractable keys, as the key worker does them.
 *
 * Platform-free like shared/ (Web Crypto and a clock come in), so the same file runs in Node and,
 * bundled into the bench page, in Chromium. A failed operation throws: a benchmark of a broken
 * operation has no figure.
 */
import {
  buildCsr,
  buildSignedAuthTokenRequest,
  createSelfSignedTestCertificate,
  type EnrollmentData,
  encryptKsefToken,
  generateSigningKey,
  type SigningAlgorithm,
  toBase64,
} from '../../shared/crypto/index.ts';
import { type Summary, summarize } from '../stats.ts';

export type CryptoOpResult = { readonly id: string; readonly name: string; readonly ms: Summary };

export type CryptoBenchOptions = {
  readonly subtle: SubtleCrypto;
  /** Milliseconds, high resolution (performance.now). */
  readonly now: () => number;
  /** Repetitions of the fast operations; key generation (slow for RSA) runs a third as often. */
  readonly runs: number;
  readonly warmups: number;
};

const NIP = '5250001233';
const CHALLENGE = '20250101-CR-20A1B2C3D4-E5F6A7B8C9-1F';
const ENROLLMENT_DATA: EnrollmentData = {
  commonName: 'Przykładowa Spółka z o.o.',
  countryName: 'PL',
  organizationName: 'Przykładowa Spółka z o.o.',
  organizationIdentifier: `VATPL-${NIP}`,
};
// The shape of a KSeF token (reference number | context | secret); never a real one.
const TOKEN = `20250101-EC-20A1B2C3D4-E5F6A7B8C9-1F|nip-${NIP}|${'0123456789abcdef'.repeat(4)}`;

function must<T>(what: string, r: { ok: true; value: T } | { ok: false; error: { code: string } }): T {
  if (!r.ok) throw new Error(`${what}: ${r.error.code}`);
  return r.value;
}

async function timed(o: CryptoBenchOptions, runs: number, op: () => Promise<unknown>): Promise<Summary> {
  for (let i = 0; i < o.warmups; i++) await op();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = o.now();
    await op();
    samples.push(o.now() - t0);
  }
  return summarize(samples);
}

export async function runCryptoBench(o: CryptoBenchOptions): Promise<CryptoOpResult[]> {
  const { subtle } = o;
  const clock = { now: () => Date.now() };
  const dataKey = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
  const aad = new TextEncoder().encode('ksef-wallet/bench/crypto');
  const keyOf = async (alg: SigningAlgorithm) =>
    must(`generate ${alg}`, await generateSigningKey(subtle, alg, dataKey, aad));
  const signer = async (alg: SigningAlgorithm) => {
    const key = await keyOf(alg);
    const certificateDer = must(
      `certificate ${alg}`,
      await createSelfSignedTestCertificate(
        subtle,
        { kind: 'seal', nip: NIP, organizationName: 'Przykładowa Spółka z o.o.' },
        key,
        clock,
      ),
    );
    return { key, certificateDer };
  };
  const rsa = await signer('RSA-2048');
  const ec = await signer('ECDSA-P256');
  const out: CryptoOpResult[] = [];
  const add = async (id: string, name: string, runs: number, op: () => Promise<unknown>) => {
    out.push({ id, name, ms: await timed(o, runs, op) });
  };

  for (const [alg, s] of [
    ['RSA-2048', rsa],
    ['ECDSA-P256', ec],
  ] as const) {
    const label = alg === 'RSA-2048' ? 'RSA-2048' : 'P-256';
    await add(
      `sign-auth-request-${label.toLowerCase()}`,
      `sign AuthTokenRequest (XAdES, ${label})`,
      o.runs,
      async () =>
        must(
          'sign',
          await buildSignedAuthTokenRequest(
            { subtle, clock },
            {
              challenge: CHALLENGE,
              context: { type: 'Nip', value: NIP },
              subjectIdentifierType: 'certificateSubject',
              signer: { privateKey: s.key.privateKey, certificateDer: s.certificateDer },
            },
          ),
        ),
    );
    await add(`build-csr-${label.toLowerCase()}`, `build CSR (${label})`, o.runs, async () =>
      must('csr', await buildCsr(subtle, ENROLLMENT_DATA, s.key)),
    );
  }
  // KSeF publishes RSA-2048 encryption certificates; ours is the same shape.
  const encryptionCertificate = toBase64(rsa.certificateDer);
  await add('encrypt-ksef-token', 'encrypt KSeF token (RSA-OAEP-SHA256)', o.runs, async () =>
    must(
      'encrypt',
      await encryptKsefToken(subtle, { token: TOKEN, timestampMs: Date.now() }, encryptionCertificate),
    ),
  );
  const slowRuns = Math.max(3, Math.ceil(o.runs / 3));
  await add('generate-key-rsa-2048', 'generate + wrap key (RSA-2048)', slowRuns, () => keyOf('RSA-2048'));
  await add('generate-key-p-256', 'generate + wrap key (P-256)', o.runs, () => keyOf('ECDSA-P256'));
  return out;
}
