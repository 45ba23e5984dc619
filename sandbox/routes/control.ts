/**
 * The control API over HTTP (`control: true`), outside /v2 so that no KSeF client can reach it by
 * accident: `/_sandbox/…`. Same Host check as /v2, JSON only, every body validated (valibot).
 *   GET    /_sandbox/seed            seeded data             GET    /_sandbox/ca.pem     sandbox CA
 *   POST   /_sandbox/configure       settings patch          GET    /_sandbox/requests   request log
 *   DELETE /_sandbox/requests        clear the log           POST   /_sandbox/faults     inject a fault
 *   DELETE /_sandbox/faults          clear faults            POST   /_sandbox/keys/rotate {withdrawOld?}
 *   POST   /_sandbox/keys/withdraw   {publicKeyId}           POST   /_sandbox/time/advance {ms}
 *   POST   /_sandbox/tokens/{ref}/fail   the KSeF token Failed path
 *   POST   /_sandbox/auth-status     {code: 500|550, times?} the next authentications end so
 */
import { type Context, Hono } from 'hono';
import * as v from 'valibot';
import type { SandboxControl } from '../control.ts';
import type { SeedSummary } from '../domain/seed.ts';
import type { SandboxEnv } from '../http/env.ts';
import { httpProblem } from '../http/ksef-errors.ts';

const nonNegative = v.pipe(v.number(), v.finite(), v.minValue(0));
const ConfigureBody = v.strictObject({
  mode: v.optional(v.picklist(['test', 'demo'])),
  cors: v.optional(v.boolean()),
  latencyMs: v.optional(nonNegative),
  authDelayMs: v.optional(nonNegative),
  tokenActivationDelayMs: v.optional(nonNegative),
  enrollmentDelayMs: v.optional(nonNegative),
  accessTokenTtlSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  refreshTokenTtlSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  rateLimits: v.optional(v.picklist(['off', 'ksef'])),
  faults: v.optional(
    v.strictObject({
      serverErrorRate: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
      dropRate: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
      seed: v.optional(v.pipe(v.number(), v.integer())),
    }),
  ),
});
const FaultBody = v.strictObject({
  operation: v.optional(v.string()),
  kind: v.picklist(['error', 'drop', 'drop-before', 'rate-limit']),
  status: v.optional(v.pipe(v.number(), v.integer(), v.minValue(500), v.maxValue(599))),
  retryAfterSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  times: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});
const RotateBody = v.strictObject({ withdrawOld: v.optional(v.boolean()) });
const WithdrawBody = v.strictObject({ publicKeyId: v.string() });
const AdvanceBody = v.strictObject({ ms: nonNegative });
const AuthStatusBody = v.strictObject({
  code: v.picklist([500, 550]),
  times: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});

async function parse<S extends v.GenericSchema>(c: Context<SandboxEnv>, schema: S) {
  let raw: unknown = {};
  const text = await c.req.text();
  if (text.trim()) {
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
      return { ok: false as const, response: httpProblem(c, 415, 'Unsupported Media Type', 'JSON only.') };
    }
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false as const, response: httpProblem(c, 400, 'Bad Request', 'Invalid JSON.') };
    }
  }
  const result = v.safeParse(schema, raw);
  if (!result.success) {
    const detail = result.issues.map((i) => `${v.getDotPath(i) ?? 'body'}: ${i.message}`).join('; ');
    return { ok: false as const, response: httpProblem(c, 400, 'Bad Request', detail) };
  }
  return { ok: true as const, value: result.output as v.InferOutput<S> };
}

export function controlRoutes(control: SandboxControl, seed: () => SeedSummary): Hono<SandboxEnv> {
  const routes = new Hono<SandboxEnv>();
  const attempt = (c: Context<SandboxEnv>, action: () => void) => {
    try {
      action();
      return c.body(null, 204);
    } catch (e) {
      return httpProblem(c, 400, 'Bad Request', e instanceof Error ? e.message : 'rejected');
    }
  };
  routes.get('/seed', (c) => c.json(seed()));
  routes.get('/ca.pem', (c) =>
    c.body(control.caCertificatePem, 200, { 'Content-Type': 'application/x-pem-file' }),
  );
  routes.get('/requests', (c) => c.json(control.requests()));
  routes.delete('/requests', (c) => attempt(c, () => control.clearRequests()));
  routes.delete('/faults', (c) => attempt(c, () => control.clearFaults()));
  routes.post('/configure', async (c) => {
    const body = await parse(c, ConfigureBody);
    return body.ok ? attempt(c, () => control.configure(body.value)) : body.response;
  });
  routes.post('/faults', async (c) => {
    const body = await parse(c, FaultBody);
    return body.ok ? attempt(c, () => control.injectFault(body.value)) : body.response;
  });
  routes.post('/keys/rotate', async (c) => {
    const body = await parse(c, RotateBody);
    return body.ok ? attempt(c, () => control.rotateEncryptionKeys(body.value)) : body.response;
  });
  routes.post('/keys/withdraw', async (c) => {
    const body = await parse(c, WithdrawBody);
    return body.ok ? attempt(c, () => control.withdrawEncryptionKey(body.value.publicKeyId)) : body.response;
  });
  routes.post('/time/advance', async (c) => {
    const body = await parse(c, AdvanceBody);
    return body.ok ? attempt(c, () => control.advanceTime(body.value.ms)) : body.response;
  });
  routes.post('/auth-status', async (c) => {
    const body = await parse(c, AuthStatusBody);
    return body.ok
      ? attempt(c, () => control.injectAuthStatus(body.value.code, body.value.times))
      : body.response;
  });
  routes.post('/tokens/:referenceNumber/fail', (c) =>
    control.failTokenActivation(c.req.param('referenceNumber'))
      ? c.body(null, 204)
      : httpProblem(c, 409, 'Conflict', 'The token is not Pending.'),
  );
  return routes;
}
