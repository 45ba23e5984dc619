/**
 * The import rules of ARCHITECTURE.md "Layout", checked by `npm run check:boundaries` (part of
 * `npm run build` and `npm run check`). The other half of the shared/ rule (no DOM, no chrome.*)
 * is shared/tsconfig.json, which type-checks shared/ without those libraries.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'shared-imports-no-product',
      comment:
        'shared/ is the platform-free core: it imports neither the PWA, the extension, the sandbox nor tests.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(pwa|extension|sandbox|tests|bench|scripts)/' },
    },
    {
      name: 'shared-imports-no-platform',
      comment:
        'shared/ runs in Node, the PWA, workers and the extension unchanged: no Dexie, no WXT/extension APIs, no Node built-ins.',
      severity: 'error',
      from: { path: '^shared/' },
      to: {
        path: '(^|/)node_modules/(dexie|wxt|@wxt-dev|webextension-polyfill|preact)/|^(dexie|wxt|preact)$',
      },
    },
    {
      name: 'shared-imports-no-node-builtins',
      severity: 'error',
      from: { path: '^shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'sandbox-is-independent',
      comment:
        'The sandbox is an independent check of our protocol code: from the product it may use only the generated KSeF types and the official spec.',
      severity: 'error',
      from: { path: '^sandbox/' },
      to: { path: '^(pwa|extension|shared)/', pathNot: '^shared/ksef/(generated|spec)/' },
    },
    {
      name: 'product-imports-no-sandbox',
      severity: 'error',
      from: { path: '^(pwa|extension|shared)/' },
      to: { path: '^sandbox/' },
    },
    {
      name: 'pwa-and-extension-meet-only-in-shared',
      comment: 'Two origins, two bundles: they share code only through shared/.',
      severity: 'error',
      from: { path: '^pwa/' },
      to: { path: '^extension/' },
    },
    {
      name: 'extension-imports-no-pwa',
      severity: 'error',
      from: { path: '^extension/' },
      to: { path: '^pwa/' },
    },
    {
      name: 'only-the-vault-touches-dexie',
      comment: 'pwa/vault is the one narrow interface to IndexedDB (STYLE.md §1).',
      severity: 'error',
      from: { path: '^pwa/', pathNot: '^pwa/vault/' },
      to: { path: '(^|/)node_modules/dexie/|^dexie$' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: { path: '^(shared|pwa|extension|sandbox)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(\\.output|dist|\\.wxt)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
    },
  },
};
