import type { BuiltInEnvironmentId, CustomEnvironmentId, EnvironmentId } from './transport-types.ts';

/** Official API base URLs (REFERENCE.md §1). Built into the network side, never taken from a page. */
export const BUILT_IN_ENVIRONMENTS = Object.freeze({
  TEST: 'https://api-test.ksef.mf.gov.pl/v2',
  DEMO: 'https://api-demo.ksef.mf.gov.pl/v2',
  PRD: 'https://api.ksef.mf.gov.pl/v2',
} as const satisfies Record<BuiltInEnvironmentId, string>);

/** Environments that accept self-signed test certificates and offer /testdata (TEST and sandboxes). */
export const isTestEnvironment = (env: EnvironmentId): boolean => env === 'TEST' || env.startsWith('custom:');

export const isBuiltInEnvironment = (env: string): env is BuiltInEnvironmentId =>
  Object.hasOwn(BUILT_IN_ENVIRONMENTS, env);

const CUSTOM_ID = /^custom:[a-z0-9][a-z0-9-]{0,31}$/;
export const isCustomEnvironmentId = (env: string): env is CustomEnvironmentId => CUSTOM_ID.test(env);
export const isEnvironmentId = (env: unknown): env is EnvironmentId =>
  typeof env === 'string' && (isBuiltInEnvironment(env) || isCustomEnvironmentId(env));

/**
 * A custom environment is a local sandbox: plain http on a loopback address with an explicit
 * port, base path /v2, nothing else (no credentials, query, fragment, or odd spellings such as a
 * trailing dot, `@`, backslashes, percent-escapes or IDN). Returns the normalized base URL, or null.
 */
export function parseCustomBaseUrl(input: string): string | null {
  if (input.length > 200 || /[\\@%\s]/.test(input)) return null;
  const m = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):([0-9]{2,5})\/v2\/?$/.exec(input);
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1024 || port > 65535) return null;
  return `http://${m[1]}:${port}/v2`;
}
