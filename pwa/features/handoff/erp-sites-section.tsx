/**
 * Settings → "ERP sites with access to KSeF sessions": the approvals the extension keeps (exact
 * origin + company + environment), each revocable with the passphrase re-entered — which revokes
 * at KSeF every session handed to that origin for that company (SECURITY.md T7); the sessions that
 * still wait to be revoked; the refusals with their 24 h quiet time, liftable; and the hand-off log
 * (the extension's and the wallet's entries together).
 */
import './handoff.css';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { HandoffReplies } from '../../../shared/protocol/handoff-messages.ts';
import type { ActivityView, CompanyView, Vault } from '../../vault/vault-api.ts';
import { describeHandoffError } from './describe-handoff-error.ts';
import { type HandoffActivityItem, mergeHandoffActivity } from './handoff-activity.ts';
import { formatDateTime, type HandoffTranslate, handoffTranslator } from './handoff-strings.ts';
import type { HandoffVault } from './handoff-vault.ts';
import type { ExtensionCall } from './handoff-window.ts';
import { revokeApproval } from './revoke-approval.ts';
import type { SweepReport } from './sweep-handed-sessions.ts';

type ApprovalsList = HandoffReplies['approvals.list'];
type Approval = ApprovalsList['approvals'][number];

export type ErpSitesSectionProps = {
  readonly vault: HandoffVault;
  /** The wallet's own activity log (its logins for ERP origins, approvals stored and removed). */
  readonly listActivity: Vault['listActivity'];
  readonly call: ExtensionCall;
  readonly locale: Locale;
  /** Revokes what is pending at KSeF now (the bridge's sweep). */
  readonly sweep: () => Promise<SweepReport>;
  /** Called when approvals or sessions changed elsewhere (`approvals.changed`, a hand-off). */
  readonly subscribe?: (onChange: () => void) => () => void;
};

type Loaded =
  | { readonly kind: 'loading' }
  | { readonly kind: 'no-extension' }
  | {
      readonly kind: 'ready';
      readonly list: ApprovalsList;
      readonly companies: readonly CompanyView[];
      readonly activity: readonly HandoffActivityItem[];
    };

const randomId = () =>
  Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

export function ErpSitesSection(props: ErpSitesSectionProps) {
  const t = useMemo(() => handoffTranslator(props.locale), [props.locale]);
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [message, setMessage] = useState<{ tone: 'ok' | 'warn' | 'danger'; text: string } | null>(null);
  const { call, vault, listActivity } = props;

  const reload = useCallback(async () => {
    const [list, extensionLog, companies, walletLog] = await Promise.all([
      call('approvals.list', {}),
      call('activity.list', { limit: 200 }),
      vault.listCompanies().catch(() => [] as CompanyView[]),
      listActivity({ limit: 500 }).catch(() => [] as ActivityView[]),
    ]);
    if (!list.ok) return setLoaded({ kind: 'no-extension' });
    setLoaded({
      kind: 'ready',
      list: list.value,
      companies,
      activity: mergeHandoffActivity(extensionLog.ok ? extensionLog.value.entries : [], walletLog, companies),
    });
  }, [call, vault, listActivity]);

  useEffect(() => {
    void reload();
    return props.subscribe?.(() => void reload());
  }, [reload, props.subscribe]);

  const companyName = (nip: string, environment: string) =>
    loaded.kind === 'ready'
      ? (loaded.companies.find((c) => c.nip === nip && c.environment === environment)?.name ??
        t('unknownCompany', { nip }))
      : nip;

  return (
    <section class="card stack" aria-labelledby="erp-sites-heading" data-testid="erp-sites">
      <h2 id="erp-sites-heading">{t('sitesTitle')}</h2>
      <p class="small">{t('sitesExplain')}</p>
      {message ? (
        <div class={`notice notice--${message.tone}`} role="status" data-testid="erp-sites-message">
          <p>{message.text}</p>
        </div>
      ) : null}
      {loaded.kind === 'loading' ? <p role="status">{t('sitesLoading')}</p> : null}
      {loaded.kind === 'no-extension' ? (
        <div class="notice notice--warn" role="note">
          <p>{t('sitesNeedExtension')}</p>
        </div>
      ) : null}
      {loaded.kind === 'ready' ? (
        <>
          {loaded.list.approvals.length === 0 ? (
            <p data-testid="erp-sites-empty">{t('sitesEmpty')}</p>
          ) : (
            <ul class="erp-sites__list" data-testid="approvals">
              {loaded.list.approvals.map((a) => (
                <ApprovalItem
                  key={`${a.origin}|${a.environment}|${a.nip}`}
                  approval={a}
                  company={companyName(a.nip, a.environment)}
                  t={t}
                  locale={props.locale}
                  onRevoke={async (passphrase) => {
                    const r = await revokeApproval(
                      { call, vault, randomId },
                      { origin: a.origin, nip: a.nip, environment: a.environment, passphrase },
                    );
                    if (!r.ok) return r.error.code === 'WRONG_PASSPHRASE' ? 'wrong' : 'failed';
                    setMessage(
                      r.value.pending === 0
                        ? { tone: 'ok', text: t('revokedAll', { count: r.value.revoked }) }
                        : { tone: 'warn', text: t('revokedSomePending', { count: r.value.pending }) },
                    );
                    await reload();
                    return 'done';
                  }}
                />
              ))}
            </ul>
          )}
          <PendingRevocations
            pending={loaded.list.pendingRevocations}
            t={t}
            locale={props.locale}
            onRetry={async () => {
              const r = await props.sweep();
              setMessage(
                r.skipped === 'locked'
                  ? { tone: 'warn', text: t('pendingNeedsUnlock') }
                  : { tone: r.failed ? 'warn' : 'ok', text: t('pendingDone', { count: r.revoked.length }) },
              );
              await reload();
            }}
          />
          <Refusals
            refusals={loaded.list.refusals}
            companyName={companyName}
            t={t}
            locale={props.locale}
            onLift={async (origin) => {
              const r = await call('refusals.clear', { origin });
              setMessage(
                r.ok
                  ? { tone: 'ok', text: t('refusalLifted', { origin }) }
                  : { tone: 'danger', text: describeHandoffError(r.error, t, props.locale) },
              );
              await reload();
            }}
          />
          <ActivityLog items={loaded.activity} t={t} locale={props.locale} />
        </>
      ) : null}
    </section>
  );
}

