/**
 * /testdata/* (REFERENCE §3.11): subjects, persons, permissions, context blocks and limit
 * overrides, as on TEST. Unauthenticated except /testdata/limits/* and /testdata/rate-limits*
 * (Bearer access token, they act on the caller's subject or context). Success is 200 with no body.
 * Removing permissions revokes the KSeF tokens that relied on them (REFERENCE §3.8).
 */
import { type Context, Hono } from 'hono';
import { revokeTokensWithoutPermissions } from '../domain/ksef-tokens.ts';
import { authenticate } from '../http/bearer.ts';
import type { SandboxEnv } from '../http/env.ts';
import { badRequest, ksefError } from '../http/ksef-errors.ts';
import { readJsonBody } from '../http/request.ts';
import { operationByKey } from '../http/spec.ts';
import { type ContextIdentifier, contextKey, type SubjectIdentifier, subjectKey } from '../state/model.ts';

export const testdataRoutes = new Hono<SandboxEnv>();

const ok = (c: Context<SandboxEnv>) => c.body(null, 200);
const op = operationByKey;

const normaliseSubject = (s: SubjectIdentifier): SubjectIdentifier =>
  s.type === 'Fingerprint' ? { type: s.type, value: s.value.toUpperCase() } : { ...s };

testdataRoutes.post('/testdata/subject', async (c) => {
  const body = await readJsonBody<{
    subjectNip: string;
    subjectType: string;
    description: string;
    subunits?: { subjectNip: string; description: string }[] | null;
    createdDate?: string | null;
  }>(c, op('POST /testdata/subject'));
  if (!body.ok) return body.response;
  const rt = c.var.rt;
  const v = body.value;
  if (rt.state.subjects[v.subjectNip]) return ksefError(c, badRequest(30001));
  rt.state.subjects[v.subjectNip] = {
    nip: v.subjectNip,
    subjectType: v.subjectType,
    description: v.description,
    subunits: (v.subunits ?? []).map((s) => ({ subjectNip: s.subjectNip, description: s.description })),
    createdDate: v.createdDate ? Date.parse(v.createdDate) : rt.now(),
  };
  rt.store.changed();
  return ok(c);
});

testdataRoutes.post('/testdata/subject/remove', async (c) => {
  const body = await readJsonBody<{ subjectNip: string }>(c, op('POST /testdata/subject/remove'));
  if (!body.ok) return body.response;
  const rt = c.var.rt;
  delete rt.state.subjects[body.value.subjectNip];
  rt.store.changed();
  revokeTokensWithoutPermissions(rt);
  return ok(c);
});

testdataRoutes.post('/testdata/person', async (c) => {
  const body = await readJsonBody<{
    nip: string;
    pesel: string;
    isBailiff: boolean;
    description: string;
    isDeceased?: boolean;
    createdDate?: string | null;
  }>(c, op('POST /testdata/person'));
  if (!body.ok) return body.response;
  const rt = c.var.rt;
  const v = body.value;
  if (rt.state.persons[v.nip]) return ksefError(c, badRequest(30001));
  rt.state.persons[v.nip] = {
    nip: v.nip,
    pesel: v.pesel,
    description: v.description,
    isBailiff: v.isBailiff,
    isDeceased: v.isDeceased === true,
    createdDate: v.createdDate ? Date.parse(v.createdDate) : rt.now(),
  };
  rt.store.changed();
  return ok(c);
});

testdataRoutes.post('/testdata/person/remove', async (c) => {
  const body = await readJsonBody<{ nip: string }>(c, op('POST /testdata/person/remove'));
  if (!body.ok) return body.response;
  const rt = c.var.rt;
  const person = rt.state.persons[body.value.nip];
  if (person) {
    delete rt.state.persons[body.value.nip];
    // "remove, with all permissions": grants to the person's PESEL go too.
    rt.state.grants = rt.state.grants.filter(
      (g) => !(g.authorized.type === 'Pesel' && g.authorized.value === person.pesel),
    );
    rt.store.changed();
    revokeTokensWithoutPermissions(rt);
  }
  return ok(c);
});

testdataRoutes.post('/testdata/permissions', async (c) => {
  const body = await readJsonBody<{
    contextIdentifier: { type: 'Nip'; value: string };
    authorizedIdentifier: SubjectIdentifier;
    permissions: { permissionType: string; description: string }[];
  }>(c, op('POST /testdata/permissions'));
  if (!body.ok) return body.response;
  const rt = c.var.rt;
  const authorized = normaliseSubject(body.value.authorizedIdentifier);
  const context = body.value.contextIdentifier.value;
  let grant = rt.state.grants.find(
    (g) => g.context === context && subjectKey(g.authorized) === subjectKey(authorized),
  );
  if (!grant) {
    grant = { context, authorized, permissions: [] };
    rt.state.grants.push(grant);
  }
  for (const p of body.value.permissions) {
    if (!grant.permissions.some((x) => x.permissionType === p.permissionType)) {
      grant.permissions.push({ permissionType: p.permissionType, description: p.description });
    }
  }
  rt.store.changed();
  return ok(c);
});

