/**
 * The sandbox's data: plain JSON so that `--state FILE` can keep it across restarts. Times are
 * milliseconds on the sandbox clock. Secrets of clients are never stored: a KSeF token is kept
 * as the SHA-256 of its secret part only; JWTs are not stored at all (they are verified by key).
 */
import type { StoredAuthority } from '../crypto/authority.ts';
import type { StoredEncryptionKey } from '../crypto/encryption-keys.ts';

export type ContextType = 'Nip' | 'InternalId' | 'NipVatUe' | 'PeppolId';
export type ContextIdentifier = { type: ContextType; value: string };
export type SubjectType = 'Nip' | 'Pesel' | 'Fingerprint';
export type SubjectIdentifier = { type: SubjectType; value: string };

export type StatusInfo = { code: number; description: string; details?: string[] };

export type AuthenticationMethod =
  | 'Token'
  | 'TrustedProfile'
  | 'InternalCertificate'
  | 'QualifiedSignature'
  | 'QualifiedSeal'
  | 'PersonalSignature'
  | 'PeppolSignature';

export type AuthenticationMethodInfo = {
  category: 'XadesSignature' | 'NationalNode' | 'Token' | 'Other';
  code: string;
  displayName: string;
};

export type AllowedIps = { ip4Addresses?: string[]; ip4Ranges?: string[]; ip4Masks?: string[] };

/** DN attributes of the certificate that signed the login (source of /certificates/enrollments/data). */
export type CertificateSubjectData = {
  commonName?: string;
  countryName?: string;
  givenName?: string;
  surname?: string;
  serialNumber?: string;
  uniqueIdentifier?: string;
  organizationName?: string;
  organizationIdentifier?: string;
};

/** Checks KSeF makes after answering 202 (the status stays 100 until they are done). */
export type PendingChecks =
  | {
      kind: 'xades';
      notBefore: number;
      notAfter: number;
      /** `verifyCertificateChain=true` on TEST: the chain must end at a trusted CA. */
      chainRequired: boolean;
      chainTrusted: boolean;
      ksefCertificateSerial: string | null;
    }
  | {
      kind: 'token';
      /** A 450 detail found while reading the token, or null when it named a known token. */
      failure: string | null;
      tokenRef: string | null;
    }
  | {
      /** Control API: the operation ends with KSeF's own failure (500 or 550) whatever it carried. */
      kind: 'forced';
      code: 500 | 550;
    };

export type AuthOperation = {
  referenceNumber: string;
  startDate: number;
  challenge: string;
  clientIp: string;
  authenticationMethod: AuthenticationMethod;
  methodInfo: AuthenticationMethodInfo;
  context: ContextIdentifier;
  subject: SubjectIdentifier | null;
  subjectData: CertificateSubjectData | null;
  allowedIps: AllowedIps | null;
  /** When the pending checks are evaluated (submission + authDelayMs). */
  readyAt: number;
  pending: PendingChecks | null;
  status: StatusInfo;
  permissions: string[];
  ksefTokenRef: string | null;
  ksefCertificateSerial: string | null;
  operationTokenValidUntil: number;
  redeemedAt: number | null;
  refreshTokenValidUntil: number | null;
  lastTokenRefreshDate: number | null;
  revokedAt: number | null;
};

export type KsefTokenStatus = 'Pending' | 'Active' | 'Revoking' | 'Revoked' | 'Failed';

export type KsefTokenRecord = {
  referenceNumber: string;
  /** SHA-256 (hex) of the 64-hex secret part; the secret itself is shown once and forgotten. */
  secretHash: string;
  context: ContextIdentifier;
  author: SubjectIdentifier;
  description: string;
  permissions: string[];
  dateCreated: number;
  activeAt: number;
  status: KsefTokenStatus;
  revokedAt: number | null;
  lastUseDate: number | null;
  statusDetails: string[] | null;
};

export type KsefCertificateType = 'Authentication' | 'Offline';

export type IssuedCertificate = {
  serialNumber: string;
  name: string;
  type: KsefCertificateType;
  certificate: string;
  commonName: string;
  subject: SubjectIdentifier;
  /** Login DN the certificate was issued for (a login with it gives the same enrollment data). */
  subjectData: CertificateSubjectData;
  validFrom: number;
  validTo: number;
  requestDate: number;
  status: 'Active' | 'Blocked' | 'Revoked';
  /** Revocation completes (Blocked → Revoked) at this time. */
  revokedAt: number | null;
  revocationReason: string | null;
  lastUseDate: number | null;
  spkiHash: string;
};

export type Enrollment = {
  referenceNumber: string;
  requestDate: number;
  subject: SubjectIdentifier;
  subjectData: CertificateSubjectData;
  certificateName: string;
  certificateType: KsefCertificateType;
  /** The CSR (Base64 DER) until it is processed. */
  csr: string | null;
  spkiHash: string;
  validFrom: number | null;
  readyAt: number;
  status: StatusInfo;
  certificateSerialNumber: string | null;
};

export type TestSubject = {
  nip: string;
  subjectType: string;
  description: string;
  subunits: { subjectNip: string; description: string }[];
  createdDate: number;
};

export type TestPerson = {
  nip: string;
  pesel: string;
  description: string;
  isBailiff: boolean;
  isDeceased: boolean;
  createdDate: number;
};

export type PermissionGrant = {
  context: string;
  authorized: SubjectIdentifier;
  permissions: { permissionType: string; description: string }[];
};

export type Company = { nip: string; name: string };

export type RateLimitTriple = { perSecond: number; perMinute: number; perHour: number };

export type SandboxState = {
  version: 1;
  jwtSecret: string;
  authority: StoredAuthority;
  encryptionKeys: StoredEncryptionKey[];
  challenges: Record<string, { timestampMs: number; clientIp: string; consumed: boolean }>;
  authOperations: Record<string, AuthOperation>;
  ksefTokens: Record<string, KsefTokenRecord>;
  certificates: Record<string, IssuedCertificate>;
  enrollments: Record<string, Enrollment>;
  /** SHA-256 of each certified SubjectPublicKeyInfo → the subject key it was certified for. */
  certifiedKeys: Record<string, string>;
  companies: Company[];
  subjects: Record<string, TestSubject>;
  persons: Record<string, TestPerson>;
  grants: PermissionGrant[];
  blockedContexts: string[];
  certificateLimits: Record<string, { maxEnrollments?: number; maxCertificates?: number }>;
  rateLimitOverrides: Record<string, Record<string, RateLimitTriple>>;
  sessionLimits: Record<string, unknown>;
};

export const subjectKey = (s: SubjectIdentifier): string => `${s.type}:${s.value}`;
export const contextKey = (c: ContextIdentifier): string => `${c.type}:${c.value}`;
