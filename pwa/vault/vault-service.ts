/**
 * The vault itself: every use case behind the `Vault` interface, the unlocked keys, auto-lock and
 * change events. It runs inside the key worker (key-worker.ts) — the only place the data key ever
 * is — and, unchanged, in Node tests on fake-indexeddb with a fake clock.
 *
 * Locking drops the keys and the in-memory access tokens and announces `locked`; the worker then
 * closes itself and every PWA page reloads (JS cannot zero memory: ending the contexts that held the
 * keys is the only real wipe). Every call that needs the keys first checks the lock deadline, so a
 * timer that a sleeping laptop delayed never lets a secret out after the deadline.
 */
import { checkKeyring } from '../../shared/crypto/vault-keyring.ts';
import { isLockReason, type LockReason, lockDeadline, lockDue } from '../../shared/domain/lock-policy.ts';
import { estimatePassphrase } from '../../shared/domain/passphrase-strength.ts';
import { ok } from '../../shared/result.ts';
import { verifyLog } from './activity-log.ts';
import { checkApproval, confirmApproval, grantApproval, listApprovals, revokeApproval } from './approvals.ts';
import {
  completeEnrollment,
  failEnrollment,
  listCertificates,
  markCertificateRevoked,
  prepareEnrollment,
  recordEnrollmentSubmitted,
  removeCertificate,
  setCertificateExcludedFromBackup,
  setDefaultCertificate,
  storedEnrollmentCsr,
  unwrapCertificateKey,
} from './certificates.ts';
import { addCompany, listCompanies, removeCompany, renameCompany } from './companies.ts';
import { type VaultResult, vfail } from './errors.ts';
import {
  type IndexedDbPlatform,
  openVaultDatabase,
  VAULT_SCHEMA_VERSION,
  type VaultDatabase,
} from './schema.ts';
import {
  AccessTokenMemory,
  endSession,
  listSessions,
  openRefreshToken,
  recordAccessRefreshed,
  recordSession,
} from './sessions.ts';
import {
  abandonTokenGeneration,
  beginTokenGeneration,
  completeTokenActivation,
  listTokens,
  openTokenSecret,
  recordTokenGenerated,
  removeToken,
  revealTokenSecret,
  setDefaultToken,
  updateTokenStatus,
} from './tokens.ts';
import type { Vault, VaultEvent, VaultStatus } from './vault-api.ts';
import { createWriterLock, type Unlocked, type VaultContext, type VaultPlatform } from './vault-context.ts';
import {
  changePassphrase,
  confirmPassphrase,
  createVault,
  readKeyring,
  readSettings,
  rekeyVault,
  setIdleMinutes,
  unlockVault,
} from './vault-lifecycle.ts';
import { activityView, pendingView } from './views.ts';

/** Backups (their format and container) load on first use, not with the vault (issue 10: first load). */
const loadBackup = () => import('./backup.ts');
export type VaultServiceOptions = {
  readonly platform: VaultPlatform;
  readonly database?: IndexedDbPlatform;
};

export class VaultService implements Vault {
  readonly #ctx: VaultContext;
  readonly #listeners = new Set<(e: VaultEvent) => void>();
  #timer: unknown;
  #lastLockReason: LockReason | undefined;
  #idleMinutes: number | undefined;
  /** Access tokens: memory only, dropped at every lock. */
  readonly accessTokens: AccessTokenMemory;

  constructor(options: VaultServiceOptions) {
    const db: VaultDatabase = openVaultDatabase(options.database);
    this.#ctx = { db, platform: options.platform, unlocked: null, exclusive: createWriterLock() };
    this.accessTokens = new AccessTokenMemory(() => options.platform.clock.now());
  }

  get database(): VaultDatabase {
    return this.#ctx.db;
  }

  onEvent(listener: (e: VaultEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(e: VaultEvent): void {
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch {
        // a listener's failure must not keep others (or the lock) from running
      }
    }
  }

  async #idle(): Promise<number> {
    this.#idleMinutes ??= (await readSettings(this.#ctx)).idleMinutes;
    return this.#idleMinutes;
  }

