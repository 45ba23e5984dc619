/**
 * The Hono application: one pipeline for everything under /v2, then the resource routes.
 * Pipeline order: Host check (DNS rebinding) → request log → CORS (off by default, like KSeF) →
 * latency → injected and random faults → rate limits → 1 MiB body cap → route → state write.
 * A global error handler answers KSeF-style so that no input can surface a stack trace or crash
 * the process.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { authRoutes } from '../routes/auth.ts';
import { certificateRoutes } from '../routes/certificates.ts';
import { limitRoutes } from '../routes/limits.ts';
import { securityRoutes } from '../routes/security.ts';
import { sessionRoutes } from '../routes/sessions.ts';
import { testdataRoutes } from '../routes/testdata.ts';
import { tokenRoutes } from '../routes/tokens.ts';
import type { Runtime } from '../runtime.ts';
import { contextKey } from '../state/model.ts';
import { clientIpOf } from './client-ip.ts';
import { addCorsHeaders, isPreflight, preflightResponse } from './cors.ts';
import type { SandboxEnv } from './env.ts';
import { decideFault } from './faults.ts';
import { httpProblem, newTraceId, tooManyRequests } from './ksef-errors.ts';
import { RateLimiter } from './rate-limiter.ts';
import { findOperation } from './spec.ts';

export const BODY_LIMIT_BYTES = 1024 * 1024;
export const REQUEST_LOG_CAP = 50_000;

export type AppOptions = {
  /** Whether a Host header (`host:port`, lowercase) names this server (see server.ts). */
  hostAllowed: (host: string) => boolean;
  /** Extra routes outside /v2 (the control API), or null. */
  control: Hono<SandboxEnv> | null;
};

