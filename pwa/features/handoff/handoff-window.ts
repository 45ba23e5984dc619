/**
 * The wallet window the extension opens at `#/handoff/<handoffId>` (docs/wallet-extension-protocol.md
 * §5.2): the one place where the user unlocks, chooses the company and decides — never inside the
 * ERP page (SECURITY.md T8). Steps:
 *
 *   handoff.get → unlock (if locked) → company (if the page named none) → a fresh KSeF login
 *   → approval dialog (if there is no approval, or the session carries credential permissions
 *   that it did not confirm) → handoff.complete → if nobody got the session: revoke it at KSeF.
 *
 * The dialog shows the permissions the session *will* carry, so the wallet logs in first and reads
 * them from the new access token's `per` claim; that session is handed over only if the user
 * approves, and revoked otherwise. It is replaced by a fresh one when the approval changes what it
 * must be (a refresh token that only a confirmed grant may release, an IP policy with the ERP's
 * addresses) or when the user took so long that less than 6 minutes are left.
 *
 * Platform-free state machine: the component renders `view`, the user's actions call methods.
 */
import type { HandoffView } from '../../../shared/protocol/handoff-messages.ts';
import type { MessageKind, Payloads, Replies } from '../../../shared/protocol/messages.ts';
import type { Result, WalletError } from '../../../shared/result.ts';
import type { CompanyView } from '../../vault/vault-api.ts';
import { MAX_ERP_EGRESS_ADDRESSES, parseErpEgressAddresses } from './erp-egress-addresses.ts';
import {
  accessLeftMs,
  HANDOFF_RULES,
  longEnoughToHand,
  needsCredentialConfirmation,
} from './handoff-policy.ts';
import type { HandoffVault, MintedSession } from './handoff-vault.ts';

export type ExtensionCall = <K extends MessageKind>(
  kind: K,
  payload: Payloads[K],
) => Promise<Result<Replies[K]>>;

export type HandoffWindowDeps = {
  readonly call: ExtensionCall;
  readonly vault: HandoffVault;
  readonly now: () => number;
  readonly randomId: () => string;
  /**
   * Tells the extension, through this window's Port, that the vault is unlocked — and waits until
   * it heard: it passes a refresh token on only while a wallet window says so.
   */
  readonly reportState?: () => Promise<void>;
};

export type Outcome =
  | 'delivered'
  | 'not-delivered'
  | 'not-delivered-pending'
  | 'refused'
  | 'cancelled'
  | 'expired';

export type ApprovalForm = {
  readonly grant: 'access-only' | 'with-refresh';
  readonly passphrase: string;
  readonly credentialsConfirmed: boolean;
  readonly erpAddresses: string;
};

export type ApproveError = 'passphrase-required' | 'wrong-passphrase' | 'confirm-credentials' | 'addresses';

export type WindowView =
  | { readonly step: 'loading' }
  | {
      readonly step: 'unavailable';
      readonly reason: 'not-found' | 'extension-missing' | 'vault-absent' | 'vault-unavailable';
    }
  | {
      readonly step: 'unlock';
      readonly request: HandoffView;
      readonly busy: boolean;
      readonly error?: 'wrong-passphrase' | 'passphrase-required' | 'failed';
    }
  | {
      readonly step: 'choose-company';
      readonly request: HandoffView;
      readonly companies: readonly CompanyView[];
    }
  | { readonly step: 'company-missing'; readonly request: HandoffView }
  | { readonly step: 'minting'; readonly request: HandoffView; readonly company: CompanyView }
  | {
      readonly step: 'approve';
      readonly request: HandoffView;
      readonly company: CompanyView;
      readonly permissions: readonly string[];
      readonly accessTokenValidUntil: string;
      readonly needsConfirmation: boolean;
      readonly busy: boolean;
      readonly error?: ApproveError;
      readonly maxAddresses: number;
    }
  | { readonly step: 'handing-off'; readonly request: HandoffView; readonly company: CompanyView }
  | { readonly step: 'done'; readonly request: HandoffView; readonly outcome: Outcome }
  | {
      readonly step: 'failed';
      readonly request?: HandoffView;
      readonly company?: CompanyView;
      readonly error: WalletError & { readonly reason?: string };
    };

export class HandoffWindow {
  #view: WindowView = { step: 'loading' };
  readonly #listeners = new Set<(v: WindowView) => void>();
  #request: HandoffView | undefined;
  #company: CompanyView | undefined;
  /** The session minted for this request and not yet handed over: revoked unless delivered. */
  #pending: MintedSession | undefined;
  #settled = false;

