/**
 * /auth: challenge, the two submissions, status, redeem and refresh (REFERENCE §3.1–§3.6).
 * Handlers are thin: read and check the request, call the use case, render the result or KSeF's
 * error. Sessions (/auth/sessions…) live in sessions.ts and are mounted first, because
 * `/auth/sessions` must not be taken for `/auth/{referenceNumber}`.
 */
import { Hono } from 'hono';
import { isExpiredStatus, statusView } from '../domain/auth-operations.ts';
import { createChallenge } from '../domain/challenges.ts';
import { notFound, redeemTokens, refreshAccessToken } from '../domain/session-tokens.ts';
import { isoTime } from '../domain/time.ts';
import { type KsefTokenSubmission, submitKsefToken } from '../domain/token-login.ts';
import { submitXadesSignature } from '../domain/xades-login.ts';
import { authenticate } from '../http/bearer.ts';
import type { SandboxEnv } from '../http/env.ts';
import { badRequest, httpProblem, ksefError } from '../http/ksef-errors.ts';
import { charset, checkPathParams, mediaType, readJsonBody, readQuery } from '../http/request.ts';
import { operationByKey } from '../http/spec.ts';

const OPS = {
  challenge: operationByKey('POST /auth/challenge'),
  xades: operationByKey('POST /auth/xades-signature'),
  ksefToken: operationByKey('POST /auth/ksef-token'),
  status: operationByKey('GET /auth/{referenceNumber}'),
  redeem: operationByKey('POST /auth/token/redeem'),
  refresh: operationByKey('POST /auth/token/refresh'),
};

export const authRoutes = new Hono<SandboxEnv>();

authRoutes.post('/auth/challenge', (c) => {
  const { challenge, timestampMs } = createChallenge(c.var.rt, c.var.clientIp);
  return c.json({ challenge, timestamp: isoTime(timestampMs), timestampMs, clientIp: c.var.clientIp }, 200);
});

authRoutes.post('/auth/xades-signature', async (c) => {
  // The spec lists application/xml only; another type got 415 from KSeF (#109).
  if (mediaType(c) !== 'application/xml') {
    return httpProblem(
      c,
      415,
      'Unsupported Media Type',
      'Podpisany dokument należy wysłać jako application/xml.',
    );
  }
  const cs = charset(c);
  if (cs && cs !== 'utf-8' && cs !== 'utf8') return ksefError(c, badRequest(21217));
  const query = readQuery<{ verifyCertificateChain?: boolean }>(c, OPS.xades);
  if (!query.ok) return query.response;
  const body = new Uint8Array(await c.req.arrayBuffer());
  if (body.length === 0) return ksefError(c, badRequest(21001, 'Pusta treść żądania.'));
  const r = await submitXadesSignature(c.var.rt, body, {
    clientIp: c.var.clientIp,
    verifyCertificateChain: query.value.verifyCertificateChain === true,
  });
  if (!r.ok) return ksefError(c, r.failure);
  if (r.warnings.length) c.header('X-System-Warning', r.warnings.join(' | '));
  return c.json(r.value, 202);
});

authRoutes.post('/auth/ksef-token', async (c) => {
  const body = await readJsonBody<KsefTokenSubmission>(c, OPS.ksefToken);
  if (!body.ok) return body.response;
  const r = await submitKsefToken(c.var.rt, body.value, c.var.clientIp);
  return r.ok ? c.json(r.value, 202) : ksefError(c, r.failure);
});

authRoutes.post('/auth/token/redeem', async (c) => {
  const who = await authenticate(c, ['operation']);
  if (!who.ok) return who.response;
  const r = await redeemTokens(c.var.rt, who.caller.operation);
  return r.ok ? c.json(r.value, 200) : ksefError(c, r.failure);
});

authRoutes.post('/auth/token/refresh', async (c) => {
  const who = await authenticate(c, ['refresh']);
  if (!who.ok) return who.response;
  const r = await refreshAccessToken(c.var.rt, who.caller.operation);
  return r.ok ? c.json(r.value, 200) : ksefError(c, r.failure);
});

authRoutes.get('/auth/:referenceNumber', async (c) => {
  // As in ASP.NET: authentication first, then model binding.
  const who = await authenticate(c, ['operation']);
  if (!who.ok) return who.response;
  const params = checkPathParams(c, OPS.status);
  if (!params.ok) return params.response;
  const ref = params.value.referenceNumber!;
  const op = c.var.rt.state.authOperations[ref];
  // An operation token shows its own operation only.
  if (!op || who.caller.token.referenceNumber !== ref) return ksefError(c, notFound(ref));
  if (isExpiredStatus(c.var.rt, op)) return ksefError(c, { kind: 'gone' });
  return c.json(statusView(c.var.rt, op), 200);
});