  #period(u: Unlocked, idleMinutes: number) {
    return { unlockedAtMs: u.unlockedAt, lastActivityMs: u.lastActivity, idleMinutes };
  }

  async #arm(): Promise<void> {
    const { timers, clock } = this.#ctx.platform;
    if (this.#timer !== undefined) timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    const u = this.#ctx.unlocked;
    if (!u) return;
    const deadline = lockDeadline(this.#period(u, await this.#idle()));
    this.#timer = timers.setTimeout(
      () => {
        this.#timer = undefined;
        void this.#checkDeadline();
      },
      Math.max(0, deadline.atMs - clock.now()),
    );
  }

  async #checkDeadline(): Promise<boolean> {
    const u = this.#ctx.unlocked;
    if (!u) return true;
    const due = lockDue(this.#period(u, await this.#idle()), this.#ctx.platform.clock.now());
    if (due) {
      this.#lockNow(due);
      return true;
    }
    await this.#arm();
    return false;
  }

  #lockNow(reason: LockReason): void {
    const wasUnlocked = this.#ctx.unlocked !== null;
    this.#ctx.unlocked = null;
    this.accessTokens.clear();
    if (this.#timer !== undefined) this.#ctx.platform.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#lastLockReason = reason;
    if (wasUnlocked || reason === 'os-locked' || reason === 'app-update')
      this.#emit({ type: 'locked', reason });
  }

  /** The unlocked state, after the deadline check: a call at or after the deadline finds it locked. */
  async #unlocked(): Promise<VaultResult<Unlocked>> {
    if (await this.#checkDeadline()) return vfail('VAULT_LOCKED');
    return ok(this.#ctx.unlocked!);
  }

  /** Runs a write use case with the keys, alone among writers, and announces the change. */
  async #write<T>(fn: (u: Unlocked) => Promise<VaultResult<T>>): Promise<VaultResult<T>> {
    const u = await this.#unlocked();
    if (!u.ok) return u;
    const r = await this.#ctx.exclusive(() =>
      this.#ctx.unlocked === u.value ? fn(u.value) : Promise.resolve(vfail('VAULT_LOCKED')),
    );
    if (r.ok) this.#emit({ type: 'changed' });
    return r;
  }

  async status(): Promise<VaultStatus> {
    if (this.#ctx.unlocked) await this.#checkDeadline();
    const keyring = await readKeyring(this.#ctx);
    const idleMinutes = await this.#idle();
    const base = {
      schemaVersion: VAULT_SCHEMA_VERSION,
      idleMinutes,
      ...(this.#lastLockReason ? { lastLockReason: this.#lastLockReason } : {}),
    };
    if (!keyring) return { state: 'absent', ...base };
    const checked = checkKeyring(keyring);
    const kdf = checked.ok
      ? {
          memoryKiB: checked.value.keyring.kdf.memoryKiB,
          iterations: checked.value.keyring.kdf.iterations,
          parallelism: checked.value.keyring.kdf.parallelism,
          belowRecommended: checked.value.belowRecommended,
        }
      : undefined;
    const u = this.#ctx.unlocked;
    if (!u) return { state: 'locked', vaultId: keyring.vaultId, ...base, ...(kdf ? { kdf } : {}) };
    const deadline = lockDeadline(this.#period(u, idleMinutes));
    return {
      state: 'unlocked',
      vaultId: keyring.vaultId,
      ...base,
      unlockedAt: u.unlockedAt,
      lockAt: deadline.atMs,
      lockAtReason: deadline.reason,
      ...(kdf ? { kdf } : {}),
    };
  }

  async create(input: Parameters<Vault['create']>[0]): Promise<VaultResult<VaultStatus>> {
    const r = await this.#ctx.exclusive(() => createVault(this.#ctx, input));
    if (!r.ok) return r;
    this.#idleMinutes = undefined;
    this.#ctx.unlocked = r.value;
    await this.#arm();
    this.#emit({ type: 'unlocked' });
    return ok(await this.status());
  }

  async unlock(passphrase: string): Promise<VaultResult<VaultStatus>> {
    if (this.#ctx.unlocked && !(await this.#checkDeadline())) return ok(await this.status());
    const r = await this.#ctx.exclusive(() => unlockVault(this.#ctx, passphrase));
    if (!r.ok) return r;
    this.#ctx.unlocked = r.value;
    await this.#arm();
    this.#emit({ type: 'unlocked' });
    return ok(await this.status());
  }

  async lock(reason: LockReason): Promise<VaultStatus> {
    this.#lockNow(isLockReason(reason) ? reason : 'user');
    return this.status();
  }

  async touch(): Promise<void> {
    const u = this.#ctx.unlocked;
    if (!u || (await this.#checkDeadline())) return;
    u.lastActivity = Math.max(u.lastActivity, this.#ctx.platform.clock.now());
    await this.#arm();
  }

  async setIdleMinutes(minutes: number): Promise<VaultResult<VaultStatus>> {
    const r = await this.#write((u) =>
      setIdleMinutes(this.#ctx, minutes).then((x) => {
        if (x.ok) {
          this.#idleMinutes = x.value;
          u.lastActivity = this.#ctx.platform.clock.now();
        }
        return x;
      }),
    );
    if (!r.ok) return r;
    await this.#arm();
    return ok(await this.status());
  }

  async changePassphrase(input: { current: string; next: string }): Promise<VaultResult<VaultStatus>> {
    const r = await this.#write((u) => changePassphrase(this.#ctx, u, input));
    return r.ok ? ok(await this.status()) : r;
  }

  async rekey(passphrase: string): Promise<VaultResult<VaultStatus>> {
    const r = await this.#write((u) => rekeyVault(this.#ctx, u, passphrase));
    if (!r.ok) return r;
    this.#ctx.unlocked = r.value;
    this.accessTokens.clear();
    await this.#arm();
    return ok(await this.status());
  }

  async estimatePassphrase(passphrase: string) {
    const companies = await this.#ctx.db.companies.toArray();
    return estimatePassphrase(
      typeof passphrase === 'string' ? passphrase : '',
      companies.flatMap((c) => [c.name, c.nip]),
    );
  }

  listCompanies() {
    return listCompanies(this.#ctx);
  }
  addCompany(input: Parameters<Vault['addCompany']>[0]) {
    return this.#write((u) => addCompany(this.#ctx, u, input));
  }
  renameCompany(input: Parameters<Vault['renameCompany']>[0]) {
    return this.#write((u) => renameCompany(this.#ctx, u, input));
  }
  removeCompany(input: Parameters<Vault['removeCompany']>[0]) {
    return this.#write((u) => removeCompany(this.#ctx, u, input));
  }

  listCertificates(companyId?: string) {
    return listCertificates(this.#ctx, companyId);
  }
  prepareEnrollment(input: Parameters<Vault['prepareEnrollment']>[0]) {
    return this.#write((u) => prepareEnrollment(this.#ctx, u, input));
  }
  recordEnrollmentSubmitted(input: Parameters<Vault['recordEnrollmentSubmitted']>[0]) {
    return this.#write((u) => recordEnrollmentSubmitted(this.#ctx, u, input));
  }
  completeEnrollment(input: Parameters<Vault['completeEnrollment']>[0]) {
    return this.#write((u) => completeEnrollment(this.#ctx, u, input));
  }
  failEnrollment(input: Parameters<Vault['failEnrollment']>[0]) {
    return this.#write((u) => failEnrollment(this.#ctx, u, input));
  }
  setDefaultCertificate(input: Parameters<Vault['setDefaultCertificate']>[0]) {
    return this.#write((u) => setDefaultCertificate(this.#ctx, u, input));
  }
  setCertificateExcludedFromBackup(input: Parameters<Vault['setCertificateExcludedFromBackup']>[0]) {
    return this.#write((u) => setCertificateExcludedFromBackup(this.#ctx, u, input));
  }
  removeCertificate(input: Parameters<Vault['removeCertificate']>[0]) {
    return this.#write((u) => removeCertificate(this.#ctx, u, input));
  }

  listTokens(companyId?: string) {
    return listTokens(this.#ctx, companyId);
  }
  beginTokenGeneration(input: Parameters<Vault['beginTokenGeneration']>[0]) {
    return this.#write((u) => beginTokenGeneration(this.#ctx, u, input));
  }
  recordTokenGenerated(input: Parameters<Vault['recordTokenGenerated']>[0]) {
    return this.#write((u) => recordTokenGenerated(this.#ctx, u, input));
  }
  completeTokenActivation(input: Parameters<Vault['completeTokenActivation']>[0]) {
    return this.#write((u) => completeTokenActivation(this.#ctx, u, input));
  }
  abandonTokenGeneration(input: Parameters<Vault['abandonTokenGeneration']>[0]) {
    return this.#write((u) => abandonTokenGeneration(this.#ctx, u, input));
  }
  updateTokenStatus(input: Parameters<Vault['updateTokenStatus']>[0]) {
    return this.#write((u) => updateTokenStatus(this.#ctx, u, input));
  }
  setDefaultToken(input: Parameters<Vault['setDefaultToken']>[0]) {
    return this.#write((u) => setDefaultToken(this.#ctx, u, input));
  }
  async revealTokenSecret(input: { tokenId: string; passphrase: string }): Promise<VaultResult<string>> {
    const u = await this.#unlocked();
    if (!u.ok) return u;
    // SECURITY.md §4: showing a secret again needs the passphrase, not just an unlocked vault.
    const confirmed = await confirmPassphrase(this.#ctx, input.passphrase);
    if (!confirmed.ok) return confirmed;
    return this.#write((x) => revealTokenSecret(this.#ctx, x, input.tokenId));
  }
  removeToken(input: Parameters<Vault['removeToken']>[0]) {
    return this.#write((u) => removeToken(this.#ctx, u, input));
  }

  listSessions(companyId?: string) {
    return listSessions(this.#ctx, companyId);
  }
  recordSession(input: Parameters<Vault['recordSession']>[0]) {
    return this.#write((u) => recordSession(this.#ctx, u, input));
  }
  endSession(input: Parameters<Vault['endSession']>[0]) {
    return this.#write(async (u) => {
      this.accessTokens.set(input.sessionId, '', 0);
      return endSession(this.#ctx, u, input);
    });
  }

  listApprovals() {
    return listApprovals(this.#ctx);
  }
  async grantApproval(input: Parameters<Vault['grantApproval']>[0]) {
    const u = await this.#unlocked();
    if (!u.ok) return u;
    const confirmed = await confirmPassphrase(this.#ctx, input.passphrase);
    if (!confirmed.ok) return confirmed;
    return this.#write((x) => grantApproval(this.#ctx, x, input));
  }
  async confirmApproval(input: { approvalId: string; passphrase: string }) {
    const u = await this.#unlocked();
    if (!u.ok) return u;
    const confirmed = await confirmPassphrase(this.#ctx, input.passphrase);
    if (!confirmed.ok) return confirmed;
    return this.#write((x) => confirmApproval(this.#ctx, x, input.approvalId));
  }
  revokeApproval(input: { approvalId: string }) {
    return this.#write((u) => revokeApproval(this.#ctx, u, input.approvalId));
  }
  async checkApproval(input: { origin: string; companyId: string }) {
    const u = await this.#unlocked();
    if (!u.ok) return u;
    return checkApproval(this.#ctx, u.value, input);
  }

  async pendingWork() {
    const rows = await this.#ctx.db.pending.toArray();
    return rows.sort((a, b) => a.createdAt - b.createdAt).map(pendingView);
  }

  async listActivity(input: { limit?: number; beforeSeq?: number } = {}) {
    const limit = Number.isInteger(input.limit) && input.limit! > 0 ? Math.min(input.limit!, 1000) : 100;
    const before = Number.isInteger(input.beforeSeq) ? input.beforeSeq! : Number.POSITIVE_INFINITY;
    const rows = await this.#ctx.db.activity.where('seq').below(before).reverse().limit(limit).toArray();
    return rows.map(activityView);
  }
  async verifyActivity() {
    const u = await this.#unlocked();
    if (!u.ok) return u;
    return this.#ctx.exclusive(() => verifyLog(this.#ctx, u.value));
  }

  async exportBackup(input: Parameters<Vault['exportBackup']>[0]) {
    const u = await this.#unlocked();
    if (!u.ok) return u;
    const confirmed = await confirmPassphrase(this.#ctx, input.passphrase);
    if (!confirmed.ok) return confirmed;
    const { exportBackup } = await loadBackup();
    return this.#write((x) => exportBackup(this.#ctx, x, input));
  }
  async previewBackup(input: Parameters<Vault['previewBackup']>[0]) {
    const { previewBackup } = await loadBackup();
    return previewBackup(this.#ctx, input);
  }
  async importBackup(input: Parameters<Vault['importBackup']>[0]) {
    const { importBackup } = await loadBackup();
    return this.#write((u) => importBackup(this.#ctx, u, input));
  }

  /**
   * For the KSeF flows inside the key worker (pwa/flows, SECURITY.md T10): signing keys come out
   * non-extractable, secrets only as values for the flow that sends them to KSeF, and the few writes
   * only a flow makes. Not part of the RPC contract; a page cannot call these.
   */
  readonly flows = {
    signingKey: async (certificateId: string) => {
      const u = await this.#unlocked();
      return u.ok ? unwrapCertificateKey(this.#ctx, u.value, certificateId) : u;
    },
    tokenSecret: async (tokenId: string) => {
      const u = await this.#unlocked();
      return u.ok ? openTokenSecret(this.#ctx, u.value, tokenId) : u;
    },
    refreshToken: async (sessionId: string) => {
      const u = await this.#unlocked();
      return u.ok ? openRefreshToken(this.#ctx, u.value, sessionId) : u;
    },
    enrollmentCsr: async (pendingId: string) => {
      const u = await this.#unlocked();
      return u.ok ? storedEnrollmentCsr(this.#ctx, u.value, pendingId) : u;
    },
    /** SECURITY.md §4: revoking and Credentials* tokens need the passphrase re-entered. */
    confirmPassphrase: async (passphrase: string) => {
      const u = await this.#unlocked();
      return u.ok ? confirmPassphrase(this.#ctx, passphrase) : u;
    },
    sessionRefreshed: (input: { sessionId: string; accessValidUntil: string }) =>
      this.#write((u) => recordAccessRefreshed(this.#ctx, u, input)),
    certificateRevoked: (input: { certificateId: string }) =>
      this.#write((u) => markCertificateRevoked(this.#ctx, u, input)),
  };

  close(): void {
    this.#lockNow('user');
    this.#ctx.db.close();
  }
}
