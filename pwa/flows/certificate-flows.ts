/**
 * KSeF certificates from the key worker — the heart of the product (REFERENCE §3.9, §5.3, §8): from
 * a session logged in with a signature, "Certificate enrollment" runs
 *
 *   limits (canRequest) → enrollment data (the DN, verbatim) → key pair generated HERE and wrapped
 *   under the vault key, CSR built and sealed, all in one transaction BEFORE the CSR leaves →
 *   POST /certificates/enrollments → reference number stored → status polled until a serial
 *   number → POST /certificates/retrieve → the vault checks that the issued certificate carries
 *   exactly the stored public key → ready to be the default and to log in.
 *
 * Each step is written ahead (SECURITY.md T12): an enrollment counts against the subject's limit,
 * so a crash, a closed tab or a lost answer never loses one — `resumePendingWork` picks it up.
 * "Get status" and "Retrieve" are also their own buttons (seed/000, steps 4–5).
 */
import { fromBase64, toBase64 } from '../../shared/crypto/encoding.ts';
import { type KsefClient, waitForEnrollment } from '../../shared/ksef/index.ts';
import { isLostAnswer } from '../../shared/ksef/ksef-call.ts';
import type { CertificateListItem } from '../../shared/ksef/response-schemas.ts';
import type { CompanyRow } from '../vault/records.ts';
import type { CertificateView, PendingView } from '../vault/vault-api.ts';
import type {
  CertificateLimitsView,
  EnrollInput,
  EnrollmentView,
  FlowResult,
  KsefCertificateRow,
  PublicKeyCertificateRow,
} from './flow-api.ts';
import {
  clientFor,
  type FlowCall,
  type FlowDeps,
  findCompany,
  flowFail,
  holding,
  requirePassphrase,
} from './flow-context.ts';
import { accessFor, companyAccess } from './session-access.ts';

export const ENROLLMENT_STATUS = Object.freeze({ IN_PROGRESS: 100, ISSUED: 200 });

export async function getPublicKeyCertificatesFlow(
  deps: FlowDeps,
  companyId: string,
  call: FlowCall,
): Promise<FlowResult<readonly PublicKeyCertificateRow[]>> {
  const company = await findCompany(deps, companyId);
  if (!company.ok) return company;
  call.progress({ step: 'listing' });
  const list = await clientFor(deps, company.value, call).publicKeys.list(call.signal);
  if (!list.ok) return list;
  call.progress({ step: 'done' });
  return {
    ok: true,
    value: list.value.map((c) => ({
      certificateId: c.certificateId,
      publicKeyId: c.publicKeyId,
      usage: [...c.usage],
      validFrom: c.validFrom,
      validTo: c.validTo,
    })),
  };
}

export async function certificateLimitsFlow(
  deps: FlowDeps,
  companyId: string,
  call: FlowCall,
): Promise<FlowResult<CertificateLimitsView>> {
  const access = await companyAccess(deps, companyId, call);
  if (!access.ok) return access;
  const { client, accessToken } = access.value;
  call.progress({ step: 'limits' });
  const limits = await client.certificates.limits(accessToken, call.signal);
  if (!limits.ok) return limits;
  call.progress({ step: 'done' });
  return { ok: true, value: limits.value };
}

async function findEnrollment(
  deps: FlowDeps,
  certificateId: string,
): Promise<FlowResult<{ certificate: CertificateView; pending: PendingView | undefined }>> {
  const certificate = (await deps.vault.listCertificates()).find((c) => c.id === certificateId);
  if (!certificate) return flowFail('INVALID_INPUT', undefined, 'unknown certificate');
  const pending = (await deps.vault.pendingWork()).find(
    (p) => p.kind === 'enrollment' && p.certificateId === certificateId,
  );
  return { ok: true, value: { certificate, pending } };
}

