/**
 * The control API of a running sandbox (programmatic, and over HTTP at /_sandbox/* when
 * `control: true`): settings, the request log, deterministic faults, key rotation, the CA
 * certificate and the clock. Inputs that come over HTTP are validated in routes/control.ts.
 */
import { createEncryptionKey, KEY_USAGES } from './crypto/encryption-keys.ts';
import { failTokenActivation } from './domain/ksef-tokens.ts';
import type { FaultRule, RequestLogEntry, Runtime, SandboxSettings } from './runtime.ts';

/** The contract's patch, except that `faults` may also be given in part (merged into the current one). */
export type ConfigurablePatch = Partial<
  Pick<
    SandboxSettings,
    | 'mode'
    | 'cors'
    | 'latencyMs'
    | 'authDelayMs'
    | 'tokenActivationDelayMs'
    | 'enrollmentDelayMs'
    | 'rateLimits'
    | 'accessTokenTtlSeconds'
    | 'refreshTokenTtlSeconds'
  >
> & { faults?: Partial<SandboxSettings['faults']> };

export type SandboxControl = {
  configure(patch: ConfigurablePatch): void;
  /** Every request received under /v2, in order. `operation` is the spec key, e.g. 'GET /auth/{referenceNumber}'. */
  requests(): readonly RequestLogEntry[];
  clearRequests(): void;
  /** Deterministic one-shot faults, consumed in order by matching requests (see README). */
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Adds a new encryption key pair/certificate per usage (newest validFrom wins); withdrawOld makes the previous keys answer 21470 and leave the list. */
  rotateEncryptionKeys(options?: { withdrawOld?: boolean }): void;
  withdrawEncryptionKey(publicKeyId: string): void;
  /** PEM of the sandbox CA that issues KSeF certificates (for `openssl verify`). */
  readonly caCertificatePem: string;
  /** Moves the sandbox clock forward (only without a `clock` option): expiries, 410s, delays. */
  advanceTime(ms: number): void;
  /** The KSeF token `Failed` path: a Pending token never becomes Active. False if not Pending. */
  failTokenActivation(referenceNumber: string): boolean;
  /** The next `times` authentications end (after authDelayMs) with status 500 "Nieznany błąd" or 550 "…anulowana przez system". */
  injectAuthStatus(code: 500 | 550, times?: number): void;
};

const nonNegative = (name: string, value: number | undefined) => {
  if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
    throw new RangeError(`${name} must be a non-negative number`);
  }
};

export function checkPatch(patch: ConfigurablePatch): void {
  for (const key of ['latencyMs', 'authDelayMs', 'tokenActivationDelayMs', 'enrollmentDelayMs'] as const) {
    nonNegative(key, patch[key]);
  }
  for (const key of ['accessTokenTtlSeconds', 'refreshTokenTtlSeconds'] as const) {
    const v = patch[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1))
      throw new RangeError(`${key} must be a positive integer`);
  }
  if (patch.mode !== undefined && patch.mode !== 'test' && patch.mode !== 'demo') {
    throw new RangeError("mode must be 'test' or 'demo'");
  }
  if (patch.rateLimits !== undefined && patch.rateLimits !== 'off' && patch.rateLimits !== 'ksef') {
    throw new RangeError("rateLimits must be 'off' or 'ksef'");
  }
  const f = patch.faults;
  if (f) {
    for (const key of ['serverErrorRate', 'dropRate'] as const) {
      if (f[key] !== undefined && !(f[key] >= 0 && f[key] <= 1))
        throw new RangeError(`faults.${key} must be in [0, 1]`);
    }
    if (f.seed !== undefined && !Number.isInteger(f.seed))
      throw new RangeError('faults.seed must be an integer');
  }
}

export function createControl(rt: Runtime): SandboxControl {
  return {
    configure(patch) {
      checkPatch(patch);
      const { faults, ...rest } = patch;
      Object.assign(rt.settings, rest);
      if (faults) {
        rt.settings.faults = { ...rt.settings.faults, ...faults };
        if (faults.seed !== undefined) rt.reseed(faults.seed);
      }
    },
    requests: () => rt.log.map((e) => ({ ...e })),
    clearRequests() {
      rt.log.length = 0;
    },
    injectFault(rule) {
      if (!['error', 'drop', 'drop-before', 'rate-limit'].includes(rule.kind)) {
        throw new RangeError(`unknown fault kind ${String(rule.kind)}`);
      }
      if (rule.kind === 'error' && rule.status !== undefined && !(rule.status >= 500 && rule.status <= 599)) {
        throw new RangeError('an error fault answers with a 5xx status');
      }
      const times = rule.times ?? 1;
      if (!Number.isInteger(times) || times < 1) throw new RangeError('times must be a positive integer');
      rt.faultRules.push({ rule: { ...rule }, remaining: times });
    },
    clearFaults() {
      rt.faultRules.length = 0;
    },
    rotateEncryptionKeys(options) {
      const newest = Math.max(0, ...rt.encryptionKeys.map((k) => k.validFrom));
      // Strictly later than every listed key, so "latest validFrom" picks the new one.
      const validFrom = Math.max(rt.now(), newest + 1000);
      const previous = rt.encryptionKeys.filter((k) => !k.withdrawn);
      const index = rt.encryptionKeys.length + 1;
      for (const usage of KEY_USAGES)
        rt.encryptionKeys.push(createEncryptionKey(rt.authority, usage, validFrom, index));
      if (options?.withdrawOld) for (const k of previous) k.withdrawn = true;
      rt.persistKeys();
      rt.store.flush();
    },
    withdrawEncryptionKey(publicKeyId) {
      const key = rt.encryptionKeys.find((k) => k.publicKeyId === publicKeyId);
      if (!key) throw new RangeError(`no key with publicKeyId ${publicKeyId}`);
      key.withdrawn = true;
      rt.persistKeys();
      rt.store.flush();
    },
    caCertificatePem: rt.authority.certificatePem,
    advanceTime(ms) {
      rt.clock.advance(ms);
    },
    injectAuthStatus(code, times = 1) {
      if (code !== 500 && code !== 550) throw new RangeError('the forced status is 500 or 550');
      if (!Number.isInteger(times) || times < 1) throw new RangeError('times must be a positive integer');
      for (let i = 0; i < times; i += 1) rt.forcedAuthStatuses.push(code);
    },
    failTokenActivation(referenceNumber) {
      const done = failTokenActivation(rt, referenceNumber);
      rt.store.flush();
      return done;
    },
  };
}
