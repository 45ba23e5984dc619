/**
 * The non-secret status snapshot the wallet publishes to the extension, so that the popup can show
 * the companies and their credentials while the vault is locked and the network is off. It carries
 * only what the vault keeps in clear anyway (ARCHITECTURE.md "The vault": names, NIPs, labels,
 * validity dates, statuses, last login). The extension keeps it in its own IndexedDB, not in
 * chrome.storage.local, which content scripts can read (SECURITY.md §3.9).
 */
import * as v from 'valibot';
import { EnvironmentIdSchema, EpochMsSchema, NipSchema } from './handoff-fields.ts';

export const SNAPSHOT_VERSION = 1;
export const SNAPSHOT_LIMITS = Object.freeze({ COMPANIES: 1000, CREDENTIALS_PER_COMPANY: 50 });

/**
 * Defence in depth (SECURITY.md T2, §3.12): a text field that looks like a KSeF access/refresh
 * token (a JWT) or a KSeF token secret (`ref|nip-…|64 hex`) is refused, so a bug on the wallet side
 * cannot put a secret into the extension's storage through a label.
 */
const SECRET_SHAPES = [
  /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/,
  /\|(nip|internalId|NipVatUe|PeppolId)-[^|]+\|[0-9a-fA-F]{64}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];
export const looksLikeSecret = (text: string): boolean => SECRET_SHAPES.some((re) => re.test(text));

const clearText = (max: number) =>
  v.pipe(
    v.string(),
    v.minLength(1),
    v.maxLength(max),
    v.check((s) => !looksLikeSecret(s), 'looks like a secret'),
    // No control characters: labels are shown as text in the popup.
    v.regex(/^[^\p{Cc}]*$/u, 'control characters'),
  );

export const CREDENTIAL_KINDS = ['ksef-certificate', 'ksef-token'] as const;
export const CREDENTIAL_STATUSES = ['pending', 'active', 'expired', 'revoked', 'failed', 'blocked'] as const;

export const SnapshotCredentialSchema = v.strictObject({
  kind: v.picklist(CREDENTIAL_KINDS),
  label: clearText(128),
  status: v.picklist(CREDENTIAL_STATUSES),
  /** The company's default credential of this kind (the one a one-click login uses). */
  isDefault: v.boolean(),
  validFrom: v.optional(EpochMsSchema),
  validUntil: v.optional(EpochMsSchema),
});

export const SnapshotCompanySchema = v.strictObject({
  nip: NipSchema,
  name: clearText(256),
  environment: EnvironmentIdSchema,
  credentials: v.pipe(
    v.array(SnapshotCredentialSchema),
    v.maxLength(SNAPSHOT_LIMITS.CREDENTIALS_PER_COMPANY),
  ),
  lastLoginAt: v.optional(EpochMsSchema),
});

export const StatusSnapshotSchema = v.pipe(
  v.strictObject({
    v: v.literal(SNAPSHOT_VERSION),
    /** When the wallet built it (wallet clock); the popup shows its age. */
    publishedAt: EpochMsSchema,
    companies: v.pipe(v.array(SnapshotCompanySchema), v.maxLength(SNAPSHOT_LIMITS.COMPANIES)),
  }),
  v.check(
    (s) => new Set(s.companies.map((c) => `${c.environment}|${c.nip}`)).size === s.companies.length,
    'a company appears twice',
  ),
);

export type StatusSnapshot = v.InferOutput<typeof StatusSnapshotSchema>;
export type SnapshotCompany = v.InferOutput<typeof SnapshotCompanySchema>;
export type SnapshotCredential = v.InferOutput<typeof SnapshotCredentialSchema>;
