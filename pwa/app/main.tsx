import './styles.css';
import { render } from 'preact';
import { registerServiceWorker } from '../platform/register-service-worker.ts';
import { App } from './app.tsx';

render(<App />, document.getElementById('app')!);

// MODE, not PROD: PROD follows NODE_ENV, which test runners set to "test" while building for real;
// the dev server (mode "development") serves no sw.js.
if (import.meta.env.MODE === 'production') registerServiceWorker();
