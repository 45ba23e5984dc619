/** The twelve threats of SECURITY.md §2, as the security ledger and its summary name them. */
export const THREATS = Object.freeze({
  T1: 'script on the PWA origin (XSS, Trusted Types, CSP)',
  T2: 'key material in chrome.storage',
  T3: 'keys or secrets in clear on disk',
  T4: 'offline brute force of a profile or backup',
  T5: 'confused-deputy router (foreign senders, extensions, frames)',
  T6: 'open proxy / SSRF (URLs, redirects, environments)',
  T7: 'tokens exposed in the ERP page, escalation',
  T8: 'clickjacking of the login button',
  T9: 'framing the wallet (broker iframe, postMessage)',
  T10: 'signing oracle (supplied challenges and documents)',
  T11: 'code integrity (cache, bundle, WASM, rebuilds)',
  T12: 'availability and integrity (storms, faults, budgets, log)',
} as const);
export type ThreatId = keyof typeof THREATS;
export const THREAT_IDS = Object.freeze(Object.keys(THREATS) as ThreatId[]);
