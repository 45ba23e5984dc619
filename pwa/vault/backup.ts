/**
 * Encrypted backup (ARCHITECTURE.md "Backup", SECURITY.md §3.7): export everything or one company
 * into one file under a fresh key from the backup's own passphrase (never the data key); preview a
 * file; import it with a merge that never overwrites a newer record silently. A corrupted,
 * truncated, foreign or newer-version file is refused with a precise reason before anything is
 * written, and an import is one transaction: all of it or none of it.
 *
 * Merge rules, per record (companies by NIP + environment, certificates by id or fingerprint,
 * tokens by reference number):
 *   not in the vault → add · identical → same · newer in the backup → update ·
 *   newer in the vault → keep the vault's, unless the user named it in `replaceNewer`.
 * Approvals always arrive "needs confirmation", to be confirmed one by one.
 */
import {
  type BackupKey,
  createBackupKey,
  openBackup,
  readBackupHeader,
  sealBackup,
  unlockBackup,
} from '../../shared/crypto/backup-container.ts';
import { fromBase64, toBase64, toHexUpper, utf8 } from '../../shared/crypto/encoding.ts';
import type { WrappedSigningKey } from '../../shared/crypto/keys.ts';
import { openText, recordAad, sealText } from '../../shared/crypto/sealed-field.ts';
import { rewrapSigningKey } from '../../shared/crypto/signing-key-rewrap.ts';
import { checkPassphraseFloor } from '../../shared/domain/passphrase-strength.ts';
import { ok } from '../../shared/result.ts';
import { approvalMac } from './approvals.ts';
import {
  BACKUP_PAYLOAD,
  type BackupCertificateRecord,
  type BackupPayload,
  parseBackupPayload,
} from './backup-payload.ts';
import { asVaultError, type VaultResult, vfail } from './errors.ts';
import type { ApprovalRow, CertificateRow, CompanyRow, TokenRow } from './records.ts';
import type {
  BackupPreview,
  BackupPreviewItem,
  ExportBackupInput,
  ExportedBackup,
  ImportBackupInput,
  ImportReport,
  MergeAction,
} from './vault-api.ts';
import { AbortWrite, commit, newUuid, type Unlocked, type VaultContext } from './vault-context.ts';
import { bindingOf } from './views.ts';

const backupKeyAad = (salt: Uint8Array, certificateId: string) =>
  utf8(`ksef-wallet-backup/1/${toHexUpper(salt)}/certificates/${certificateId}/private-key`);

const b64 = (bytes: Uint8Array) => toBase64(bytes);
function unb64(text: string): Uint8Array {
  if (text === '') return new Uint8Array(0);
  const r = fromBase64(text);
  if (!r.ok) throw new AbortWrite({ code: 'CORRUPTED', reason: 'BACKUP_BAD_CONTENT', detail: 'Base64' });
  return r.value;
}

