/**
 * "Podstawowe" / General: the company's current session, and the three ways to log in to KSeF in
 * the steps of the ERP help page (seed/000) — the signed request (download, sign outside, load the
 * signed file, then "Get status" / "Redeem access token" or automatic polling), the test
 * certificate on TEST and sandboxes, and the default KSeF certificate or token.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { Translate } from '../../app/strings.ts';
import { useAction } from '../../app/use-action.ts';
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
import { CompanySunsetNotice } from './company-sunset-notice.tsx';
import { allowsTestCertificate, type CompanyView } from './company-view.ts';
import { formatDateTime, methodLabel } from './format.ts';
import type { MigrationProgress } from './migration-progress.ts';
import { type ActionScope, RunButton } from './run-button.tsx';
import { loggedInMessage, sessionRefreshedMessage } from './session-messages.ts';

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

  const loggedIn = (s: SessionSummary) => loggedInMessage(s, t);
  const blocked = props.blocked;
  const busy = action.state.running !== null;
  const ksef: ActionScope = { action, wallet, blocked };
  const current = company.currentSession;
  const countdown = prepared ? challengeCountdown(prepared.expiresAtMs - 10 * 60 * 1000, now) : null;

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
      <CompanySunsetNotice
        company={company}
        migration={props.migration}
        nowMs={props.nowMs}
        locale={locale}
        t={t}
      />

      <ActionStatus state={action.state} onCancel={action.cancel} t={t} testId="general" />

      <Section headingId={`${company.id}-session-h`} title={t('currentSessionTitle')}>
        {current ? (
          <p data-testid="current-session" data-method={current.method}>
            {t('sessionActiveSummary', {
              method: methodLabel(current.method, t),
              started: formatDateTime(current.startedAt, locale),
              access: formatDateTime(current.accessValidUntil, locale),
              refresh: formatDateTime(current.refreshValidUntil, locale),
            })}{' '}
            <RunButton
              look="small"
              scope={ksef}
              off={!current.hasRefreshToken}
              name="refresh"
              run={(w, o) => refreshSession(w, current.id, o)}
              done={(r) => sessionRefreshedMessage(r, t, locale)}
            >
              {t('refresh')}
            </RunButton>
          </p>
        ) : (
          <p class="muted" data-testid="current-session" data-method="none">
            {t('sessionNone')}
          </p>
        )}
      </Section>

      <Section headingId={`${company.id}-signed-h`} title={t('signedRequestTitle')}>
        <p class="actions">
          <RunButton
            look="primary"
            scope={ksef}
            name="download"
            run={(w, o) => downloadAuthRequest(w, company.id, o)}
            done={(r) => {
              setPrepared(r);
              setNow(Date.now());
              return t('requestDownloaded', { file: r.fileName });
            }}
          >
            {t('downloadAuthRequest')}
          </RunButton>
          {allowsTestCertificate(company.environment) ? (
            <RunButton
              scope={ksef}
              name="test"
              run={(w, o) => logInWithTestCertificate(w, company.id, o)}
              done={loggedIn}
            >
              {t('signWithTestCertificate')}
            </RunButton>
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
        <DataTable
          empty={<p class="muted small">{t('authRequestsEmpty')}</p>}
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
                  <RunButton
                    look="small"
                    scope={ksef}
                    name="status"
                    run={(w, o) => getAuthStatus(w, r.referenceNumber, o)}
                    done={(v) =>
                      t('authStatusLine', {
                        code: v.statusCode ?? '',
                        description: v.statusDescription ?? '',
                      })
                    }
                    after={loadRequests}
                  >
                    {t('getStatus')}
                  </RunButton>
                  <RunButton
                    look="small"
                    scope={ksef}
                    off={r.redeemed}
                    name="redeem"
                    run={(w, o) => redeemAccessToken(w, r.referenceNumber, o)}
                    done={loggedIn}
                    after={loadRequests}
                  >
                    {t('redeemAccessToken')}
                  </RunButton>
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      </Section>

      <Section headingId={`${company.id}-login-h`} title={t('loginTitle')}>
        <p class="actions">
          <RunButton
            look="primary"
            scope={ksef}
            off={!company.defaultCertificateId}
            describedBy={company.defaultCertificateId ? undefined : `${company.id}-no-cert`}
            name="certificate"
            run={(w, o) => logInWithCertificate(w, company.id, undefined, o)}
            done={loggedIn}
          >
            {t('loginKsefCertificate')}
          </RunButton>
          <RunButton
            scope={ksef}
            off={!company.defaultTokenId}
            describedBy={company.defaultTokenId ? undefined : `${company.id}-no-token`}
            name="token"
            run={(w, o) => logInWithToken(w, company.id, undefined, o)}
            done={loggedIn}
          >
            {t('loginKsefToken')}
          </RunButton>
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