/** Sends a prepared CSR (the first time, or again after a lost answer) and stores the reference. */
export async function submitEnrollment(
  deps: FlowDeps,
  client: KsefClient,
  accessToken: string,
  pending: Pick<PendingView, 'id' | 'certificateName' | 'certificateType'>,
  csr: Uint8Array,
  call: FlowCall,
): Promise<FlowResult<string>> {
  if (!pending.certificateName || !pending.certificateType)
    return flowFail('INTERNAL', undefined, 'enrollment without name or type');
  call.progress({ step: 'enrolling' });
  const sent = await client.certificates.enroll(
    accessToken,
    {
      certificateName: pending.certificateName,
      certificateType: pending.certificateType,
      csr: toBase64(csr),
    },
    call.signal,
  );
  if (!sent.ok) {
    // A definite refusal (limit, CSR mismatch, …) ends it and drops the key; a lost answer keeps
    // the key and the CSR for the next attempt.
    if (!isLostAnswer(sent.error) && sent.error.code !== 'ABORTED')
      await deps.vault.failEnrollment({
        pendingId: pending.id,
        ...(sent.error.ksef?.code ? { statusCode: sent.error.ksef.code } : {}),
      });
    return sent;
  }
  const recorded = await deps.vault.recordEnrollmentSubmitted({
    pendingId: pending.id,
    referenceNumber: sent.value.referenceNumber,
  });
  if (!recorded.ok) return recorded;
  return { ok: true, value: sent.value.referenceNumber };
}

/** Retrieves an issued certificate and hands it to the vault, which checks it carries our key. */
async function retrieveAndComplete(
  deps: FlowDeps,
  client: KsefClient,
  accessToken: string,
  pendingId: string,
  serialNumber: string,
  call: FlowCall,
): Promise<FlowResult<CertificateView>> {
  call.progress({ step: 'retrieving' });
  const got = await client.certificates.retrieve(accessToken, [serialNumber], call.signal);
  if (!got.ok) return got;
  const item = got.value.certificates.find((c) => c.certificateSerialNumber === serialNumber);
  if (!item) return flowFail('BAD_RESPONSE', undefined, `KSeF did not return certificate ${serialNumber}`);
  const der = fromBase64(item.certificate, 64 * 1024);
  if (!der.ok) return flowFail('BAD_RESPONSE', undefined, 'the certificate is not Base64 DER');
  return deps.vault.completeEnrollment({ pendingId, certificateDer: der.value });
}

/**
 * From a submitted enrollment to a stored certificate: poll the status (or look once), and when
 * KSeF issued it, retrieve it. A final refusal (400/500/550) closes the enrollment and drops the key.
 */
export async function finishEnrollment(
  deps: FlowDeps,
  client: KsefClient,
  accessToken: string,
  certificateId: string,
  pending: PendingView,
  call: FlowCall,
  mode: { readonly wait: boolean; readonly retrieve: boolean },
): Promise<FlowResult<EnrollmentView>> {
  const ref = pending.referenceNumber;
  if (!ref) return flowFail('INTERNAL', undefined, 'submitted enrollment without a reference');
  let statusCode: number;
  let description = '';
  let serial: string | undefined;
  if (mode.wait) {
    const waited = await waitForEnrollment(client, accessToken, ref, {
      signal: call.signal,
      onProgress: (p) =>
        call.progress({
          step: 'enrollment-status',
          polls: p.polls,
          statusCode: p.statusCode,
          referenceNumber: ref,
        }),
    });
    if (!waited.ok) {
      if (waited.error.code === 'ENROLLMENT_REJECTED') {
        await deps.vault.failEnrollment({
          pendingId: pending.id,
          ...(waited.error.ksef?.code ? { statusCode: waited.error.ksef.code } : {}),
        });
      }
      return waited;
    }
    statusCode = waited.value.status.code;
    description = waited.value.status.description;
    serial = waited.value.certificateSerialNumber;
  } else {
    call.progress({ step: 'enrollment-status', referenceNumber: ref });
    const s = await client.certificates.enrollmentStatus(accessToken, ref, call.signal);
    if (!s.ok) return s;
    statusCode = s.value.status.code;
    description = s.value.status.description;
    serial = s.value.certificateSerialNumber ?? undefined;
    if (statusCode !== ENROLLMENT_STATUS.IN_PROGRESS && statusCode !== ENROLLMENT_STATUS.ISSUED) {
      await deps.vault.failEnrollment({ pendingId: pending.id, statusCode });
      return {
        ok: false,
        error: {
          code: 'ENROLLMENT_REJECTED',
          ksef: {
            httpStatus: 200,
            code: statusCode,
            description,
            ...(s.value.status.details?.length ? { details: s.value.status.details } : {}),
          },
        },
      };
    }
  }
  const base: EnrollmentView = {
    certificateId,
    referenceNumber: ref,
    statusCode,
    statusDescription: description,
    ...(serial ? { serialNumber: serial } : {}),
  };
  if (statusCode === ENROLLMENT_STATUS.IN_PROGRESS || !serial || !mode.retrieve) {
    call.progress({ step: 'done', referenceNumber: ref, statusCode });
    return { ok: true, value: base };
  }
  const stored = await retrieveAndComplete(deps, client, accessToken, pending.id, serial, call);
  if (!stored.ok) return stored;
  call.progress({ step: 'done', referenceNumber: ref, statusCode });
  return { ok: true, value: { ...base, certificate: stored.value } };
}