export async function exportBackup(
  ctx: VaultContext,
  u: Unlocked,
  input: ExportBackupInput,
): Promise<VaultResult<ExportedBackup>> {
  const strong = await checkPassphraseFloor(input.backupPassphrase);
  if (!strong.ok) return { ok: false, error: asVaultError(strong.error) };
  const all = await ctx.db.companies.toArray();
  const companies = input.companyId ? all.filter((c) => c.id === input.companyId) : all;
  if (input.companyId && companies.length === 0) return vfail('NOT_FOUND', 'company');
  if (companies.length === 0) return vfail('BACKUP_EMPTY');
  const byId = new Map(companies.map((c) => [c.id, c] as const));
  const key = await createBackupKey(ctx.platform, input.backupPassphrase, input.kdf);
  if (!key.ok) return { ok: false, error: asVaultError(key.error) };
  const { subtle, random } = ctx.platform;

  const certificates: BackupPayload['certificates'] = [];
  let keysExcluded = 0;
  for (const c of await ctx.db.certificates.toArray()) {
    const company = byId.get(c.companyId);
    if (!company || c.state === 'enrolling') continue;
    let wrappedKey: BackupCertificateRecord['wrappedKey'];
    if (c.wrappedKey && c.excludeFromBackup === 0) {
      const from = recordAad(bindingOf(u.keys.vaultId, 'certificates', c.id, 'private-key', company));
      if (!from.ok) return { ok: false, error: asVaultError(from.error) };
      const moved = await rewrapSigningKey(
        subtle,
        c.wrappedKey,
        { key: u.keys.recordKey, aad: from.value },
        { key: key.value.key, aad: backupKeyAad(key.value.salt, c.id) },
        random,
      );
      if (!moved.ok) return { ok: false, error: asVaultError(moved.error) };
      wrappedKey = { v: 1, alg: moved.value.alg, iv: b64(moved.value.iv), wrapped: b64(moved.value.wrapped) };
    } else if (c.wrappedKey) {
      keysExcluded += 1;
    }
    certificates.push({
      id: c.id,
      companyId: c.companyId,
      name: c.name,
      certificateType: c.certificateType,
      algorithm: c.algorithm,
      state: c.state,
      ...(c.enrollmentReference ? { enrollmentReference: c.enrollmentReference } : {}),
      ...(c.serialNumber ? { serialNumber: c.serialNumber } : {}),
      ...(c.fingerprint ? { fingerprint: c.fingerprint } : {}),
      ...(c.subject ? { subject: c.subject } : {}),
      ...(c.validFrom ? { validFrom: c.validFrom } : {}),
      ...(c.validTo ? { validTo: c.validTo } : {}),
      ...(c.certificateDer ? { certificateDer: b64(c.certificateDer) } : {}),
      publicKeySpki: b64(c.publicKeySpki),
      ...(wrappedKey ? { wrappedKey } : {}),
      excludeFromBackup: c.excludeFromBackup,
      isDefault: c.isDefault,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    });
  }
  const tokens: BackupPayload['tokens'] = [];
  for (const t of await ctx.db.tokens.toArray()) {
    const company = byId.get(t.companyId);
    if (!company) continue;
    const secret = await openText(
      subtle,
      u.keys.recordKey,
      bindingOf(u.keys.vaultId, 'tokens', t.id, 'secret', company),
      t.secret,
    );
    if (!secret.ok) return { ok: false, error: asVaultError(secret.error) };
    const { secret: _sealed, ...meta } = t;
    tokens.push({ ...meta, permissions: [...meta.permissions], secret: secret.value });
  }
  const approvals: BackupPayload['approvals'] = (await ctx.db.approvals.toArray())
    .filter((a) => byId.has(a.companyId))
    .map((a) => ({
      id: a.id,
      origin: a.origin,
      companyId: a.companyId,
      environment: a.environment,
      allowRefresh: a.allowRefresh,
      grantedAt: a.grantedAt,
      updatedAt: a.updatedAt,
    }));
  const now = ctx.platform.clock.now();
  const payload: BackupPayload = {
    format: BACKUP_PAYLOAD.FORMAT,
    v: BACKUP_PAYLOAD.VERSION,
    exportedAt: now,
    sourceVaultId: u.keys.vaultId,
    scope: input.companyId ?? 'all',
    companies: companies.map((c) => ({ ...c })),
    certificates,
    tokens,
    approvals,
  };
  const file = await sealBackup(ctx.platform, key.value, utf8(JSON.stringify(payload)));
  if (!file.ok) return { ok: false, error: asVaultError(file.error) };
  const logged = await commit(ctx, u, {
    tables: [],
    log: [
      {
        kind: 'backup-exported',
        ...(input.companyId ? { companyId: input.companyId } : {}),
        detail: {
          companies: companies.length,
          certificates: certificates.length,
          tokens: tokens.length,
          keysExcluded,
        },
      },
    ],
    write: async () => undefined,
  });
  if (!logged.ok) return logged;
  const day = new Date(now).toISOString().slice(0, 10);
  const scope = input.companyId ? `-${companies[0]!.nip}` : '';
  return ok({
    file: file.value,
    fileName: `ksef-wallet-backup${scope}-${day}.ksefwallet`,
    companies: companies.length,
    certificates: certificates.length,
    keysExcluded,
    tokens: tokens.length,
  });
}