  constructor(
    private readonly deps: HandoffWindowDeps,
    private readonly handoffId: string,
  ) {}

  get view(): WindowView {
    return this.#view;
  }

  subscribe(listener: (v: WindowView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(v: WindowView) {
    this.#view = v;
    for (const l of this.#listeners) l(v);
  }

  /**
   * Runs one user action. The vault client throws only when the key worker is gone (a lock closed
   * it, the browser ended it): then the window says so instead of waiting forever.
   */
  async #guard(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch {
      this.#set({ step: 'unavailable', reason: 'vault-unavailable' });
    }
  }

  start(): Promise<void> {
    return this.#guard(() => this.#start());
  }

  unlock(passphrase: string): Promise<void> {
    return this.#guard(() => this.#unlock(passphrase));
  }

  chooseCompany(companyId: string): Promise<void> {
    return this.#guard(() => this.#chooseCompany(companyId));
  }

  approve(form: ApprovalForm): Promise<void> {
    return this.#guard(() => this.#approve(form));
  }

  async #start(): Promise<void> {
    const got = await this.deps.call('handoff.get', { handoffId: this.handoffId });
    if (!got.ok) {
      const reason =
        got.error.code === 'HANDOFF_NOT_FOUND'
          ? 'not-found'
          : got.error.code === 'EXTENSION_MISSING'
            ? 'extension-missing'
            : null;
      if (reason) return this.#set({ step: 'unavailable', reason });
      return this.#set({ step: 'failed', error: got.error });
    }
    this.#request = got.value;
    let state: Awaited<ReturnType<HandoffVault['status']>>['state'];
    try {
      state = (await this.deps.vault.status()).state;
    } catch {
      return this.#set({ step: 'unavailable', reason: 'vault-unavailable' });
    }
    if (state === 'absent') return this.#set({ step: 'unavailable', reason: 'vault-absent' });
    if (state === 'locked') return this.#set({ step: 'unlock', request: got.value, busy: false });
    return this.#afterUnlock();
  }

