/**
 * What the company screen shows: the clear (non-secret) metadata the vault keeps readable while
 * locked and offline, plus the list rows KSeF returned last time. The vault and the KSeF client
 * fill it; the screen only renders it and calls back.
 */
import type { EnvironmentId } from '../../../shared/ksef/transport-types.ts';
import type { CompanyStatusView } from '../attention/needs-attention.ts';
import type { CompanyStatus } from '../companies/companies-panel.tsx';

export type AuthRequestRow = {
  readonly referenceNumber: string;
  readonly startedAt: string;
  /** KSeF auth status code: 100 in progress, 200 done, anything else final (REFERENCE.md §3.4). */
  readonly statusCode: number;
  readonly statusDescription: string;
  readonly redeemed: boolean;
};

export type CompanyView = CompanyStatusView & {
  readonly environment: EnvironmentId;
  readonly status: CompanyStatus;
  readonly authRequests: readonly AuthRequestRow[];
};

/** The self-signed test certificate is accepted only where KSeF accepts self-issued certificates. */
export function allowsTestCertificate(env: EnvironmentId): boolean {
  return env === 'TEST' || env.startsWith('custom:');
}
