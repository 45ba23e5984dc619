/**
 * The local KSeF 2.0 sandbox (REFERENCE §11): a real HTTP server under /v2, with the control API
 * at /_sandbox/* when asked. This file is the programmatic contract other parts of the project
 * build on (see sandbox/README.md); keep it stable and add to it only.
 *
 * Binding: 127.0.0.1 by default (SECURITY.md §3.13), and the Host header must name this server
 * (DNS rebinding). Linux routes all of 127/8 to `lo`: a Node client can connect to 127.0.0.1 from
 * `localAddress: '127.0.0.2'` and the sandbox sees 127.0.0.2 (IP-policy tests). To be reachable
 * at 127.0.0.2 as a destination, start with `host: '0.0.0.0'` — that exposes it to the network.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createControl, type SandboxControl } from './control.ts';
import { applySeed, type SeedSummary, seedSummaryOf } from './domain/seed.ts';
import type { Clock } from './domain/time.ts';
import { createApp } from './http/app.ts';
import { compileAllValidators } from './http/validation.ts';
import { controlRoutes } from './routes/control.ts';
import { createRuntime, type SandboxSettings } from './runtime.ts';

export type { SandboxControl } from './control.ts';
export { describeSeed, type SeedSummary } from './domain/seed.ts';

export type SandboxOptions = {
  host: string;
  port: number;
  publicBaseUrl?: string;
  mode: 'test' | 'demo';
  cors: boolean;
  latencyMs: number;
  authDelayMs: number;
  tokenActivationDelayMs: number;
  enrollmentDelayMs: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  rateLimits: 'off' | 'ksef';
  faults: { serverErrorRate: number; dropRate: number; seed: number };
  statePath?: string;
  seed: boolean;
  control: boolean;
  clock?: { now(): number };
  /** Addition: a challenge is consumed by the first accepted submission (default true). */
  singleUseChallenges?: boolean;
  /**
   * Addition (fault injection): every this many seconds the encryption keys are rotated and the
   * old ones withdrawn, so a client that cached a key meets 21470 (REFERENCE §10). Default off.
   */
  keyRotationIntervalSeconds?: number;
};

export type Sandbox = {
  readonly baseUrl: string;
  readonly origin: string;
  readonly port: number;
  readonly seed: SeedSummary;
  readonly control: SandboxControl;
  close(): Promise<void>;
};

export const DEFAULT_OPTIONS: Readonly<Omit<SandboxOptions, 'publicBaseUrl' | 'statePath' | 'clock'>> =
  Object.freeze({
    host: '127.0.0.1',
    port: 0,
    mode: 'test',
    cors: false,
    latencyMs: 0,
    authDelayMs: 0,
    tokenActivationDelayMs: 0,
    enrollmentDelayMs: 0,
    accessTokenTtlSeconds: 900,
    refreshTokenTtlSeconds: 604_800,
    rateLimits: 'ksef',
    faults: Object.freeze({ serverErrorRate: 0, dropRate: 0, seed: 1 }),
    seed: true,
    control: false,
    singleUseChallenges: true,
  });

const hostForUrl = (host: string) => (host.includes(':') ? `[${host}]` : host);

export async function startSandbox(options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  const o = { ...DEFAULT_OPTIONS, ...options, faults: { ...DEFAULT_OPTIONS.faults, ...options.faults } };
  compileAllValidators();
  const settings: SandboxSettings = {
    mode: o.mode,
    cors: o.cors,
    latencyMs: o.latencyMs,
    authDelayMs: o.authDelayMs,
    tokenActivationDelayMs: o.tokenActivationDelayMs,
    enrollmentDelayMs: o.enrollmentDelayMs,
    accessTokenTtlSeconds: o.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: o.refreshTokenTtlSeconds,
    rateLimits: o.rateLimits,
    faults: { ...o.faults },
    singleUseChallenges: o.singleUseChallenges !== false,
  };
  const { runtime, fresh } = await createRuntime(settings, {
    ...(o.statePath ? { statePath: o.statePath } : {}),
    ...(o.clock ? { clock: o.clock as Clock } : {}),
  });
  // Checked like a configure() patch, so a bad option fails at start with a clear message.
  const control = createControl(runtime);
  control.configure({});
  if (fresh && o.seed) applySeed(runtime);
  runtime.store.flush();

  let hostAllowed: (host: string) => boolean = () => false;
  const app = createApp(runtime, {
    hostAllowed: (host) => hostAllowed(host),
    control: o.control ? controlRoutes(control, () => seedSummaryOf(runtime)) : null,
  });
  const listener = getRequestListener(app.fetch, {
    // A response the client will never read (a dropped connection) must not take the process down.
    errorHandler: () => undefined,
  });
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    void listener(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Malformed HTTP (bad request line, huge headers): answer 400 and close, never crash.
  server.on('clientError', (_err, socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const rotation =
    o.keyRotationIntervalSeconds && o.keyRotationIntervalSeconds > 0
      ? setInterval(
          () => control.rotateEncryptionKeys({ withdrawOld: true }),
          o.keyRotationIntervalSeconds * 1000,
        )
      : null;
  rotation?.unref();
  const origin = `http://${hostForUrl(o.host === '0.0.0.0' ? '127.0.0.1' : o.host)}:${port}`;
  const baseUrl = o.publicBaseUrl ?? `${origin}/v2`;
  hostAllowed = allowedHostHeaders(o.host, port, baseUrl);

  return {
    baseUrl,
    origin,
    port,
    // What is seeded: the fresh seed, or whatever the state file carried.
    seed: seedSummaryOf(runtime),
    control,
    close: () =>
      new Promise<void>((resolve) => {
        if (rotation) clearInterval(rotation);
        for (const s of sockets) s.destroy();
        server.close(() => {
          try {
            runtime.store.flush();
          } finally {
            resolve();
          }
        });
        server.closeAllConnections();
      }),
  };
}

/**
 * Host headers this server answers to: its own host:port, the loopback names for the same port,
 * and the host of `publicBaseUrl` (a proxy may put the sandbox behind another name). Bound to
 * 0.0.0.0, any 127.x.y.z:port is accepted too.
 */
function allowedHostHeaders(host: string, port: number, baseUrl: string): (header: string) => boolean {
  const exact = new Set([
    `${hostForUrl(host)}:${port}`,
    `localhost:${port}`,
    `127.0.0.1:${port}`,
    `[::1]:${port}`,
  ]);
  try {
    exact.add(new URL(baseUrl).host.toLowerCase());
  } catch {
    // publicBaseUrl is checked by the CLI; a bad one simply adds nothing.
  }
  const anyLoopback = host === '0.0.0.0' || host === '::';
  const loopback = new RegExp(`^127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}:${port}$`);
  return (header) => exact.has(header) || (anyLoopback && loopback.test(header));
}