  async #unlock(passphrase: string): Promise<void> {
    const request = this.#request;
    if (!request || this.#view.step !== 'unlock' || this.#view.busy) return;
    if (passphrase.length === 0)
      return this.#set({ step: 'unlock', request, busy: false, error: 'passphrase-required' });
    this.#set({ step: 'unlock', request, busy: true });
    const r = await this.deps.vault.unlock(passphrase);
    if (!r.ok)
      return this.#set({
        step: 'unlock',
        request,
        busy: false,
        error: r.error.code === 'WRONG_PASSPHRASE' ? 'wrong-passphrase' : 'failed',
      });
    return this.#afterUnlock();
  }

  async #afterUnlock(): Promise<void> {
    const request = this.#request!;
    const companies = (await this.deps.vault.listCompanies()).filter(
      (c) => request.environment === undefined || c.environment === request.environment,
    );
    if (request.nip !== undefined && request.environment !== undefined) {
      const company = companies.find((c) => c.nip === request.nip && c.environment === request.environment);
      if (!company) return this.#set({ step: 'company-missing', request });
      return this.#proceed(company);
    }
    // The page named no company (or only an environment): the user chooses; the extension checks
    // that the session matches whatever the page did name.
    const matching = request.nip === undefined ? companies : companies.filter((c) => c.nip === request.nip);
    this.#set({ step: 'choose-company', request, companies: matching });
  }

  async #chooseCompany(companyId: string): Promise<void> {
    if (this.#view.step !== 'choose-company') return;
    const company = this.#view.companies.find((c) => c.id === companyId);
    if (company) await this.#proceed(company);
  }

  /** An approval counts when the extension and the vault both hold it (the vault's is MAC-verified). */
  async #standingApproval(company: CompanyView) {
    const request = this.#request!;
    const ext = request.approval;
    if (!ext || ext.nip !== company.nip || ext.environment !== company.environment) return null;
    const own = await this.deps.vault.handoffApproval({ origin: request.origin, companyId: company.id });
    if (!own.ok || !own.value.approved) return null;
    // The vault's record decides about refresh tokens if the two disagree: the narrower wins.
    const grant = ext.grant === 'with-refresh' && own.value.allowRefresh ? 'with-refresh' : 'access-only';
    return {
      grant,
      credentialsConfirmed: ext.credentialsConfirmed,
      erpAddresses: own.value.erpAddresses,
    } as const;
  }

  async #proceed(company: CompanyView): Promise<void> {
    const request = this.#request!;
    this.#company = company;
    this.#set({ step: 'minting', request, company });
    const standing = await this.#standingApproval(company);
    const includeRefresh = standing?.grant === 'with-refresh' && request.wantRefresh;
    const minted = await this.#mint(company, includeRefresh, standing?.erpAddresses ?? []);
    if (!minted) return;
    const needsConfirmation = needsCredentialConfirmation(minted.permissions);
    if (standing && (!needsConfirmation || standing.credentialsConfirmed)) {
      // Approved before: the window only unlocked; hand off without asking again.
      return this.#handOver(minted, undefined);
    }
    this.#showApproval(minted);
  }

  #showApproval(session: MintedSession, error?: ApproveError, busy = false) {
    this.#set({
      step: 'approve',
      request: this.#request!,
      company: this.#company!,
      permissions: session.permissions,
      accessTokenValidUntil: session.accessTokenValidUntil,
      needsConfirmation: needsCredentialConfirmation(session.permissions),
      busy,
      maxAddresses: MAX_ERP_EGRESS_ADDRESSES,
      ...(error ? { error } : {}),
    });
  }

  async #mint(
    company: CompanyView,
    includeRefreshToken: boolean,
    erpAddresses: readonly string[],
  ): Promise<MintedSession | null> {
    const request = this.#request!;
    const r = await this.deps.vault.mintHandoffSession({
      operationId: this.deps.randomId(),
      companyId: company.id,
      origin: request.origin,
      includeRefreshToken,
      erpAddresses,
    });
    if (!r.ok) {
      // The page hears "wallet-error" (or rate-limited); the user reads the details here.
      await this.deps.call('handoff.complete', {
        handoffId: this.handoffId,
        outcome: 'failed',
        error: {
          code: r.error.code,
          ...(r.error.ksef?.code !== undefined && Number.isInteger(r.error.ksef.code)
            ? { ksefCode: r.error.ksef.code }
            : {}),
          ...(r.error.retryAfterMs !== undefined ? { retryAfterMs: Math.round(r.error.retryAfterMs) } : {}),
        },
      });
      this.#settled = true;
      this.#set({ step: 'failed', request, company, error: r.error });
      return null;
    }
    if (this.#settled) {
      // Cancelled (closed, expired) while KSeF was logging in: nobody may get it.
      await this.#revoke([r.value.referenceNumber]);
      return null;
    }
    this.#pending = r.value;
    return r.value;
  }

  async #approve(form: ApprovalForm): Promise<void> {
    const v = this.#view;
    if (v.step !== 'approve' || v.busy || !this.#pending) return;
    const request = this.#request!;
    const company = this.#company!;
    const current = this.#pending;
    const grant = form.grant === 'with-refresh' && request.wantRefresh ? 'with-refresh' : 'access-only';
    if (form.passphrase.length === 0) return this.#showApproval(current, 'passphrase-required');
    const addresses = parseErpEgressAddresses(form.erpAddresses);
    if (!addresses.ok) return this.#showApproval(current, 'addresses');
    if (v.needsConfirmation && !form.credentialsConfirmed)
      return this.#showApproval(current, 'confirm-credentials');
    this.#showApproval(current, undefined, true);

    // The vault records the approval (MAC'd) only with the passphrase re-entered (SECURITY.md §4).
    const approved = await this.deps.vault.approveHandoff({
      origin: request.origin,
      companyId: company.id,
      allowRefresh: grant === 'with-refresh',
      erpAddresses: addresses.value,
      passphrase: form.passphrase,
    });
    if (!approved.ok) {
      if (approved.error.code === 'WRONG_PASSPHRASE') return this.#showApproval(current, 'wrong-passphrase');
      return this.#fail(approved.error);
    }

    let session = current;
    const stale =
      accessLeftMs(current.accessTokenValidUntil, this.deps.now()) < HANDOFF_RULES.FRESH_ENOUGH_MS;
    if (grant === 'with-refresh' || addresses.value.length > 0 || stale) {
      // The session must differ from the one shown: mint its replacement, revoke the first.
      this.#set({ step: 'minting', request, company });
      this.#pending = undefined;
      await this.#revoke([current.referenceNumber]);
      const fresh = await this.#mint(company, grant === 'with-refresh', addresses.value);
      if (!fresh) return;
      const confirmedNow = !needsCredentialConfirmation(fresh.permissions) || form.credentialsConfirmed;
      if (!confirmedNow) return this.#showApproval(fresh, 'confirm-credentials');
      session = fresh;
    }
    const credentialsConfirmed =
      needsCredentialConfirmation(session.permissions) && form.credentialsConfirmed;
    await this.#handOver(session, { grant, credentialsConfirmed });
  }

  async #handOver(
    session: MintedSession,
    decision: { grant: 'access-only' | 'with-refresh'; credentialsConfirmed: boolean } | undefined,
  ): Promise<void> {
    const request = this.#request!;
    const company = this.#company!;
    this.#set({ step: 'handing-off', request, company });
    if (!longEnoughToHand(session.accessTokenValidUntil, this.deps.now())) {
      // SECURITY.md §4: never with less than 5 minutes left (KSeF issued a short-lived token).
      this.#pending = session;
      return this.#fail({ code: 'SESSION_TOO_SHORT' });
    }
    if (session.refreshToken !== undefined) await this.deps.reportState?.();
    const reply = await this.deps.call('handoff.complete', {
      handoffId: this.handoffId,
      outcome: 'session',
      session: {
        environment: session.environment,
        nip: session.nip,
        referenceNumber: session.referenceNumber,
        accessToken: session.accessToken,
        accessTokenValidUntil: session.accessTokenValidUntil,
        ...(session.refreshToken !== undefined && session.refreshTokenValidUntil !== undefined
          ? { refreshToken: session.refreshToken, refreshTokenValidUntil: session.refreshTokenValidUntil }
          : {}),
        permissions: [...session.permissions],
      },
      ...(decision ? { decision } : {}),
    });
    this.#settled = true;
    this.#pending = undefined;
    if (reply.ok && reply.value.delivered) return this.#set({ step: 'done', request, outcome: 'delivered' });
    // Nobody got it (the page navigated, or the extension refused it): revoke at once (§5.2).
    const revoked = await this.#revoke([session.referenceNumber]);
    if (!reply.ok) return this.#set({ step: 'failed', request, company, error: reply.error });
    this.#set({ step: 'done', request, outcome: revoked ? 'not-delivered' : 'not-delivered-pending' });
  }

  /** The user refused: no session, and 24 h without prompts for this origin and company. */
  refuse(): Promise<void> {
    return this.#guard(() => this.#end('refused'));
  }

  /** The user closed the dialog without deciding. */
  cancel(): Promise<void> {
    return this.#guard(() => this.#end('cancelled'));
  }

  /** The request's time ran out (the extension ends it too; this only tidies up here). */
  async expire(): Promise<void> {
    if (this.#settled) return;
    this.#settled = true;
    await this.#dropPending().catch(() => {});
    if (this.#request) this.#set({ step: 'done', request: this.#request, outcome: 'expired' });
  }

  /** The window is going away: a minted session that was not handed over must not stay valid. */
  async dispose(): Promise<void> {
    this.#settled = true;
    // Best effort: what cannot be revoked now is revoked by the next sweep (it knows the orphan).
    await this.#dropPending().catch(() => {});
  }

  async #end(outcome: 'refused' | 'cancelled'): Promise<void> {
    const request = this.#request;
    if (!request || this.#settled) return;
    this.#settled = true;
    await this.#dropPending();
    await this.deps.call('handoff.complete', { handoffId: this.handoffId, outcome });
    this.#set({ step: 'done', request, outcome });
  }

  async #dropPending(): Promise<void> {
    const p = this.#pending;
    this.#pending = undefined;
    if (p) await this.#revoke([p.referenceNumber]);
  }

  /** Revokes at KSeF; true when done. A failure stays in the vault for the wallet's next sweep. */
  async #revoke(referenceNumbers: string[]): Promise<boolean> {
    const r = await this.deps.vault.revokeHandedSessions({
      operationId: this.deps.randomId(),
      referenceNumbers,
    });
    return r.ok && r.value.failed.length === 0;
  }

  /** A failure of the wallet itself: nothing is handed over, the page hears "wallet-error". */
  async #fail(error: WalletError): Promise<void> {
    this.#settled = true;
    await this.#dropPending();
    await this.deps.call('handoff.complete', {
      handoffId: this.handoffId,
      outcome: 'failed',
      error: { code: error.code },
    });
    this.#set({ step: 'failed', request: this.#request!, company: this.#company!, error });
  }
}
