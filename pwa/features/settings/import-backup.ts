/**
 * "Importuj kopię zapasową": the picked file (≤ 50 MiB, checked before reading) and its passphrase.
 * First a preview (what would be added, updated, kept), then the merge; imported approvals wait to be
 * confirmed one by one (SECURITY.md §3.7). A wrong passphrase or a damaged file changes nothing.
 */
import type { VaultResult } from '../../vault/errors.ts';
import type { BackupPreview, ImportReport, Vault } from '../../vault/vault-api.ts';

export const BACKUP_MAX_BYTES = 50 * 1024 * 1024;

export async function readBackupFile(file: File): Promise<Uint8Array | 'too-large'> {
  if (file.size > BACKUP_MAX_BYTES) return 'too-large';
  return new Uint8Array(await file.arrayBuffer());
}

export const previewBackup = (
  vault: Pick<Vault, 'previewBackup'>,
  file: Uint8Array,
  backupPassphrase: string,
): Promise<VaultResult<BackupPreview>> => vault.previewBackup({ file, backupPassphrase });

export const importBackup = (
  vault: Pick<Vault, 'importBackup'>,
  file: Uint8Array,
  backupPassphrase: string,
): Promise<VaultResult<ImportReport>> => vault.importBackup({ file, backupPassphrase });
