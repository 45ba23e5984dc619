/** /certificates: limits, enrollment data, enrollment and its status, retrieve, query, revoke (REFERENCE §3.9). */
import { Hono } from 'hono';
import {
  type CertificateQuery,
  certificateLimits,
  type EnrollRequest,
  enroll,
  enrollmentData,
  enrollmentStatus,
  queryCertificates,
  retrieveCertificates,
  revokeCertificate,
} from '../domain/certificates.ts';
import { authenticate } from '../http/bearer.ts';
import type { SandboxEnv } from '../http/env.ts';
import { ksefError } from '../http/ksef-errors.ts';
import { checkPathParams, readJsonBody, readQuery } from '../http/request.ts';
import { operationByKey } from '../http/spec.ts';

const OPS = {
  enroll: operationByKey('POST /certificates/enrollments'),
  status: operationByKey('GET /certificates/enrollments/{referenceNumber}'),
  retrieve: operationByKey('POST /certificates/retrieve'),
  query: operationByKey('POST /certificates/query'),
  revoke: operationByKey('POST /certificates/{certificateSerialNumber}/revoke'),
};

export const certificateRoutes = new Hono<SandboxEnv>();

certificateRoutes.get('/certificates/limits', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  return c.json(certificateLimits(c.var.rt, who.caller.operation), 200);
});

certificateRoutes.get('/certificates/enrollments/data', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const r = enrollmentData(who.caller.operation);
  return r.ok ? c.json(r.value, 200) : ksefError(c, r.failure);
});

certificateRoutes.post('/certificates/enrollments', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const body = await readJsonBody<EnrollRequest>(c, OPS.enroll);
  if (!body.ok) return body.response;
  const r = enroll(c.var.rt, who.caller.operation, body.value);
  return r.ok ? c.json(r.value, 202) : ksefError(c, r.failure);
});

certificateRoutes.get('/certificates/enrollments/:referenceNumber', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const params = checkPathParams(c, OPS.status);
  if (!params.ok) return params.response;
  const r = await enrollmentStatus(c.var.rt, who.caller.operation, params.value.referenceNumber!);
  if (r.ok) return c.json(r.value, 200);
  return 'gone' in r ? ksefError(c, { kind: 'gone' }) : ksefError(c, r.failure);
});

certificateRoutes.post('/certificates/retrieve', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const body = await readJsonBody<{ certificateSerialNumbers: string[] }>(c, OPS.retrieve);
  if (!body.ok) return body.response;
  return c.json(
    retrieveCertificates(c.var.rt, who.caller.operation, body.value.certificateSerialNumbers),
    200,
  );
});

certificateRoutes.post('/certificates/query', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const query = readQuery<{ pageSize?: number; pageOffset?: number }>(c, OPS.query);
  if (!query.ok) return query.response;
  const body = await readJsonBody<CertificateQuery>(c, OPS.query);
  if (!body.ok) return body.response;
  const { pageSize = 10, pageOffset = 0 } = query.value;
  return c.json(queryCertificates(c.var.rt, who.caller.operation, body.value, pageSize, pageOffset), 200);
});

certificateRoutes.post('/certificates/:certificateSerialNumber/revoke', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const params = checkPathParams(c, OPS.revoke);
  if (!params.ok) return params.response;
  const body = await readJsonBody<{ revocationReason?: string | null }>(c, OPS.revoke);
  if (!body.ok) return body.response;
  const r = revokeCertificate(
    c.var.rt,
    who.caller.operation,
    params.value.certificateSerialNumber!,
    body.value.revocationReason ?? null,
  );
  return r.ok ? c.body(null, 204) : ksefError(c, r.failure);
});
