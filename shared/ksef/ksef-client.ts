/**
 * The typed KSeF client: one per environment and company (context), over an injected platform —
 * the extension's transport in the PWA, `createFetchTransport` against a sandbox in tests
 * (ARCHITECTURE "The KSeF client"). It knows nothing of URLs, storage or the DOM.
 *
 *   const ksef = createKsefClient({ transport, clock, subtle, env: 'TEST', context });
 *   const session = await loginWithKsefToken(ksef, { token }, { onProgress, signal });
 *   const tokens = await ksef.tokens.listAll(session.value.accessToken);
 *
 * The shared pieces — the Retry-After gate, the public-key cache and the login budget — default to
 * in-memory ones; the PWA passes instances shared by its tabs.
 */
import type { ContextIdentifier } from '../crypto/index.ts';
import type { Clock, Transport } from '../platform.ts';
import { authApi } from './auth-api.ts';
import {
  AUTH_POLL_PRODUCTION,
  AUTH_POLL_TEST,
  DEFAULT_RETRY,
  ENROLLMENT_POLL,
  type PollPolicy,
  type RetryPolicy,
  TOKEN_ACTIVATION_POLL,
} from './backoff.ts';
import { certificatesApi } from './certificates-api.ts';
import { isTestEnvironment } from './environments.ts';
import type { CallerDeps } from './ksef-call.ts';
import { createLoginLimiter, type LoginLimiter } from './login-limiter.ts';
import { createMemoryPublicKeyCache, type PublicKeyCache, publicKeysApi } from './public-keys.ts';
import { createMemoryRateLimitGate, type RateLimitGate } from './rate-limit-gate.ts';
import { sessionsApi } from './sessions-api.ts';
import { tokensApi } from './tokens-api.ts';
import type { EnvironmentId } from './transport-types.ts';

export type KsefClientOptions = {
  readonly transport: Transport;
  readonly clock: Clock;
  readonly subtle: SubtleCrypto;
  readonly env: EnvironmentId;
  /** The company this client works for: the rate-limit scope and the login-budget key. */
  readonly context?: ContextIdentifier;
  /** Uniform in [0, 1), for retry jitter. Default: Math.random (jitter needs no secrecy). */
  readonly random?: () => number;
  readonly rateLimitGate?: RateLimitGate;
  readonly publicKeyCache?: PublicKeyCache;
  readonly loginLimiter?: LoginLimiter;
  readonly retry?: Partial<RetryPolicy>;
  readonly polling?: {
    readonly auth?: Partial<PollPolicy>;
    readonly tokenActivation?: Partial<PollPolicy>;
    readonly enrollment?: Partial<PollPolicy>;
  };
};

export type KsefClient = ReturnType<typeof createKsefClient>;

/** The key under which a company's login budget and Retry-After blocks are kept. */
export const companyKey = (env: EnvironmentId, context?: ContextIdentifier): string =>
  context ? `${env}|${context.type}:${context.value}` : `${env}|-`;

export function createKsefClient(options: KsefClientOptions) {
  const env = options.env;
  const deps: CallerDeps = {
    transport: options.transport,
    clock: options.clock,
    random: options.random ?? Math.random,
    env,
    gate: options.rateLimitGate ?? createMemoryRateLimitGate(),
    scope: companyKey(env, options.context),
    retry: { ...DEFAULT_RETRY, ...(options.retry ?? {}) },
  };
  const polling = {
    auth: {
      ...(isTestEnvironment(env) ? AUTH_POLL_TEST : AUTH_POLL_PRODUCTION),
      ...(options.polling?.auth ?? {}),
    } satisfies PollPolicy,
    tokenActivation: {
      ...TOKEN_ACTIVATION_POLL,
      ...(options.polling?.tokenActivation ?? {}),
    } satisfies PollPolicy,
    enrollment: { ...ENROLLMENT_POLL, ...(options.polling?.enrollment ?? {}) } satisfies PollPolicy,
  };
  return {
    env,
    context: options.context,
    clock: options.clock,
    subtle: options.subtle,
    random: deps.random,
    polling,
    loginLimiter: options.loginLimiter ?? createLoginLimiter(options.clock),
    /** The request layer, for the flows in this folder. */
    deps,
    auth: authApi(deps),
    sessions: sessionsApi(deps),
    tokens: tokensApi(deps),
    certificates: certificatesApi(deps),
    publicKeys: publicKeysApi({
      ...deps,
      subtle: options.subtle,
      cache: options.publicKeyCache ?? createMemoryPublicKeyCache(),
    }),
  };
}
