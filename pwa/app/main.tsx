import { render } from 'preact';
import { Workbox } from 'workbox-window';
import { App } from './app.tsx';

render(<App />, document.getElementById('app')!);

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  // updateViaCache 'none': the worker script itself never comes from an HTTP cache (SECURITY.md T11).
  const wb = new Workbox('/sw.js', { updateViaCache: 'none' });
  void wb.register();
}
