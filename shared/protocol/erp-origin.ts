/**
 * ERP origins: the exact web origins on which the user turned the "Log in to KSeF" button on.
 * Approvals, budgets and deliveries are keyed on the exact origin (scheme, host and port), never on
 * a host pattern: a match pattern without a port matches every port (SECURITY.md §3.4).
 *
 * Dependency-free: the background, the popup and unit tests use it.
 */

/** Loopback ERP origins (the demo ERP of `npm start`, test pages) are accepted by development builds only. */
export type ErpOriginPolicy = { readonly allowLoopback: boolean };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);
// One DNS name in its ASCII (punycode) form, as URL normalizes it: labels of letters, digits and
// hyphens, at least one dot, no trailing dot (a trailing dot is a different origin to the browser).
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/**
 * Returns the exact origin (`https://erp.example`, `https://erp.example:8443`, or in development
 * `http://127.0.0.1:5190`) or null for anything else: paths, credentials, IP literals on https,
 * wildcards, non-http schemes, odd spellings.
 */
export function parseErpOrigin(input: string, policy: ErpOriginPolicy): string | null {
  if (typeof input !== 'string' || input.length > 300 || /[\s\\@%*]/.test(input)) return null;
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  // The input must already be an origin: `https://erp.example/` with a path or query is refused
  // rather than silently widened or narrowed.
  if (url.origin !== input) return null;
  if (url.protocol === 'https:') return DNS_NAME.test(url.hostname) ? url.origin : null;
  if (url.protocol === 'http:' && policy.allowLoopback && LOOPBACK_HOSTS.has(url.hostname) && url.port !== '')
    return url.origin;
  return null;
}

/**
 * The match pattern for one exact origin, for `permissions.request` and `registerContentScripts`.
 * Always with its port — the default one written out (`https://erp.example:443/*`): a pattern
 * without a port matches every port of the host (checked in Chromium 156), so enabling
 * `https://erp.example` would otherwise also run the content script on `https://erp.example:8443`.
 */
export function originMatchPattern(origin: string): string {
  const url = new URL(origin);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.protocol}//${url.hostname}:${port}/*`;
}
