/**
 * KSeF certificates (REFERENCE §3.9, §5.3): limits, enrollment data, enroll (with a CSR the caller
 * built from that data with the crypto core), enrollment status, retrieve, query (paged by offset),
 * revoke. They belong to the authenticated subject, not to the login context.
 */
import { fail, ok, type Result } from '../result.ts';
import type { JsonRequestBody, Schemas } from './api-types.ts';
import { type CallerDeps, sendKsef } from './ksef-call.ts';
import {
  type CertificateLimits,
  CertificateLimitsSchema,
  type CertificateListItem,
  type CertificateQuery,
  CertificateQuerySchema,
  type Enrollment,
  type EnrollmentDataResponse,
  EnrollmentDataSchema,
  EnrollmentSchema,
  type EnrollmentStatus,
  EnrollmentStatusSchema,
  RESPONSE_ENUMS,
  RetrieveCertificatesSchema,
  type RetrievedCertificates,
} from './response-schemas.ts';

export type EnrollmentRequest = JsonRequestBody<'POST /certificates/enrollments'>;
export type CertificateFilter = JsonRequestBody<'POST /certificates/query'>;
export type RevocationReason = Schemas['CertificateRevocationReason'];

// Spec patterns (EnrollCertificateRequest.certificateName, certificate serials §2.3).
const CERTIFICATE_NAME = /^[a-zA-Z0-9_\- ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]{5,100}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const REVOCATION_REASONS: readonly RevocationReason[] = ['Unspecified', 'Superseded', 'KeyCompromise'];

function checkEnrollment(r: EnrollmentRequest): string | undefined {
  if (typeof r?.certificateName !== 'string' || !CERTIFICATE_NAME.test(r.certificateName))
    return 'certificateName: 5–100 letters, digits, spaces, _ or -';
  if (!RESPONSE_ENUMS.CERTIFICATE_TYPES.includes(r.certificateType)) return 'certificateType';
  if (typeof r.csr !== 'string' || r.csr.length === 0 || !BASE64.test(r.csr)) return 'csr must be Base64 DER';
  if (r.validFrom != null && Number.isNaN(Date.parse(r.validFrom))) return 'validFrom must be a date-time';
  return undefined;
}

const serialOk = (s: unknown) => typeof s === 'string' && RESPONSE_ENUMS.CERTIFICATE_SERIAL.test(s);

