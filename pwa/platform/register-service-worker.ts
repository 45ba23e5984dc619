/**
 * Registers the service worker under the wallet's Trusted Types CSP
 * (`require-trusted-types-for 'script'`): `serviceWorker.register()` takes a script URL sink, so
 * a plain string is blocked and the app would never work offline. One policy, allowing exactly
 * our own worker script and nothing else, produces the TrustedScriptURL.
 */
import { Workbox } from 'workbox-window';

// The few Trusted Types declarations used here (TypeScript's DOM library does not have them yet).
type TrustedScriptURL = ConstructorParameters<typeof Workbox>[0];
type TrustedTypePolicyFactory = {
  createPolicy(
    name: string,
    rules: { createScriptURL(input: string): string },
  ): { createScriptURL(input: string): TrustedScriptURL };
};

export const SERVICE_WORKER_PATH = '/sw.js';
/** The policy's name; a CSP `trusted-types` directive, if ever added, must list it. */
export const SW_POLICY_NAME = 'ksef-wallet-sw';

function trustedWorkerUrl(): string | TrustedScriptURL {
  const factory = (globalThis as { trustedTypes?: TrustedTypePolicyFactory }).trustedTypes;
  // Without Trusted Types support (older browsers) the sink accepts a string.
  if (!factory) return SERVICE_WORKER_PATH;
  const policy = factory.createPolicy(SW_POLICY_NAME, {
    createScriptURL: (input: string) => {
      if (input !== SERVICE_WORKER_PATH)
        throw new TypeError('only the wallet service worker may be registered');
      return input;
    },
  });
  return policy.createScriptURL(SERVICE_WORKER_PATH);
}

export type ServiceWorkerOptions = {
  /**
   * Runs when a new worker (new code) takes over a page that an older one controlled, right before
   * the page reloads: the app locks the vault here (SECURITY.md T11 "lock and reload on
   * controllerchange": keys unlocked under the old code must not serve the new one).
   */
  readonly beforeReload?: () => void | Promise<void>;
};

export function registerServiceWorker(options: ServiceWorkerOptions = {}): void {
  if (!('serviceWorker' in navigator)) return;
  // The first install also claims the page (clientsClaim); that is no change of code, no reload.
  const controlledAtStart = navigator.serviceWorker.controller !== null;
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!controlledAtStart || reloading) return;
    reloading = true;
    void Promise.resolve()
      .then(() => options.beforeReload?.())
      .catch(() => {})
      .finally(() => location.reload());
  });
  // updateViaCache 'none': the worker script itself never comes from an HTTP cache (SECURITY.md T11).
  const wb = new Workbox(trustedWorkerUrl(), { updateViaCache: 'none' });
  void wb.register();
}
