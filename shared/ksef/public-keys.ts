/**
 * KSeF's public-key certificates (`GET /security/public-key-certificates`, REFERENCE §3.10, §9, §10)
 * and the token-encryption key chosen from them, cached per environment for their validity
 * (CLIENT-NOTES §4, "match C#"): a cached list is used while it is younger than a day and still
 * holds a `KsefTokenEncryption` certificate valid now (latest `validFrom`, §9.4 via the crypto core);
 * otherwise, or when the caller forces it after a 21470, it is fetched again. The cache is injected
 * so that the PWA can keep it across reloads; it is keyed by environment, so a TEST key can never be
 * used for PRD.
 *
 * Every listed `publicKeyId` is recomputed from its certificate (Base64 SHA-256 of the SPKI, §9.3):
 * a list whose ids do not belong to its certificates is a BAD_RESPONSE, not a key to encrypt a token
 * secret to (SECURITY.md T6).
 */
import { publicKeyIdOf, selectEncryptionCertificate } from '../crypto/index.ts';
import { fail, ok, type Result } from '../result.ts';
import { type CallerDeps, sendKsef } from './ksef-call.ts';
import { type PublicKeyCertificateList, PublicKeyCertificatesSchema } from './response-schemas.ts';
import type { EnvironmentId } from './transport-types.ts';

export type CachedPublicKeys = {
  readonly fetchedAtMs: number;
  readonly certificates: PublicKeyCertificateList;
};

export interface PublicKeyCache {
  get(env: EnvironmentId): Promise<CachedPublicKeys | undefined>;
  set(env: EnvironmentId, entry: CachedPublicKeys): Promise<void>;
}

export type TokenEncryptionKey = {
  /** Base64 DER of the `KsefTokenEncryption` certificate. */
  readonly certificate: string;
  readonly publicKeyId: string;
  readonly validTo: string;
  /** Whether it came from the cache (no request was made). */
  readonly fromCache: boolean;
};

export const PUBLIC_KEY_CACHE = Object.freeze({
  MAX_AGE_MS: 24 * 60 * 60 * 1000,
  /** Like the C# client: when a due refresh fails for a passing reason, a list up to 6 h past its
   * age is still used — as long as the chosen certificate itself is valid now. */
  STALE_GRACE_MS: 6 * 60 * 60 * 1000,
});

export function createMemoryPublicKeyCache(): PublicKeyCache {
  const entries = new Map<EnvironmentId, CachedPublicKeys>();
  return {
    get: async (env) => entries.get(env),
    set: async (env, entry) => {
      entries.set(env, entry);
    },
  };
}

export function publicKeysApi(
  deps: CallerDeps & { readonly subtle: SubtleCrypto; readonly cache: PublicKeyCache },
) {
  async function fetchList(signal?: AbortSignal): Promise<Result<PublicKeyCertificateList>> {
    const r = await sendKsef(deps, {
      operation: 'GET /security/public-key-certificates',
      retry: 'idempotent',
      schema: PublicKeyCertificatesSchema,
      ...(signal ? { signal } : {}),
    });
    if (!r.ok) return r;
    for (const c of r.value.value) {
      const id = await publicKeyIdOf(deps.subtle, c.certificate);
      if (!id.ok)
        return fail('BAD_RESPONSE', { detail: `a public-key certificate is unreadable: ${id.error.reason}` });
      if (id.value !== c.publicKeyId)
        return fail('BAD_RESPONSE', {
          detail: `publicKeyId ${c.publicKeyId} does not belong to its certificate`,
        });
    }
    await deps.cache.set(deps.env, { fetchedAtMs: deps.clock.now(), certificates: r.value.value });
    return ok(r.value.value);
  }

  const pick = (list: PublicKeyCertificateList) =>
    selectEncryptionCertificate(list, 'KsefTokenEncryption', deps.clock.now());

  return {
    /** The full list, always fetched (and cached). */
    list: fetchList,
    /** The certificate to encrypt KSeF tokens with (§9.4), from the cache when it is still good. */
    async tokenEncryptionKey(
      options: { readonly forceRefresh?: boolean; readonly signal?: AbortSignal } = {},
    ): Promise<Result<TokenEncryptionKey>> {
      const now = deps.clock.now();
      const cached = options.forceRefresh ? undefined : await deps.cache.get(deps.env);
      const age = cached ? now - cached.fetchedAtMs : Number.POSITIVE_INFINITY;
      const fromCache = cached && age >= 0 ? pick(cached.certificates) : undefined;
      if (fromCache?.ok && age < PUBLIC_KEY_CACHE.MAX_AGE_MS) {
        const { certificate, publicKeyId, validTo } = fromCache.value;
        return ok({ certificate, publicKeyId, validTo, fromCache: true });
      }
      const list = await fetchList(options.signal);
      if (!list.ok) {
        const passing = ['NETWORK', 'TIMEOUT', 'KSEF_UNAVAILABLE', 'RATE_LIMITED'].includes(list.error.code);
        if (passing && fromCache?.ok && age < PUBLIC_KEY_CACHE.MAX_AGE_MS + PUBLIC_KEY_CACHE.STALE_GRACE_MS) {
          const { certificate, publicKeyId, validTo } = fromCache.value;
          return ok({ certificate, publicKeyId, validTo, fromCache: true });
        }
        return list;
      }
      const chosen = pick(list.value);
      if (!chosen.ok)
        return fail('BAD_RESPONSE', { detail: 'KSeF lists no KsefTokenEncryption certificate valid now' });
      const { certificate, publicKeyId, validTo } = chosen.value;
      return ok({ certificate, publicKeyId, validTo, fromCache: false });
    },
  };
}

export type PublicKeysApi = ReturnType<typeof publicKeysApi>;
