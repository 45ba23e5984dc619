/**
 * "Podstawowe" / General: the company's current session, and the three ways to log in to KSeF in
 * the steps of the ERP help page (seed/000) — the signed request (download, sign outside, load the
 * signed file, then "Get status" / "Redeem access token" or automatic polling), the test
 * certificate on TEST and sandboxes, and the default KSeF certificate or token.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { Translate } from '../../app/strings.ts';
import { type Action, useAction } from '../../app/use-action.ts';
import type { Wallet } from '../../app/wallet.ts';
import type {
  AuthRequestView,
  FlowResult,
  PreparedRequestView,
  SessionSummary,
} from '../../flows/flow-api.ts';
import { ActionStatus } from '../../ui/action-status.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { Section } from '../../ui/section.tsx';
import { logInWithCertificate } from '../login/log-in-with-certificate.ts';
import { logInWithTestCertificate } from '../login/log-in-with-test-certificate.ts';
import { logInWithToken } from '../login/log-in-with-token.ts';
import { refreshSession } from '../sessions/refresh-session.ts';
import { awaitLogin } from '../signed-request/await-login.ts';
import { challengeCountdown } from '../signed-request/challenge-countdown.ts';
import { downloadAuthRequest } from '../signed-request/download-auth-request.ts';
import { getAuthStatus } from '../signed-request/get-auth-status.ts';
import { redeemAccessToken } from '../signed-request/redeem-access-token.ts';
import { SignedFilePicker } from '../signed-request/signed-file-picker.tsx';
import { submitSignedRequest } from '../signed-request/submit-signed-request.ts';
import { TokenSunsetNotice } from '../token-sunset/token-sunset-notice.tsx';
import { TOKEN_SUNSET_POLICY } from '../token-sunset/token-sunset-policy.ts';
import { allowsTestCertificate, type CompanyView } from './company-view.ts';
import { formatDateTime, methodLabel } from './format.ts';
import type { MigrationProgress } from './migration-progress.ts';

export function GeneralTab(props: {
  company: CompanyView;
  wallet: Wallet | null;
  /** Why KSeF actions cannot run now (offline, no extension, locked), or null. */
  blocked: string | null;
  migration: MigrationProgress;
  nowMs: number;
  locale: Locale;
  t: Translate;
}) {
  const { company, wallet, t, locale } = props;
  const action = useAction(t, locale);
  const [prepared, setPrepared] = useState<PreparedRequestView | null>(null);
  const [requests, setRequests] = useState<readonly AuthRequestView[]>([]);
  const [automatic, setAutomatic] = useState(true);
  const [now, setNow] = useState(() => Date.now());

  const loadRequests = useCallback(async () => {
    if (!wallet) return;
    try {
      setRequests(await wallet.flows.call('listAuthRequests', { companyId: company.id }));
    } catch {
      // The worker went away (lock): the page reloads.
    }
  }, [wallet, company.id]);

  useEffect(() => {
    setPrepared(null);
    void loadRequests();
  }, [loadRequests]);

  // The challenge countdown ticks while a downloaded request waits for its signed file.
  useEffect(() => {
    if (!prepared) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [prepared]);

  const loggedIn = (s: SessionSummary) =>
    t('loggedIn', { method: methodLabel(s.method, t), ref: s.referenceNumber });
  const blocked = props.blocked;
  const busy = action.state.running !== null;
  const countdown = prepared ? challengeCountdown(prepared.expiresAtMs - 10 * 60 * 1000, now) : null;

  const runLogin = (name: string, fn: Parameters<Action['run']>[1]) =>
    void action.run(name, fn as Parameters<Action['run']>[1], (s) => loggedIn(s as SessionSummary));

  // Submit and (by default) the automatic polling run as one action: no idle moment between them.
  const submitFile = async (bytes: Uint8Array) => {
    if (!wallet || !prepared) return;
    const requestId = prepared.requestId;
    const r = await action.run(
      'submit',
      async (o): Promise<FlowResult<{ submitted: AuthRequestView; session?: SessionSummary }>> => {
        const submitted = await submitSignedRequest(wallet, requestId, bytes, o);
        if (!submitted.ok) return submitted;
        setPrepared(null);
        void loadRequests();
        if (!automatic) return { ok: true, value: { submitted: submitted.value } };
        const session = await awaitLogin(wallet, submitted.value.referenceNumber, o);
        return session.ok
          ? { ok: true, value: { submitted: submitted.value, session: session.value } }
          : session;
      },
      (v) => (v.session ? loggedIn(v.session) : t('submitted', { ref: v.submitted.referenceNumber })),
    );
    if (r) await loadRequests();
  };

  return (
    <div class="stack">
      {company.reliesOnKsefToken ? (
        <TokenSunsetNotice
          nowMs={props.nowMs}
          policy={TOKEN_SUNSET_POLICY}
          companyId={company.id}
          migration={props.migration}
          locale={locale}
          t={t}
        />
      ) : null}

      <ActionStatus state={action.state} onCancel={action.cancel} t={t} testId="general" />

      <Section headingId={`${company.id}-session-h`} title={t('currentSessionTitle')}>
        {company.currentSession ? (
          <p data-testid="current-session" data-method={company.currentSession.method}>
            {t('sessionActiveSummary', {
              method: methodLabel(company.currentSession.method, t),
              started: formatDateTime(company.currentSession.startedAt, locale),
              access: formatDateTime(company.currentSession.accessValidUntil, locale),
              refresh: formatDateTime(company.currentSession.refreshValidUntil, locale),
            })}{' '}
            <button
              type="button"
              class="button button--small"
              disabled={blocked !== null || busy || !company.currentSession.hasRefreshToken}
              onClick={() => {
                const s = company.currentSession;
                if (!wallet || !s) return;
                void action.run(
                  'refresh',
                  (o) => refreshSession(wallet, s.id, o),
                  (r) => t('sessionRefreshed', { time: formatDateTime(r.accessValidUntil, locale) }),
                );
              }}
            >
              {t('refresh')}
            </button>
          </p>
        ) : (
          <p class="muted" data-testid="current-session" data-method="none">
            {t('sessionNone')}
          </p>
        )}
      </Section>

      <Section headingId={`${company.id}-signed-h`} title={t('signedRequestTitle')}>
        <p class="actions">
          <button
            type="button"
            class="button button--primary"
            disabled={blocked !== null || busy}
            onClick={() => {
              if (!wallet) return;
              void action.run(
                'download',
                (o) => downloadAuthRequest(wallet, company.id, o),
                (r) => {
                  setPrepared(r);
                  setNow(Date.now());
                  return t('requestDownloaded', { file: r.fileName });
                },
              );
            }}
          >
            {t('downloadAuthRequest')}
          </button>
          {allowsTestCertificate(company.environment) ? (
            <button
              type="button"
              class="button"
              disabled={blocked !== null || busy}
              onClick={() =>
                wallet && runLogin('test', (o) => logInWithTestCertificate(wallet, company.id, o))
              }
            >
              {t('signWithTestCertificate')}
            </button>
          ) : null}
        </p>
        {allowsTestCertificate(company.environment) ? (
          <p class="muted small">{t('testCertificateNote')}</p>
        ) : null}
        {countdown ? (
          <p class={countdown.expired ? 'field__error' : 'countdown'} data-testid="challenge-countdown">
            {countdown.expired ? t('challengeExpired') : t('challengeCountdown', { time: countdown.label })}
          </p>
        ) : null}
        <SignedFilePicker
          expected={
            prepared && countdown && !countdown.expired
              ? {
                  challenge: prepared.challenge,
                  challengeTimestampMs: prepared.challengeTimestampMs,
                  nip: prepared.nip,
                }
              : null
          }
          disabledReason={blocked ?? (busy ? t('working') : prepared ? null : t('downloadFirst'))}
          onSigned={(bytes) => void submitFile(bytes)}
          t={t}
        />
        <label class="choice">
          <input
            type="checkbox"
            checked={automatic}
            onChange={(e) => setAutomatic(e.currentTarget.checked)}
          />{' '}
          {t('autoPolling')}
        </label>

        <h4>{t('authRequests')}</h4>
        {requests.length === 0 ? (
          <p class="muted small">{t('authRequestsEmpty')}</p>
        ) : (
          <DataTable
            testId="auth-requests"
            columns={[t('referenceNumber'), t('statusLabel'), t('actionsColumn')]}
          >
            {requests.map((r) => (
              <tr key={r.referenceNumber} data-ref={r.referenceNumber}>
                <td>
                  <code>{r.referenceNumber}</code>
                </td>
                <td>
                  {r.statusCode !== undefined
                    ? `${r.statusCode} ${r.statusDescription ?? ''}`
                    : t('statusUnknown')}
                  {r.redeemed ? ` · ${t('redeemed')}` : ''}
                </td>
                <td>
                  <div class="actions">
                    <button
                      type="button"
                      class="button button--small"
                      disabled={blocked !== null || busy}
                      onClick={async () => {
                        if (!wallet) return;
                        await action.run(
                          'status',
                          (o) => getAuthStatus(wallet, r.referenceNumber, o),
                          (v) =>
                            t('authStatusLine', {
                              code: v.statusCode ?? '',
                              description: v.statusDescription ?? '',
                            }),
                        );
                        await loadRequests();
                      }}
                    >
                      {t('getStatus')}
                    </button>
                    <button
                      type="button"
                      class="button button--small"
                      disabled={blocked !== null || busy || r.redeemed}
                      onClick={async () => {
                        if (!wallet) return;
                        await action.run(
                          'redeem',
                          (o) => redeemAccessToken(wallet, r.referenceNumber, o),
                          loggedIn,
                        );
                        await loadRequests();
                      }}
                    >
                      {t('redeemAccessToken')}
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Section>

      <Section headingId={`${company.id}-login-h`} title={t('loginTitle')}>
        <p class="actions">
          <button
            type="button"
            class="button button--primary"
            disabled={blocked !== null || busy || !company.defaultCertificateId}
            aria-describedby={company.defaultCertificateId ? undefined : `${company.id}-no-cert`}
            onClick={() =>
              wallet && runLogin('certificate', (o) => logInWithCertificate(wallet, company.id, undefined, o))
            }
          >
            {t('loginKsefCertificate')}
          </button>
          <button
            type="button"
            class="button"
            disabled={blocked !== null || busy || !company.defaultTokenId}
            aria-describedby={company.defaultTokenId ? undefined : `${company.id}-no-token`}
            onClick={() =>
              wallet && runLogin('token', (o) => logInWithToken(wallet, company.id, undefined, o))
            }
          >
            {t('loginKsefToken')}
          </button>
        </p>
        {company.defaultCertificateId ? null : (
          <p id={`${company.id}-no-cert`} class="field__hint">
            {t('loginCertificateNoDefault')}
          </p>
        )}
        {company.defaultTokenId ? null : (
          <p id={`${company.id}-no-token`} class="field__hint">
            {t('loginTokenNoDefault')}
          </p>
        )}
      </Section>
    </div>
  );
}
