/** /tokens: generate, list (filters, continuation), get, revoke (REFERENCE §3.8). */
import { Hono } from 'hono';
import {
  generateToken,
  getToken,
  listTokens,
  revokeToken,
  type TokenFilters,
  tokenView,
} from '../domain/ksef-tokens.ts';
import { authenticate } from '../http/bearer.ts';
import { decodeContinuation, page } from '../http/continuation.ts';
import type { SandboxEnv } from '../http/env.ts';
import { badRequest, ksefError } from '../http/ksef-errors.ts';
import { checkPathParams, readJsonBody, readQuery } from '../http/request.ts';
import { operationByKey } from '../http/spec.ts';

const OPS = {
  generate: operationByKey('POST /tokens'),
  list: operationByKey('GET /tokens'),
  get: operationByKey('GET /tokens/{referenceNumber}'),
  revoke: operationByKey('DELETE /tokens/{referenceNumber}'),
};

export const tokenRoutes = new Hono<SandboxEnv>();

tokenRoutes.post('/tokens', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const body = await readJsonBody<{ permissions: string[]; description: string }>(c, OPS.generate);
  if (!body.ok) return body.response;
  const r = generateToken(c.var.rt, who.caller, body.value);
  return r.ok ? c.json(r.value, 202) : ksefError(c, r.failure);
});

tokenRoutes.get('/tokens', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const query = readQuery<TokenFilters & { pageSize?: number }>(c, OPS.list);
  if (!query.ok) return query.response;
  const from = decodeContinuation(c.req.header('x-continuation-token'));
  if (!from.ok) return ksefError(c, badRequest(21418));
  const rt = c.var.rt;
  const all = listTokens(rt, who.caller, query.value);
  const { slice, continuationToken } = page(all, from.offset, query.value.pageSize ?? 10);
  return c.json({ continuationToken, tokens: slice.map((t) => tokenView(rt, t)) }, 200);
});

tokenRoutes.get('/tokens/:referenceNumber', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const params = checkPathParams(c, OPS.get);
  if (!params.ok) return params.response;
  const r = getToken(c.var.rt, who.caller, params.value.referenceNumber!);
  return r.ok ? c.json(tokenView(c.var.rt, r.value), 200) : ksefError(c, r.failure);
});

tokenRoutes.delete('/tokens/:referenceNumber', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const params = checkPathParams(c, OPS.revoke);
  if (!params.ok) return params.response;
  const r = revokeToken(c.var.rt, who.caller, params.value.referenceNumber!);
  return r.ok ? c.body(null, 204) : ksefError(c, r.failure);
});
