/**
 * `GET /limits/context`, `GET /limits/subject`, `GET /rate-limits` (REFERENCE §3.11): effective
 * values — the spec's defaults (its `x-rate-limits` by group, its example context limits) with the
 * overrides set through /testdata/limits/* and /testdata/rate-limits.
 */
import { Hono } from 'hono';
import { limitsOf } from '../domain/certificates.ts';
import { authenticate } from '../http/bearer.ts';
import type { SandboxEnv } from '../http/env.ts';
import { rateLimitGroups, responseExample } from '../http/spec.ts';
import { contextKey } from '../state/model.ts';

export const limitRoutes = new Hono<SandboxEnv>();

export const defaultContextLimits = () =>
  responseExample('GET /limits/context', '200') as Record<string, unknown>;

limitRoutes.get('/limits/context', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const override = c.var.rt.state.sessionLimits[contextKey(who.caller.operation.context)];
  return c.json(override ?? defaultContextLimits(), 200);
});

limitRoutes.get('/limits/subject', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const subject = who.caller.operation.subject;
  if (!subject) return c.json({}, 200);
  const limits = limitsOf(c.var.rt, subject);
  return c.json(
    {
      enrollment: { maxEnrollments: limits.maxEnrollments },
      certificate: { maxCertificates: limits.maxCertificates },
    },
    200,
  );
});

limitRoutes.get('/rate-limits', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const overrides = c.var.rt.state.rateLimitOverrides[contextKey(who.caller.operation.context)] ?? {};
  return c.json({ ...rateLimitGroups(), ...overrides }, 200);
});
