/**
 * The extension manifest as a pure function of the build flavour, so that a unit test can check
 * the production manifest (SECURITY.md §3.11: loopback permissions and custom URLs are dev only).
 */
import { EXTENSION_PUBLIC_KEY } from '../shared/protocol/constants.ts';

export type BuildFlavour = 'production' | 'development';

export const KSEF_HOST_PERMISSIONS = Object.freeze([
  'https://api-test.ksef.mf.gov.pl/*',
  'https://api-demo.ksef.mf.gov.pl/*',
  'https://api.ksef.mf.gov.pl/*',
]);
/** Local sandboxes. A match pattern without a port matches every port, so the background also
 * checks each request's exact base URL against the ones the user added in the options. */
export const LOOPBACK_HOST_PERMISSIONS = Object.freeze(['http://127.0.0.1/*', 'http://localhost/*']);
/**
 * ERP sites: any https origin, asked for one exact origin at a time when the user clicks "Enable
 * on this site" in the popup — never granted at install (no `<all_urls>`, SECURITY.md §3.11).
 */
export const ERP_OPTIONAL_HOST_PERMISSIONS = Object.freeze(['https://*/*']);
/**
 * - scripting: the ERP content script is registered at run time for the enabled origins only;
 * - idle: the OS screen lock locks the vault (SECURITY.md §3.8);
 * - activeTab: the popup may read the active tab's origin to offer "Enable on this site".
 * Windows (the wallet window for unlock and approval) and tabs.sendMessage need no permission.
 */
export const API_PERMISSIONS = Object.freeze(['storage', 'scripting', 'idle', 'activeTab']);

export function buildManifest(flavour: BuildFlavour, pwaOrigin: string) {
  const pwa = new URL(pwaOrigin);
  if (pwa.origin !== pwaOrigin) throw new Error(`PWA origin must be an exact origin, got ${pwaOrigin}`);
  if (flavour === 'production' && pwa.protocol !== 'https:')
    throw new Error('production PWA origin must be https');
  const dev = flavour === 'development';
  return {
    name: dev ? 'KSeF Wallet (dev)' : 'KSeF Wallet',
    description:
      'Logowanie do KSeF jednym kliknięciem z portfela KSeF Wallet. / One-click KSeF login from KSeF Wallet.',
    key: EXTENSION_PUBLIC_KEY,
    minimum_chrome_version: '116',
    permissions: [...API_PERMISSIONS],
    host_permissions: [...KSEF_HOST_PERMISSIONS, ...(dev ? LOOPBACK_HOST_PERMISSIONS : [])],
    // In production, loopback sandboxes are asked for at the moment the user adds one in the options;
    // loopback ERP pages (the demo ERP) are development only, where loopback is granted at install.
    optional_host_permissions: [...ERP_OPTIONAL_HOST_PERMISSIONS, ...(dev ? [] : LOOPBACK_HOST_PERMISSIONS)],
    // Only the PWA may message the background from the web; no `ids`, so no other extension can
    // (SECURITY.md T5). In development the PWA runs on loopback ports chosen at run time; the
    // pattern then covers every port and the router checks `sender.origin` exactly.
    externally_connectable: {
      matches: [dev && isLoopback(pwa) ? `${pwa.protocol}//${pwa.hostname}/*` : `${pwaOrigin}/*`],
    },
    content_security_policy: {
      // connect-src names every host the background may call; host permissions gate them too.
      extension_pages: [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        `connect-src 'self' ${KSEF_HOST_PERMISSIONS.map((p) => p.replace('/*', '')).join(' ')} http://127.0.0.1:* http://localhost:*`,
      ].join('; '),
    },
  };
}

function isLoopback(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost';
}