type Opened = { payload: BackupPayload; key: BackupKey; belowRecommended: boolean };

async function openBackupFile(
  ctx: VaultContext,
  file: unknown,
  passphrase: unknown,
): Promise<VaultResult<Opened>> {
  if (!(file instanceof Uint8Array)) return vfail('BAD_REQUEST', 'file');
  if (typeof passphrase !== 'string' || passphrase.length === 0) return vfail('BAD_REQUEST', 'passphrase');
  const header = await readBackupHeader(ctx.platform.subtle, file);
  if (!header.ok) return { ok: false, error: asVaultError(header.error) };
  const key = await unlockBackup(ctx.platform.subtle, header.value, passphrase);
  if (!key.ok) return { ok: false, error: asVaultError(key.error) };
  const body = await openBackup(ctx.platform.subtle, header.value, key.value, file);
  if (!body.ok) return { ok: false, error: asVaultError(body.error) };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body.value);
  } catch {
    return vfail('BACKUP_BAD_CONTENT', 'not UTF-8');
  }
  const payload = parseBackupPayload(text);
  if (!payload.ok) return vfail('BACKUP_BAD_CONTENT', payload.detail);
  return ok({ payload: payload.value, key: key.value, belowRecommended: header.value.belowRecommended });
}

type Plan = {
  items: BackupPreviewItem[];
  /** backup company id → vault company (existing or to be added). */
  companyMap: Map<string, CompanyRow>;
  existing: { certificates: Map<string, CertificateRow>; tokens: Map<string, TokenRow> };
};

const decide = (backupUpdated: number, vaultUpdated: number | undefined, same: boolean): MergeAction => {
  if (vaultUpdated === undefined) return 'add';
  if (same || backupUpdated === vaultUpdated) return 'same';
  return backupUpdated > vaultUpdated ? 'update' : 'keep-newer-in-vault';
};

async function planMerge(ctx: VaultContext, payload: BackupPayload): Promise<Plan> {
  const items: BackupPreviewItem[] = [];
  const vaultCompanies = await ctx.db.companies.toArray();
  const companyMap = new Map<string, CompanyRow>();
  const nameOf = new Map<string, string>();
  for (const c of payload.companies) {
    const match = vaultCompanies.find((x) => x.nip === c.nip && x.environment === c.environment);
    companyMap.set(
      c.id,
      match ?? { ...c, id: vaultCompanies.some((x) => x.id === c.id) ? newUuid(ctx.platform) : c.id },
    );
    nameOf.set(c.id, c.name);
    items.push({
      table: 'companies',
      id: c.id,
      label: `${c.name} (${c.nip}, ${c.environment})`,
      companyName: c.name,
      action: decide(c.updatedAt, match?.updatedAt, match?.name === c.name),
      backupUpdatedAt: c.updatedAt,
      ...(match ? { vaultUpdatedAt: match.updatedAt } : {}),
    });
  }
  const certificates = new Map<string, CertificateRow>();
  const allCerts = await ctx.db.certificates.toArray();
  for (const c of payload.certificates) {
    const target = companyMap.get(c.companyId)!;
    const match = allCerts.find(
      (x) =>
        x.companyId === target.id &&
        (x.id === c.id || (c.fingerprint !== undefined && x.fingerprint === c.fingerprint)),
    );
    if (match) certificates.set(c.id, match);
    items.push({
      table: 'certificates',
      id: c.id,
      label: c.name,
      companyName: nameOf.get(c.companyId) ?? '',
      action: decide(c.updatedAt, match?.updatedAt, false),
      backupUpdatedAt: c.updatedAt,
      ...(match ? { vaultUpdatedAt: match.updatedAt } : {}),
    });
  }
  const tokens = new Map<string, TokenRow>();
  for (const t of payload.tokens) {
    const match = await ctx.db.tokens.where('referenceNumber').equals(t.referenceNumber).first();
    if (match) tokens.set(t.id, match);
    items.push({
      table: 'tokens',
      id: t.id,
      label: t.description,
      companyName: nameOf.get(t.companyId) ?? '',
      action: decide(t.updatedAt, match?.updatedAt, false),
      backupUpdatedAt: t.updatedAt,
      ...(match ? { vaultUpdatedAt: match.updatedAt } : {}),
    });
  }
  for (const a of payload.approvals) {
    const target = companyMap.get(a.companyId)!;
    const match = await ctx.db.approvals.where({ origin: a.origin, companyId: target.id }).first();
    items.push({
      table: 'approvals',
      id: a.id,
      label: a.origin,
      companyName: nameOf.get(a.companyId) ?? '',
      // An approval is never taken over silently: it is added for confirmation, or the vault's stays.
      action: match ? 'keep-newer-in-vault' : 'add',
      backupUpdatedAt: a.updatedAt,
      ...(match ? { vaultUpdatedAt: match.updatedAt } : {}),
    });
  }
  return { items, companyMap, existing: { certificates, tokens } };
}

