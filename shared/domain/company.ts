/**
 * A company as the wallet keeps it: a display name, its NIP and the KSeF environment its credentials
 * belong to. The same NIP may appear once per environment (a firm tries TEST before PRD); the
 * environment is part of every ciphertext's associated data, so a PRD credential can never be
 * passed off as a TEST one (SECURITY.md T6).
 */
import { isEnvironmentId } from '../ksef/environments.ts';
import type { EnvironmentId } from '../ksef/transport-types.ts';
import { ok, type Result } from '../result.ts';
import { type DomainError, domainFail } from './errors.ts';
import { parseNip } from './nip.ts';

export const COMPANY_LIMITS = Object.freeze({ NAME_MAX_CHARS: 200 });

export type CompanyInput = {
  readonly name: string;
  readonly nip: string;
  readonly environment: EnvironmentId;
};

// Control characters and bidi overrides make a name display as something else (a spoofed list entry).
const hasForbiddenCharacter = (s: string): boolean =>
  [...s].some((ch) => {
    const c = ch.codePointAt(0) ?? 0;
    return (
      c < 0x20 ||
      (c >= 0x7f && c <= 0x9f) ||
      c === 0x200e ||
      c === 0x200f ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069)
    );
  });

export function parseCompanyName(input: unknown): Result<string, DomainError> {
  if (typeof input !== 'string') return domainFail('COMPANY_NAME_INVALID', 'not a string');
  const name = input.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (name.length === 0) return domainFail('COMPANY_NAME_INVALID', 'empty');
  if (name.length > COMPANY_LIMITS.NAME_MAX_CHARS) return domainFail('COMPANY_NAME_INVALID', 'too long');
  if (hasForbiddenCharacter(name)) return domainFail('COMPANY_NAME_INVALID', 'control characters');
  return ok(name);
}

export function parseEnvironment(input: unknown): Result<EnvironmentId, DomainError> {
  return isEnvironmentId(input) ? ok(input) : domainFail('ENVIRONMENT_INVALID');
}

/** Validates and normalizes what a user typed for a new company. */
export function parseCompanyInput(input: {
  readonly name: unknown;
  readonly nip: unknown;
  readonly environment: unknown;
}): Result<CompanyInput, DomainError> {
  const name = parseCompanyName(input.name);
  if (!name.ok) return name;
  const nip = parseNip(input.nip);
  if (!nip.ok) return nip;
  const environment = parseEnvironment(input.environment);
  if (!environment.ok) return environment;
  return ok({ name: name.value, nip: nip.value, environment: environment.value });
}
