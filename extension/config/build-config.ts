/** Values fixed at build time (wxt.config.ts `define`); see the build inputs there. */
declare const __WALLET_FLAVOUR__: 'production' | 'development';
declare const __WALLET_PWA_ORIGIN__: string;
declare const __WALLET_DEV_SANDBOX_URL__: string;

export const BUILD = Object.freeze({
  flavour: __WALLET_FLAVOUR__,
  pwaOrigin: __WALLET_PWA_ORIGIN__,
  /** Development builds know the local sandbox of `npm start` without a trip to the options page. */
  devSandboxUrl: __WALLET_DEV_SANDBOX_URL__,
});