testdataRoutes.post('/testdata/permissions/revoke', async (c) => {
  const body = await readJsonBody<{
    contextIdentifier: { type: 'Nip'; value: string };
    authorizedIdentifier: SubjectIdentifier;
  }>(c, op('POST /testdata/permissions/revoke'));
  if (!body.ok) return body.response;
  const rt = c.var.rt;
  const authorized = subjectKey(normaliseSubject(body.value.authorizedIdentifier));
  rt.state.grants = rt.state.grants.filter(
    (g) => !(g.context === body.value.contextIdentifier.value && subjectKey(g.authorized) === authorized),
  );
  rt.store.changed();
  revokeTokensWithoutPermissions(rt);
  return ok(c);
});

// Attachment permissions concern invoices, which the sandbox does not model: validated, accepted.
testdataRoutes.post('/testdata/attachment', async (c) => {
  const body = await readJsonBody(c, op('POST /testdata/attachment'));
  return body.ok ? ok(c) : body.response;
});
testdataRoutes.post('/testdata/attachment/revoke', async (c) => {
  const body = await readJsonBody(c, op('POST /testdata/attachment/revoke'));
  return body.ok ? ok(c) : body.response;
});

for (const [path, blocked] of [
  ['/testdata/context/block', true],
  ['/testdata/context/unblock', false],
] as const) {
  testdataRoutes.post(path, async (c) => {
    const body = await readJsonBody<{ contextIdentifier?: ContextIdentifier | null }>(c, op(`POST ${path}`));
    if (!body.ok) return body.response;
    const rt = c.var.rt;
    const ctx = body.value.contextIdentifier;
    if (ctx) {
      const key = contextKey(ctx);
      rt.state.blockedContexts = rt.state.blockedContexts.filter((k) => k !== key);
      if (blocked) rt.state.blockedContexts.push(key);
      rt.store.changed();
    }
    return ok(c);
  });
}

testdataRoutes.post('/testdata/limits/subject/certificate', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const body = await readJsonBody<{
    subjectIdentifierType?: string;
    enrollment?: { maxEnrollments?: number | null } | null;
    certificate?: { maxCertificates?: number | null } | null;
  }>(c, op('POST /testdata/limits/subject/certificate'));
  if (!body.ok) return body.response;
  const rt = c.var.rt;
  const subject = who.caller.operation.subject;
  if (subject) {
    const key = subjectKey(subject);
    const current = rt.state.certificateLimits[key] ?? {};
    const maxEnrollments = body.value.enrollment?.maxEnrollments;
    const maxCertificates = body.value.certificate?.maxCertificates;
    rt.state.certificateLimits[key] = {
      ...current,
      ...(typeof maxEnrollments === 'number' ? { maxEnrollments } : {}),
      ...(typeof maxCertificates === 'number' ? { maxCertificates } : {}),
    };
    rt.store.changed();
  }
  return ok(c);
});

testdataRoutes.delete('/testdata/limits/subject/certificate', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const subject = who.caller.operation.subject;
  if (subject) {
    delete c.var.rt.state.certificateLimits[subjectKey(subject)];
    c.var.rt.store.changed();
  }
  return ok(c);
});

testdataRoutes.post('/testdata/limits/context/session', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const body = await readJsonBody<Record<string, unknown>>(c, op('POST /testdata/limits/context/session'));
  if (!body.ok) return body.response;
  c.var.rt.state.sessionLimits[contextKey(who.caller.operation.context)] = {
    onlineSession: body.value.onlineSession,
    batchSession: body.value.batchSession,
  };
  c.var.rt.store.changed();
  return ok(c);
});

testdataRoutes.delete('/testdata/limits/context/session', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  delete c.var.rt.state.sessionLimits[contextKey(who.caller.operation.context)];
  c.var.rt.store.changed();
  return ok(c);
});

testdataRoutes.post('/testdata/rate-limits', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const body = await readJsonBody<{
    rateLimits: Record<string, { perSecond: number; perMinute: number; perHour: number }>;
  }>(c, op('POST /testdata/rate-limits'));
  if (!body.ok) return body.response;
  const groups: Record<string, { perSecond: number; perMinute: number; perHour: number }> = {};
  for (const [group, v] of Object.entries(body.value.rateLimits)) {
    groups[group] = { perSecond: v.perSecond, perMinute: v.perMinute, perHour: v.perHour };
  }
  c.var.rt.state.rateLimitOverrides[contextKey(who.caller.operation.context)] = groups;
  c.var.rt.store.changed();
  return ok(c);
});

// Defaults and the production profile are the same since TEST uses PRD's figures (api-changelog 2.5.0).
for (const [method, path] of [
  ['delete', '/testdata/rate-limits'],
  ['post', '/testdata/rate-limits/production'],
] as const) {
  testdataRoutes[method](path, async (c) => {
    const who = await authenticate(c, ['access']);
    if (!who.ok) return who.response;
    delete c.var.rt.state.rateLimitOverrides[contextKey(who.caller.operation.context)];
    c.var.rt.store.changed();
    return ok(c);
  });
}