const countOf = (items: readonly BackupPreviewItem[]): Record<MergeAction, number> => {
  const counts: Record<MergeAction, number> = { add: 0, same: 0, update: 0, 'keep-newer-in-vault': 0 };
  for (const i of items) counts[i.action] += 1;
  return counts;
};

export async function previewBackup(
  ctx: VaultContext,
  input: { file: Uint8Array; backupPassphrase: string },
): Promise<VaultResult<BackupPreview>> {
  const opened = await openBackupFile(ctx, input.file, input.backupPassphrase);
  if (!opened.ok) return opened;
  const plan = await planMerge(ctx, opened.value.payload);
  return ok({
    exportedAt: opened.value.payload.exportedAt,
    sourceVaultId: opened.value.payload.sourceVaultId,
    kdfBelowRecommended: opened.value.belowRecommended,
    items: plan.items,
    counts: countOf(plan.items),
  });
}

export async function importBackup(
  ctx: VaultContext,
  u: Unlocked,
  input: ImportBackupInput,
): Promise<VaultResult<ImportReport>> {
  const opened = await openBackupFile(ctx, input.file, input.backupPassphrase);
  if (!opened.ok) return opened;
  const { payload, key } = opened.value;
  const plan = await planMerge(ctx, payload);
  const replace = new Set(
    Array.isArray(input.replaceNewer) ? input.replaceNewer.filter((x) => typeof x === 'string') : [],
  );
  const actionOf = (table: BackupPreviewItem['table'], id: string): MergeAction => {
    const a = plan.items.find((i) => i.table === table && i.id === id)?.action ?? 'same';
    return a === 'keep-newer-in-vault' && replace.has(id) && table !== 'approvals' ? 'update' : a;
  };
  const { subtle, random } = ctx.platform;
  const now = ctx.platform.clock.now();
  const companies: CompanyRow[] = [];
  for (const c of payload.companies) {
    const action = actionOf('companies', c.id);
    const target = plan.companyMap.get(c.id)!;
    if (action === 'add') companies.push({ ...c, id: target.id });
    else if (action === 'update') companies.push({ ...target, name: c.name, updatedAt: c.updatedAt });
  }
  const certificates: CertificateRow[] = [];
  for (const c of payload.certificates) {
    const action = actionOf('certificates', c.id);
    if (action !== 'add' && action !== 'update') continue;
    const company = plan.companyMap.get(c.companyId)!;
    const id = plan.existing.certificates.get(c.id)?.id ?? c.id;
    let wrappedKey: WrappedSigningKey | undefined;
    try {
      if (c.wrappedKey) {
        const to = recordAad(bindingOf(u.keys.vaultId, 'certificates', id, 'private-key', company));
        if (!to.ok) return { ok: false, error: asVaultError(to.error) };
        const moved = await rewrapSigningKey(
          subtle,
          { v: 1, alg: c.wrappedKey.alg, iv: unb64(c.wrappedKey.iv), wrapped: unb64(c.wrappedKey.wrapped) },
          { key: key.key, aad: backupKeyAad(key.salt, c.id) },
          { key: u.keys.recordKey, aad: to.value },
          random,
        );
        if (!moved.ok) return vfail('BACKUP_BAD_CONTENT', 'a private key does not unwrap');
        wrappedKey = moved.value;
      }
      const { wrappedKey: _w, certificateDer, publicKeySpki, ...meta } = c;
      certificates.push({
        ...meta,
        id,
        companyId: company.id,
        publicKeySpki: unb64(publicKeySpki),
        ...(certificateDer ? { certificateDer: unb64(certificateDer) } : {}),
        ...(wrappedKey ? { wrappedKey } : {}),
        // The vault's own default stays the default; an imported one is not made default silently.
        isDefault: 0,
      });
    } catch (e) {
      if (e instanceof AbortWrite) return { ok: false, error: e.error };
      throw e;
    }
  }
  const tokens: TokenRow[] = [];
  for (const t of payload.tokens) {
    const action = actionOf('tokens', t.id);
    if (action !== 'add' && action !== 'update') continue;
    const company = plan.companyMap.get(t.companyId)!;
    const id = plan.existing.tokens.get(t.id)?.id ?? t.id;
    const sealed = await sealText(
      subtle,
      u.keys.recordKey,
      bindingOf(u.keys.vaultId, 'tokens', id, 'secret', company),
      t.secret,
      random,
    );
    if (!sealed.ok) return { ok: false, error: asVaultError(sealed.error) };
    tokens.push({ ...t, id, companyId: company.id, secret: sealed.value, isDefault: 0 });
  }
  const approvals: ApprovalRow[] = [];
  for (const a of payload.approvals) {
    if (actionOf('approvals', a.id) !== 'add') continue;
    const company = plan.companyMap.get(a.companyId)!;
    if (company.environment !== a.environment) continue;
    const fields = {
      id: newUuid(ctx.platform),
      origin: a.origin,
      companyId: company.id,
      environment: company.environment,
      allowRefresh: a.allowRefresh,
      state: 'needs-confirmation' as const,
      grantedAt: a.grantedAt,
    };
    approvals.push({
      ...fields,
      updatedAt: now,
      mac: await approvalMac(subtle, u.keys.approvalMacKey, fields),
    });
  }
  const counts = countOf(
    plan.items.map((i) => ({ ...i, action: i.table === 'approvals' ? i.action : actionOf(i.table, i.id) })),
  );
  return commit(ctx, u, {
    tables: ['companies', 'certificates', 'tokens', 'approvals'],
    log: [
      {
        kind: 'backup-imported',
        detail: {
          added: counts.add,
          updated: counts.update,
          keptNewer: counts['keep-newer-in-vault'],
          approvals: approvals.length,
        },
      },
    ],
    write: async () => {
      await ctx.db.companies.bulkPut(companies);
      await ctx.db.certificates.bulkPut(certificates);
      await ctx.db.tokens.bulkPut(tokens);
      await ctx.db.approvals.bulkPut(approvals);
      return {
        added: counts.add,
        updated: counts.update,
        unchanged: counts.same,
        keptNewer: counts['keep-newer-in-vault'],
        approvalsToConfirm: approvals.length,
      };
    },
  });
}
