/**
 * One running sandbox: its settings (changeable at run time through the control API), clock,
 * state, keys and the request log. Route handlers and use cases receive it; nothing is global,
 * so several sandboxes can run in one process (tests do).
 */
import { X509Certificate } from 'node:crypto';
import { type Authority, createAuthority, exportAuthority, importAuthority } from './crypto/authority.ts';
import {
  createEncryptionKeyAsync,
  type EncryptionKey,
  exportEncryptionKey,
  importEncryptionKey,
  KEY_USAGES,
} from './crypto/encryption-keys.ts';
import { createJwtService, type JwtService, newJwtSecret } from './domain/jwt.ts';
import { type Clock, createSandboxClock } from './domain/time.ts';
import type { SandboxState } from './state/model.ts';
import { readStateFile, StateStore } from './state/store.ts';

export type SandboxMode = 'test' | 'demo';

export type SandboxSettings = {
  mode: SandboxMode;
  cors: boolean;
  latencyMs: number;
  authDelayMs: number;
  tokenActivationDelayMs: number;
  enrollmentDelayMs: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  rateLimits: 'off' | 'ksef';
  faults: { serverErrorRate: number; dropRate: number; seed: number };
  /** A challenge is consumed by the first accepted (202) submission (REFERENCE §11, INFER). */
  singleUseChallenges: boolean;
};

export type RequestLogEntry = {
  method: string;
  path: string;
  operation: string | null;
  status: number | null;
  at: number;
  fault: 'none' | 'error' | 'drop' | 'rate-limit';
};

export type FaultRule = {
  operation?: string;
  kind: 'error' | 'drop' | 'drop-before' | 'rate-limit';
  status?: number;
  retryAfterSeconds?: number;
  times?: number;
};

export type Runtime = {
  readonly settings: SandboxSettings;
  readonly clock: Clock & { advance(ms: number): void };
  readonly store: StateStore;
  readonly state: SandboxState;
  readonly authority: Authority;
  readonly authorityX509: X509Certificate;
  /** All keys ever made, withdrawn ones included (they answer 21470). */
  readonly encryptionKeys: EncryptionKey[];
  readonly jwt: JwtService;
  readonly log: RequestLogEntry[];
  readonly faultRules: { rule: FaultRule; remaining: number }[];
  /** Final statuses forced on the next authentications (control API `injectAuthStatus`). */
  readonly forcedAuthStatuses: (500 | 550)[];
  /** Seeded PRNG for the random fault rates (deterministic runs). */
  random(): number;
  reseed(seed: number): void;
  now(): number;
  persistKeys(): void;
};

/** mulberry32: tiny, fast and good enough to pick which requests fail. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function emptyState(jwtSecret: string, authority: SandboxState['authority']): SandboxState {
  return {
    version: 1,
    jwtSecret,
    authority,
    encryptionKeys: [],
    challenges: {},
    authOperations: {},
    ksefTokens: {},
    certificates: {},
    enrollments: {},
    certifiedKeys: {},
    companies: [],
    subjects: {},
    persons: {},
    grants: [],
    blockedContexts: [],
    certificateLimits: {},
    rateLimitOverrides: {},
    sessionLimits: {},
  };
}

export async function createRuntime(
  settings: SandboxSettings,
  options: { statePath?: string; clock?: Clock },
): Promise<{ runtime: Runtime; fresh: boolean }> {
  const clock = createSandboxClock(options.clock);
  const loaded = options.statePath ? readStateFile(options.statePath) : null;
  let state: SandboxState;
  let authority: Authority;
  const encryptionKeys: EncryptionKey[] = [];
  if (loaded) {
    state = loaded;
    authority = importAuthority(state.authority);
    for (const stored of state.encryptionKeys) encryptionKeys.push(importEncryptionKey(stored));
  } else {
    authority = createAuthority(clock.now());
    state = emptyState(newJwtSecret(), exportAuthority(authority));
    // The initial keys are listed as valid from an hour ago: a client's clock may be behind.
    const validFrom = clock.now() - 60 * 60 * 1000;
    encryptionKeys.push(
      ...(await Promise.all(
        KEY_USAGES.map((usage) => createEncryptionKeyAsync(authority, usage, validFrom, 1)),
      )),
    );
    state.encryptionKeys = encryptionKeys.map(exportEncryptionKey);
  }
  const store = new StateStore(state, options.statePath);
  if (!loaded) store.changed();
  let random = seededRandom(settings.faults.seed);
  const runtime: Runtime = {
    settings,
    clock,
    store,
    state,
    authority,
    authorityX509: new X509Certificate(Buffer.from(authority.certificateDer)),
    encryptionKeys,
    jwt: createJwtService(state.jwtSecret),
    log: [],
    faultRules: [],
    forcedAuthStatuses: [],
    random: () => random(),
    reseed(seed: number) {
      random = seededRandom(seed);
    },
    now: () => clock.now(),
    persistKeys() {
      state.encryptionKeys = encryptionKeys.map(exportEncryptionKey);
      store.changed();
    },
  };
  return { runtime, fresh: !loaded };
}