export async function enrollCertificateFlow(
  deps: FlowDeps,
  input: EnrollInput,
  call: FlowCall,
): Promise<FlowResult<EnrollmentView>> {
  // KSeF reads the DN from the certificate used to log in: a token session gets 25001 (§3.9).
  const access = await companyAccess(deps, input.companyId, call, { signature: true });
  if (!access.ok) return access;
  const { client, accessToken: token } = access.value;
  call.progress({ step: 'limits' });
  const limits = await client.certificates.limits(token, call.signal);
  if (!limits.ok) return limits;
  if (!limits.value.canRequest)
    return flowFail(
      'NOT_ALLOWED',
      'ENROLLMENT_LIMIT',
      `enrollments left ${limits.value.enrollment.remaining}/${limits.value.enrollment.limit}, certificates left ${limits.value.certificate.remaining}/${limits.value.certificate.limit}`,
    );
  call.progress({ step: 'enrollment-data' });
  const data = await client.certificates.enrollmentData(token, call.signal);
  if (!data.ok) return data;
  call.progress({ step: 'key' });
  const prepared = await deps.vault.prepareEnrollment({
    companyId: input.companyId,
    certificateName: input.certificateName,
    certificateType: input.certificateType,
    algorithm: input.algorithm,
    enrollmentData: data.value,
  });
  if (!prepared.ok) return prepared;
  if (input.excludeFromBackup) {
    const excluded = await deps.vault.setCertificateExcludedFromBackup({
      certificateId: prepared.value.certificateId,
      excluded: true,
    });
    if (!excluded.ok) return excluded;
  }
  const pendingId = prepared.value.pendingId;
  return holding(deps, pendingId, async () => {
    const ref = await submitEnrollment(
      deps,
      client,
      token,
      {
        id: pendingId,
        certificateName: prepared.value.certificateName,
        certificateType: prepared.value.certificateType,
      },
      prepared.value.csr,
      call,
    );
    if (!ref.ok) return ref;
    const pending = (await deps.vault.pendingWork()).find((p) => p.id === pendingId);
    if (!pending) return flowFail('INTERNAL', undefined, 'the enrollment record is gone');
    if (!input.automatic) {
      call.progress({ step: 'done', referenceNumber: ref.value, statusCode: ENROLLMENT_STATUS.IN_PROGRESS });
      return {
        ok: true,
        value: { certificateId: prepared.value.certificateId, referenceNumber: ref.value, statusCode: 100 },
      };
    }
    return finishEnrollment(deps, client, token, prepared.value.certificateId, pending, call, {
      wait: true,
      retrieve: true,
    });
  });
}

/** What the vault already knows about an enrollment that is no longer pending. */
function settled(certificate: CertificateView): EnrollmentView {
  return {
    certificateId: certificate.id,
    ...(certificate.enrollmentReference ? { referenceNumber: certificate.enrollmentReference } : {}),
    ...(certificate.state === 'active' ? { statusCode: ENROLLMENT_STATUS.ISSUED } : {}),
    ...(certificate.serialNumber ? { serialNumber: certificate.serialNumber } : {}),
    certificate,
  };
}

async function enrollmentStep(
  deps: FlowDeps,
  certificateId: string,
  call: FlowCall,
  retrieve: boolean,
): Promise<FlowResult<EnrollmentView>> {
  const found = await findEnrollment(deps, certificateId);
  if (!found.ok) return found;
  const { certificate, pending } = found.value;
  if (!pending) return { ok: true, value: settled(certificate) };
  if (pending.stage !== 'submitted')
    return flowFail('INVALID_INPUT', 'UNKNOWN_REQUEST', 'not submitted yet: resume the pending work');
  const access = await companyAccess(deps, certificate.companyId, call);
  if (!access.ok) return access;
  const { client, accessToken } = access.value;
  const r = await holding(deps, pending.id, () =>
    finishEnrollment(deps, client, accessToken, certificateId, pending, call, {
      wait: false,
      retrieve,
    }),
  );
  if (r.ok && retrieve && r.value.statusCode === ENROLLMENT_STATUS.IN_PROGRESS)
    return flowFail('STILL_IN_PROGRESS', 'ENROLLMENT_IN_PROGRESS', 'KSeF has not issued the certificate yet');
  return r;
}

