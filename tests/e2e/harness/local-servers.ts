/**
 * Small loopback HTTP servers for end-to-end tests: an API server that sends no CORS headers (as
 * KSeF does) and a plain page server for foreign origins. Every request is recorded.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedRequest = {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
};
export type LocalServer = {
  origin: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
};
type Route = (req: RecordedRequest) => {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
};

export async function startLocalServer(routes: Record<string, Route>): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(rec);
      const route = routes[`${rec.method} ${rec.url.split('?')[0]}`];
      const out = route ? route(rec) : { status: 404, body: 'not found' };
      res.writeHead(out.status, out.headers ?? {});
      res.end(out.body ?? '');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