function ApprovalItem(props: {
  approval: Approval;
  company: string;
  t: HandoffTranslate;
  locale: Locale;
  onRevoke(passphrase: string): Promise<'done' | 'wrong' | 'failed'>;
}) {
  const { approval: a, t, locale } = props;
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <li
      class="erp-sites__item"
      data-testid="approval"
      data-origin={a.origin}
      data-nip={a.nip}
      data-environment={a.environment}
    >
      <p>
        <code class="erp-sites__origin">{a.origin}</code> — {props.company} ({t('nip')} {a.nip},{' '}
        {a.environment})
      </p>
      <p class="small">
        {a.grant === 'with-refresh' ? t('grantWithRefresh') : t('grantAccessOnly')}
        {a.credentialsConfirmed ? `, ${t('credentialsConfirmed')}` : ''} ·{' '}
        {t('decidedAt', { date: formatDateTime(locale, a.decidedAt) })}
        {a.lastUsedAt !== undefined
          ? ` · ${t('lastUsedAt', { date: formatDateTime(locale, a.lastUsedAt) })}`
          : ''}
      </p>
      {a.sessions.length > 0 ? (
        <details>
          <summary>{t('liveSessions', { count: a.sessions.length })}</summary>
          <ul class="small">
            {a.sessions.map((s) => (
              <li key={s.referenceNumber} data-reference-number={s.referenceNumber}>
                {t('sessionValidUntil', {
                  reference: s.referenceNumber,
                  date: formatDateTime(locale, s.accessTokenValidUntil),
                  end: formatDateTime(locale, s.endsAt),
                })}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {confirming ? (
        <form
          class="stack"
          data-testid="revoke-form"
          onSubmit={(e) => {
            e.preventDefault();
            const input = e.currentTarget.elements.namedItem('revoke-passphrase') as HTMLInputElement;
            const passphrase = input.value;
            input.value = '';
            if (!passphrase) return setError(t('passphraseRequired'));
            setBusy(true);
            setError(null);
            void props.onRevoke(passphrase).then((r) => {
              setBusy(false);
              if (r === 'wrong') setError(t('wrongPassphrase'));
              else if (r === 'failed') setError(t('vaultUnavailable'));
              else setConfirming(false);
            });
          }}
        >
          <p class="notice__title">{t('revokeConfirmTitle', { origin: a.origin, company: props.company })}</p>
          <p class="small">{t('revokeConfirmExplain')}</p>
          <div class="field">
            <label for={`revoke-${a.origin}-${a.nip}`}>{t('revokePassphrase')}</label>
            <input
              id={`revoke-${a.origin}-${a.nip}`}
              name="revoke-passphrase"
              type="password"
              autoComplete="current-password"
              disabled={busy}
            />
            {error ? (
              <p class="field__error" role="alert">
                {error}
              </p>
            ) : null}
          </div>
          <div class="actions">
            <button type="submit" class="button button--primary" disabled={busy} data-testid="revoke-confirm">
              {busy ? t('revoking') : t('revokeConfirm')}
            </button>
            <button type="button" class="button" disabled={busy} onClick={() => setConfirming(false)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      ) : (
        <button type="button" class="button" data-testid="revoke" onClick={() => setConfirming(true)}>
          {t('revoke')}
        </button>
      )}
    </li>
  );
}

function PendingRevocations(props: {
  pending: ApprovalsList['pendingRevocations'];
  t: HandoffTranslate;
  locale: Locale;
  onRetry(): Promise<void>;
}) {
  const { pending, t, locale } = props;
  const [busy, setBusy] = useState(false);
  if (pending.length === 0) return <div data-testid="pending-revocations" data-count="0" hidden />;
  return (
    <section aria-labelledby="pending-heading" data-testid="pending-revocations" data-count={pending.length}>
      <h3 id="pending-heading">{t('pendingTitle')}</h3>
      <p class="small">{t('pendingExplain')}</p>
      <ul class="small">
        {pending.map((s) => (
          <li key={s.referenceNumber}>
            <code>{s.origin}</code> — {s.referenceNumber} ({formatDateTime(locale, s.handedAt)})
          </li>
        ))}
      </ul>
      <button
        type="button"
        class="button"
        disabled={busy}
        data-testid="pending-retry"
        onClick={() => {
          setBusy(true);
          void props.onRetry().finally(() => setBusy(false));
        }}
      >
        {t('pendingRetry')}
      </button>
    </section>
  );
}

function Refusals(props: {
  refusals: ApprovalsList['refusals'];
  companyName(nip: string, environment: string): string;
  t: HandoffTranslate;
  locale: Locale;
  onLift(origin: string): Promise<void>;
}) {
  const { refusals, t, locale } = props;
  return (
    <section aria-labelledby="refusals-heading" data-testid="refusals">
      <h3 id="refusals-heading">{t('refusalsTitle')}</h3>
      {refusals.length === 0 ? (
        <p class="small">{t('refusalsEmpty')}</p>
      ) : (
        <ul class="erp-sites__list">
          {refusals.map((r) => (
            <li
              class="erp-sites__item"
              key={`${r.origin}|${r.environment}|${r.nip}`}
              data-testid="refusal"
              data-origin={r.origin}
            >
              <p>
                <code class="erp-sites__origin">{r.origin}</code> —{' '}
                {r.nip === '*'
                  ? t('refusalAllCompanies')
                  : `${props.companyName(r.nip, r.environment)} (${r.environment})`}{' '}
                · {t('quietUntil', { date: formatDateTime(locale, r.quietUntil) })}
              </p>
              <button
                type="button"
                class="button"
                data-testid="lift-refusal"
                onClick={() => void props.onLift(r.origin)}
              >
                {t('liftRefusal')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ActivityLog(props: { items: readonly HandoffActivityItem[]; t: HandoffTranslate; locale: Locale }) {
  const { items, t, locale } = props;
  return (
    <section aria-labelledby="handoff-activity-heading" data-testid="handoff-activity">
      <h3 id="handoff-activity-heading">{t('activityTitle')}</h3>
      {items.length === 0 ? (
        <p class="small">{t('activityEmpty')}</p>
      ) : (
        <table class="table small">
          <tbody>
            {items.map((i) => (
              <tr key={i.key} data-event={i.label} data-source={i.source}>
                <td>{formatDateTime(locale, i.at)}</td>
                <td>
                  {t(i.label)}
                  {i.count ? ` ×${i.count}` : ''}
                </td>
                <td>
                  {i.origin ? <code>{i.origin}</code> : null}
                  {i.companyName
                    ? ` ${i.companyName}`
                    : i.nip
                      ? ` ${t('unknownCompany', { nip: i.nip })}`
                      : ''}
                </td>
                <td>
                  {i.referenceNumber ?? ''}
                  {i.code ? ` (${i.code})` : ''}
                </td>
                <td class="muted">{i.source === 'wallet' ? t('activityWallet') : t('activityExtension')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
