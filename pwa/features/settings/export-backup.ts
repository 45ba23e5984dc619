/**
 * "Eksportuj kopię zapasową": the vault passphrase re-entered (SECURITY.md §4) and the backup's own
 * passphrase (twice); the vault re-encrypts everything under a fresh backup key derived from it —
 * never under the data key — and the page saves the file. Keys marked "exclude from backup" stay out.
 */
import type { VaultResult } from '../../vault/errors.ts';
import type { ExportedBackup, Vault } from '../../vault/vault-api.ts';
import { saveFile } from '../signed-request/download-auth-request.ts';

export async function exportBackup(
  vault: Pick<Vault, 'exportBackup'>,
  input: { passphrase: string; backupPassphrase: string; repeat: string; companyId?: string },
): Promise<VaultResult<ExportedBackup> | { ok: false; problem: 'mismatch' | 'empty' }> {
  if (!input.passphrase || !input.backupPassphrase) return { ok: false, problem: 'empty' };
  if (input.backupPassphrase !== input.repeat) return { ok: false, problem: 'mismatch' };
  const r = await vault.exportBackup({
    passphrase: input.passphrase,
    backupPassphrase: input.backupPassphrase,
    ...(input.companyId ? { companyId: input.companyId } : {}),
  });
  if (r.ok) saveFile(r.value.fileName, r.value.file, 'application/octet-stream');
  return r;
}