/** "Get status": one look at the enrollment. */
export const getEnrollmentStatusFlow = (deps: FlowDeps, certificateId: string, call: FlowCall) =>
  enrollmentStep(deps, certificateId, call, false);

/** "Retrieve": once KSeF issued it, fetch the certificate and store it with its key. */
export const retrieveCertificateFlow = (deps: FlowDeps, certificateId: string, call: FlowCall) =>
  enrollmentStep(deps, certificateId, call, true);

function certificateRow(c: CertificateListItem, mine: CertificateView | undefined): KsefCertificateRow {
  return {
    serialNumber: c.certificateSerialNumber,
    name: c.name,
    type: c.type,
    status: c.status,
    commonName: c.commonName,
    validFrom: c.validFrom,
    validTo: c.validTo,
    requestDate: c.requestDate,
    ...(c.lastUseDate ? { lastUseDate: c.lastUseDate } : {}),
    ...(mine ? { certificateId: mine.id } : {}),
    isDefault: mine?.isDefault === 1,
  };
}

export async function queryKsefCertificatesFlow(
  deps: FlowDeps,
  companyId: string,
  call: FlowCall,
): Promise<FlowResult<readonly KsefCertificateRow[]>> {
  const access = await companyAccess(deps, companyId, call);
  if (!access.ok) return access;
  const { client, accessToken } = access.value;
  call.progress({ step: 'listing' });
  const list = await client.certificates.queryAll(accessToken, {}, { signal: call.signal });
  if (!list.ok) return list;
  const mine = new Map(
    (await deps.vault.listCertificates(companyId))
      .filter((c) => c.serialNumber)
      .map((c) => [c.serialNumber!, c]),
  );
  for (const c of list.value) {
    const held = mine.get(c.certificateSerialNumber);
    // Revoked elsewhere (or being revoked): it must stop being offered for login here too.
    if (held && held.state === 'active' && (c.status === 'Revoked' || c.status === 'Blocked'))
      await deps.vault.flows.certificateRevoked({ certificateId: held.id });
  }
  const refreshed = new Map(
    (await deps.vault.listCertificates(companyId))
      .filter((c) => c.serialNumber)
      .map((c) => [c.serialNumber!, c]),
  );
  call.progress({ step: 'done' });
  return {
    ok: true,
    value: list.value.map((c) => certificateRow(c, refreshed.get(c.certificateSerialNumber))),
  };
}

export async function revokeKsefCertificateFlow(
  deps: FlowDeps,
  input: {
    companyId: string;
    serialNumber: string;
    reason?: 'Unspecified' | 'Superseded' | 'KeyCompromise';
    passphrase: string;
  },
  call: FlowCall,
): Promise<FlowResult<{ readonly revoked: true }>> {
  const company = await findCompany(deps, input.companyId);
  if (!company.ok) return company;
  const confirmed = await requirePassphrase(deps, input.passphrase);
  if (!confirmed.ok) return confirmed;
  const client = clientFor(deps, company.value, call);
  // Not available after a token login (REFERENCE §3.9).
  const access = await accessFor(deps, company.value, client, call, { signature: true });
  if (!access.ok) return access;
  call.progress({ step: 'revoking' });
  const r = await client.certificates.revoke(
    access.value.accessToken,
    input.serialNumber,
    input.reason,
    call.signal,
  );
  if (!r.ok) return r;
  const mine = (await deps.vault.listCertificates(input.companyId)).find(
    (c) => c.serialNumber === input.serialNumber,
  );
  if (mine) {
    const marked = await deps.vault.flows.certificateRevoked({ certificateId: mine.id });
    if (!marked.ok) return marked;
  }
  call.progress({ step: 'done' });
  return { ok: true, value: { revoked: true } };
}

export type { CompanyRow };
