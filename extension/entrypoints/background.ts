import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { createFetchTransport } from '../../shared/ksef/fetch-transport.ts';
import { BUILD } from '../config/build-config.ts';
import { classifySender } from '../router/classify-sender.ts';
import { createHandlers } from '../router/handlers.ts';
import { route } from '../router/route.ts';
import { extensionDb } from '../storage/extension-db.ts';
import { createEnvironmentRegistry } from '../transport/environment-registry.ts';

export default defineBackground({
  type: 'module',
  main() {
    const db = extensionDb();
    const environments = createEnvironmentRegistry(
      {
        list: () => db.environments.toArray(),
        put: async (row) => {
          await db.environments.put(row);
        },
        remove: (id) => db.environments.delete(id),
      },
      BUILD.devSandboxUrl,
    );
    const transport = createFetchTransport({
      fetch: (input, init) => fetch(input, init),
      resolveBaseUrl: (env) => environments.resolveBaseUrl(env),
    });
    const handlers = createHandlers({
      extensionVersion: browser.runtime.getManifest().version,
      transport,
      environments,
    });
    const self = { extensionId: browser.runtime.id, pwaOrigin: BUILD.pwaOrigin };

    // Listeners return true and answer asynchronously; every path answers exactly once.
    browser.runtime.onMessageExternal.addListener((message, sender, sendResponse) => {
      void route(message, classifySender('external', sender, self), handlers).then(sendResponse);
      return true;
    });
    browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
      void route(message, classifySender('internal', sender, self), handlers).then(sendResponse);
      return true;
    });
  },
});
