/**
 * After `POST /certificates/enrollments` KSeF issues the certificate asynchronously (REFERENCE §3.9):
 * status 100 "Wniosek przyjęty do realizacji" → 200 with `certificateSerialNumber`, or a final 400
 * (key already certified for another subject / certificate limit), 500 or 550. Polled with back-off
 * on the "other" group's schedule (backoff.ts, 2-minute budget). Final statuses other than 200 are
 * ENROLLMENT_REJECTED with the status in `ksef.code` and KSeF's description and details.
 */
import { fail, ok, type Result } from '../result.ts';
import type { PollPolicy } from './backoff.ts';
import type { KsefClient } from './ksef-client.ts';
import { pollUntil } from './poll-until.ts';
import type { EnrollmentStatus } from './response-schemas.ts';

export const ENROLLMENT_STATUS = Object.freeze({ IN_PROGRESS: 100, ISSUED: 200 });

export async function waitForEnrollment(
  client: KsefClient,
  accessToken: string,
  referenceNumber: string,
  options: {
    readonly signal?: AbortSignal;
    readonly onProgress?: (p: { readonly polls: number; readonly statusCode: number }) => void;
    readonly polling?: Partial<PollPolicy>;
  } = {},
): Promise<Result<EnrollmentStatus & { readonly certificateSerialNumber: string }>> {
  const polled = await pollUntil(
    client.clock,
    { ...client.polling.enrollment, ...(options.polling ?? {}) },
    () => client.certificates.enrollmentStatus(accessToken, referenceNumber, options.signal),
    (s) => s.status.code !== ENROLLMENT_STATUS.IN_PROGRESS,
    {
      ...(options.signal ? { signal: options.signal } : {}),
      onPoll: (s, polls) => options.onProgress?.({ polls, statusCode: s.status.code }),
    },
  );
  if (!polled.ok) return polled;
  const s = polled.value.value;
  if (s.status.code === ENROLLMENT_STATUS.ISSUED) {
    if (!s.certificateSerialNumber)
      return fail('BAD_RESPONSE', { detail: 'enrollment issued without certificateSerialNumber' });
    return ok({ ...s, certificateSerialNumber: s.certificateSerialNumber });
  }
  return fail('ENROLLMENT_REJECTED', {
    ksef: {
      httpStatus: 200,
      code: s.status.code,
      description: s.status.description,
      ...(s.status.details?.length ? { details: s.status.details } : {}),
    },
  });
}
