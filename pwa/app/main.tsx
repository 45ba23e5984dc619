import './styles.css';
import { render } from 'preact';
import { createExtensionLink } from '../platform/extension-link.ts';
import { registerServiceWorker } from '../platform/register-service-worker.ts';
import { App } from './app.tsx';
import { openWallet } from './open-wallet.ts';

const link = createExtensionLink();
const connection = openWallet(link);
render(<App link={link} connection={connection} />, document.getElementById('app')!);

// MODE, not PROD: PROD follows NODE_ENV, which test runners set to "test" while building for real;
// the dev server (mode "development") serves no sw.js. When new code takes over, the vault locks
// before the page reloads: keys unlocked under the old code never serve the new (SECURITY.md T11).
if (import.meta.env.MODE === 'production')
  registerServiceWorker({ beforeReload: () => connection.vault.lock('app-update').then(() => undefined) });
