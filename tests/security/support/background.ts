/**
 * The extension background as the security suite attacks it: the real sender classification,
 * router, handlers (transport and hand-off), environment registry and Dexie schema, wired as
 * extension/entrypoints/background.ts wires them — with the real fetch transport pointed at a
 * loopback "KSeF" server that records every request it receives. The browser is replaced by the
 * recorders of the hand-off test fixture (fake-indexeddb, a fake clock, recorded tabs/windows).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHandoffHandlers } from '../../../extension/handoff/handoff-handlers.ts';
import { classifySender, type MessageSenderLike } from '../../../extension/router/classify-sender.ts';
import { createHandlers } from '../../../extension/router/handlers.ts';
import { route } from '../../../extension/router/route.ts';
import { createEnvironmentRegistry } from '../../../extension/transport/environment-registry.ts';
import { createFetchTransport } from '../../../shared/ksef/fetch-transport.ts';
import { EXTENSION_ID } from '../../../shared/protocol/constants.ts';
import type { Reply } from '../../../shared/protocol/envelope.ts';
import { createBackground, PWA_ORIGIN } from '../../unit/extension/handoff-fixture.ts';

export type Hit = { method: string; url: string; headers: IncomingMessage['headers']; body: string };
export type LoopbackServer = {
  readonly origin: string;
  readonly hits: Hit[];
  close(): Promise<void>;
};

/** A loopback HTTP server; `answer` decides each response (default: 200 `{}` as JSON). */
export async function startLoopbackServer(
  answer: (hit: Hit, res: ServerResponse) => void = (_h, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  },
  host = '127.0.0.1',
): Promise<LoopbackServer> {
  const hits: Hit[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      hits.push(hit);
      answer(hit, res);
    });
  });
  await new Promise<void>((ok) => server.listen(0, host, ok));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://${host}:${port}`,
    hits,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

export type AttackedBackground = Awaited<ReturnType<typeof attackedBackground>>;

export async function attackedBackground(ksef: LoopbackServer) {
  const bg = createBackground();
  const environments = createEnvironmentRegistry(
    {
      list: () => bg.db.environments.toArray(),
      put: async (row) => {
        await bg.db.environments.put(row);
      },
      remove: (id) => bg.db.environments.delete(id),
    },
    '',
  );
  const added = await environments.addCustom('sandbox', `${ksef.origin}/v2`, bg.clock.now);
  if (!added.ok) throw new Error(`sandbox environment: ${added.error.code}`);
  let fetchCalls = 0;
  const transport = createFetchTransport({
    fetch: (input, init) => {
      fetchCalls += 1;
      return fetch(input, init);
    },
    resolveBaseUrl: (env) => environments.resolveBaseUrl(env),
  });
  const handlers = {
    ...createHandlers({ extensionVersion: '0.1.0', transport, environments }),
    ...createHandoffHandlers(bg.ctx, bg.sites),
  };
  const self = { extensionId: EXTENSION_ID, pwaOrigin: PWA_ORIGIN };
  return {
    bg,
    environments,
    sandboxEnv: added.value.id,
    /** fetch() calls the transport made so far (0 for every refused message). */
    get fetchCalls() {
      return fetchCalls;
    },
    /** What the background does with one message on one channel from one browser-stamped sender. */
    deliver(channel: 'external' | 'internal', raw: unknown, sender: MessageSenderLike): Promise<Reply> {
      return route(raw, classifySender(channel, sender, self), handlers);
    },
    self,
  };
}

export { EXTENSION_ID, PWA_ORIGIN };
