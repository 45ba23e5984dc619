/**
 * CORS, off by default because KSeF sends no CORS headers (#849, REFERENCE §1): a PWA cannot call
 * KSeF directly, and the sandbox reproduces that. Switched on (`cors`), it reflects the caller's
 * origin (no credentials are ever involved: bearer tokens travel in a header), answers preflights,
 * Private Network Access included, and exposes the headers a client must read.
 */
import type { Context } from 'hono';

const EXPOSED_HEADERS = 'Retry-After, x-continuation-token, X-System-Warning, WWW-Authenticate';

export const isPreflight = (c: Context) =>
  c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined;

export function preflightResponse(c: Context): Response {
  const res = new Response(null, {
    status: 204,
    headers: {
      'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
      'Access-Control-Allow-Headers':
        c.req.header('access-control-request-headers') ?? 'Authorization, Content-Type, X-Error-Format',
      'Access-Control-Max-Age': '600',
      ...(c.req.header('access-control-request-private-network')
        ? { 'Access-Control-Allow-Private-Network': 'true' }
        : {}),
    },
  });
  addCorsHeaders(c.req.header('origin'), res);
  return res;
}

export function addCorsHeaders(origin: string | undefined, res: Response): void {
  if (!origin) return;
  res.headers.set('Access-Control-Allow-Origin', origin);
  res.headers.append('Vary', 'Origin');
  res.headers.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
}