export function certificatesApi(deps: CallerDeps) {
  const get = async <T>(
    operation: 'GET /certificates/limits' | 'GET /certificates/enrollments/data',
    schema: import('valibot').GenericSchema<unknown, T>,
    accessToken: string,
    signal?: AbortSignal,
  ): Promise<Result<T>> => {
    const r = await sendKsef(deps, {
      operation,
      bearer: accessToken,
      retry: 'idempotent',
      schema,
      ...(signal ? { signal } : {}),
    });
    return r.ok ? ok(r.value.value) : r;
  };

  async function query(
    accessToken: string,
    filter: CertificateFilter = {},
    page: { readonly pageSize?: number; readonly pageOffset?: number; readonly signal?: AbortSignal } = {},
  ): Promise<Result<CertificateQuery>> {
    const pageSize = page.pageSize ?? 50;
    const pageOffset = page.pageOffset ?? 0;
    if (!Number.isInteger(pageSize) || pageSize < 10 || pageSize > 50)
      return fail('INVALID_INPUT', { detail: 'pageSize must be 10–50' });
    if (!Number.isInteger(pageOffset) || pageOffset < 0)
      return fail('INVALID_INPUT', { detail: 'pageOffset must be ≥ 0' });
    const r = await sendKsef(deps, {
      operation: 'POST /certificates/query',
      bearer: accessToken,
      query: { pageSize, pageOffset },
      json: filter,
      // A query changes nothing.
      retry: 'idempotent',
      schema: CertificateQuerySchema,
      ...(page.signal ? { signal: page.signal } : {}),
    });
    return r.ok ? ok(r.value.value) : r;
  }

  return {
    /** `GET /certificates/limits` — check `canRequest` before enrolling (6 for PESEL/fingerprint). */
    limits: (accessToken: string, signal?: AbortSignal): Promise<Result<CertificateLimits>> =>
      get('GET /certificates/limits', CertificateLimitsSchema, accessToken, signal),
    /** `GET /certificates/enrollments/data` — the DN the CSR must carry verbatim (25001 after a token login). */
    enrollmentData: (accessToken: string, signal?: AbortSignal): Promise<Result<EnrollmentDataResponse>> =>
      get('GET /certificates/enrollments/data', EnrollmentDataSchema, accessToken, signal),
    /**
     * `POST /certificates/enrollments`. Sent once: an enrollment counts against the subject's limit,
     * and the caller writes the reference number to its pending table before acting on it.
     */
    async enroll(
      accessToken: string,
      request: EnrollmentRequest,
      signal?: AbortSignal,
    ): Promise<Result<Enrollment>> {
      const bad = checkEnrollment(request);
      if (bad) return fail('INVALID_INPUT', { detail: bad });
      const r = await sendKsef(deps, {
        operation: 'POST /certificates/enrollments',
        bearer: accessToken,
        json: {
          certificateName: request.certificateName,
          certificateType: request.certificateType,
          csr: request.csr,
          ...(request.validFrom == null ? {} : { validFrom: request.validFrom }),
        },
        retry: 'once',
        schema: EnrollmentSchema,
        ...(signal ? { signal } : {}),
      });
      return r.ok ? ok(r.value.value) : r;
    },
    /** `GET /certificates/enrollments/{referenceNumber}`. */
    async enrollmentStatus(
      accessToken: string,
      referenceNumber: string,
      signal?: AbortSignal,
    ): Promise<Result<EnrollmentStatus>> {
      const r = await sendKsef(deps, {
        operation: 'GET /certificates/enrollments/{referenceNumber}',
        pathParams: { referenceNumber },
        bearer: accessToken,
        retry: 'idempotent',
        schema: EnrollmentStatusSchema,
        ...(signal ? { signal } : {}),
      });
      return r.ok ? ok(r.value.value) : r;
    },
    /** `POST /certificates/retrieve` for 1–10 serial numbers. */
    async retrieve(
      accessToken: string,
      serialNumbers: readonly string[],
      signal?: AbortSignal,
    ): Promise<Result<RetrievedCertificates>> {
      if (!Array.isArray(serialNumbers) || serialNumbers.length < 1 || serialNumbers.length > 10)
        return fail('INVALID_INPUT', { detail: '1–10 serial numbers' });
      if (!serialNumbers.every(serialOk))
        return fail('INVALID_INPUT', { detail: 'serial: 16 uppercase hex digits' });
      const r = await sendKsef(deps, {
        operation: 'POST /certificates/retrieve',
        bearer: accessToken,
        json: { certificateSerialNumbers: [...serialNumbers] },
        retry: 'idempotent',
        schema: RetrieveCertificatesSchema,
        ...(signal ? { signal } : {}),
      });
      return r.ok ? ok(r.value.value) : r;
    },
    query,
    /** Every certificate matching the filter (pages of 50 while `hasMore`, bounded). */
    async queryAll(
      accessToken: string,
      filter: CertificateFilter = {},
      options: { readonly signal?: AbortSignal; readonly maxPages?: number } = {},
    ): Promise<Result<CertificateListItem[]>> {
      const all: CertificateListItem[] = [];
      const maxPages = options.maxPages ?? 20;
      for (let page = 0; page < maxPages; page++) {
        const r = await query(accessToken, filter, {
          pageSize: 50,
          pageOffset: page,
          ...(options.signal ? { signal: options.signal } : {}),
        });
        if (!r.ok) return r;
        all.push(...r.value.certificates);
        if (!r.value.hasMore || r.value.certificates.length === 0) return ok(all);
      }
      return fail('BAD_RESPONSE', { detail: `more than ${maxPages} pages` });
    },
    /** `POST /certificates/{serial}/revoke` (not allowed after a token login). */
    async revoke(
      accessToken: string,
      serialNumber: string,
      reason?: RevocationReason,
      signal?: AbortSignal,
    ): Promise<Result<void>> {
      if (!serialOk(serialNumber))
        return fail('INVALID_INPUT', { detail: 'serial: 16 uppercase hex digits' });
      if (reason !== undefined && !REVOCATION_REASONS.includes(reason))
        return fail('INVALID_INPUT', { detail: 'revocationReason' });
      const r = await sendKsef(deps, {
        operation: 'POST /certificates/{certificateSerialNumber}/revoke',
        pathParams: { certificateSerialNumber: serialNumber },
        bearer: accessToken,
        json: reason === undefined ? {} : { revocationReason: reason },
        // A second revoke of a revoked certificate is refused (25009) — never re-sent blindly.
        retry: 'once',
        ...(signal ? { signal } : {}),
      });
      return r.ok ? ok(undefined) : r;
    },
  };
}

export type CertificatesApi = ReturnType<typeof certificatesApi>;