/** ASCII folding of a header value (Polish letters to their base letters, the rest dropped). */
export function asciiFold(value: string): string {
  return value
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '')
    .slice(0, 1000);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createApp(rt: Runtime, options: AppOptions): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  const limiter = new RateLimiter();

  app.use('*', async (c, next) => {
    c.set('rt', rt);
    c.set('traceId', newTraceId());
    c.set('clientIp', clientIpOf(c.env?.incoming));
    c.set('now', () => rt.now());
    c.set('operation', null);
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends `Host: evil.example`.
    const host = (c.req.header('host') ?? '').toLowerCase();
    if (!options.hostAllowed(host)) {
      return httpProblem(
        c,
        421,
        'Misdirected Request',
        'Nieznany nagłówek Host; sandbox odpowiada tylko na swój adres.',
      );
    }
    await next();
  });

  app.use('/v2/*', async (c, next) => {
    const path = c.req.path.slice('/v2'.length) || '/';
    const operation = findOperation(c.req.method, path);
    c.set('operation', operation);
    const entry = {
      method: c.req.method,
      path: c.req.path,
      operation: operation?.key ?? null,
      status: null as number | null,
      at: rt.now(),
      fault: 'none' as 'none' | 'error' | 'drop' | 'rate-limit',
    };
    rt.log.push(entry);
    // A long-running sandbox must not grow without bound: the oldest entries go past the cap.
    if (rt.log.length > REQUEST_LOG_CAP) rt.log.splice(0, rt.log.length - REQUEST_LOG_CAP);
    const socket = c.env?.incoming?.socket;
    const drop = () => {
      entry.status = null;
      socket?.destroy();
      return new Response(null, { status: 204 });
    };
    try {
      if (rt.settings.cors && isPreflight(c)) {
        c.res = preflightResponse(c);
        return c.res;
      }
      if (rt.settings.latencyMs > 0) await sleep(rt.settings.latencyMs);

      const fault = decideFault(rt, operation?.key ?? null);
      if (fault.kind === 'drop-before') {
        entry.fault = 'drop';
        return drop();
      }
      if (fault.kind === 'error') {
        entry.fault = 'error';
        const detail = fault.random
          ? 'Losowy błąd serwera (sandbox, faults.serverErrorRate).'
          : 'Wstrzyknięty błąd serwera (sandbox).';
        c.res = httpProblem(c, fault.status as 500, 'Server Error', detail);
        return c.res;
      }
      if (fault.kind === 'rate-limit') {
        entry.fault = 'rate-limit';
        const seconds = fault.retryAfterSeconds;
        c.res = tooManyRequests(
          c,
          seconds,
          `Przekroczono limit żądań. Spróbuj ponownie po ${seconds} sekundach.`,
        );
        return c.res;
      }

      if (rt.settings.rateLimits === 'ksef' && operation?.rateLimits) {
        const decision = await rateLimit(c.req.header('authorization'), operation, c.var.clientIp);
        if (!decision.ok) {
          entry.fault = 'rate-limit';
          c.res = tooManyRequests(c, decision.retryAfterSeconds, decision.detail);
          return c.res;
        }
      }

      await next();
      addForcedWarning(c.req.header('x-test-system-warning'), c.res);
      if (fault.dropAfter) {
        entry.fault = 'drop';
        rt.store.flush();
        return drop();
      }
    } finally {
      if (entry.fault !== 'drop') {
        if (rt.settings.cors) addCorsHeaders(c.req.header('origin'), c.res);
        entry.status = c.res.status;
      }
      try {
        rt.store.flush();
      } catch (e) {
        console.error(`sandbox: could not write the state file: ${e instanceof Error ? e.message : e}`);
      }
    }
  });

  /** On TEST a warning can be forced: "X-Test-System-Warning, whose content is returned" (spec SystemWarning). */
  function addForcedWarning(forced: string | undefined, res: Response): void {
    if (!forced || rt.settings.mode !== 'test') return;
    // Header values arrive as Latin-1 code units; a UTF-8 client's bytes are re-read as UTF-8.
    const bytes = Buffer.from(forced, 'latin1');
    const utf8 = bytes.toString('utf8');
    const folded = asciiFold(Buffer.from(utf8, 'utf8').equals(bytes) ? utf8 : forced);
    const existing = res.headers.get('x-system-warning');
    res.headers.set('X-System-Warning', existing ? `${existing} | ${folded}` : folded);
  }

  async function rateLimit(
    authorization: string | undefined,
    operation: NonNullable<ReturnType<typeof findOperation>>,
    ip: string,
  ) {
    let scope = 'ip';
    let limits = operation.rateLimits!;
    if (operation.secured && authorization) {
      const token = await rt.jwt.verify(authorization.replace(/^Bearer\s+/i, ''), rt.now());
      if (token?.context) {
        scope = contextKey(token.context);
        const override = operation.rateLimitGroup
          ? rt.state.rateLimitOverrides[scope]?.[operation.rateLimitGroup]
          : undefined;
        if (override) limits = override;
      }
    }
    return limiter.check(`${operation.key}|${scope}|${ip}`, limits, rt.now());
  }

  // Every body, the control API's included.
  app.use(
    '*',
    bodyLimit({
      maxSize: BODY_LIMIT_BYTES,
      onError: (c) =>
        httpProblem(c, 413, 'Payload Too Large', `Treść żądania przekracza ${BODY_LIMIT_BYTES} bajtów.`),
    }),
  );

  // Literal paths before parameterised ones: /auth/sessions is not /auth/{referenceNumber}.
  for (const routes of [
    sessionRoutes,
    authRoutes,
    securityRoutes,
    tokenRoutes,
    certificateRoutes,
    limitRoutes,
    testdataRoutes,
  ]) {
    app.route('/v2', routes);
  }
  if (options.control) app.route('/_sandbox', options.control);

  app.notFound((c) => {
    const operation = c.var.operation;
    if (operation) {
      return httpProblem(
        c,
        501,
        'Not Implemented',
        `Operacja ${operation.key} nie jest obsługiwana przez sandbox.`,
      );
    }
    return httpProblem(c, 404, 'Not Found', 'Nie ma takiego zasobu.');
  });

  app.onError((err, c) => {
    // A bug, never bad input: log the kind and message only (no request data, no secrets).
    console.error(`sandbox: internal error ${err.name}: ${err.message}`);
    return httpProblem(c, 500, 'Internal Server Error', 'Wewnętrzny błąd sandboxa.');
  });

  return app;
}
