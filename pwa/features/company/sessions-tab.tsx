/**
 * "Sesje" / Sessions: the sessions the wallet recorded (method, validity, which ERP origin received
 * which session) — readable offline — and the active sessions as KSeF lists them, the current one
 * marked, each with Refresh and Revoke.
 */
import { useId, useState } from 'preact/hooks';
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { AppStringKey, Translate } from '../../app/strings.ts';
import { useAction } from '../../app/use-action.ts';
import type { Wallet } from '../../app/wallet.ts';
import type { KsefSessionRow } from '../../flows/flow-api.ts';
import { ActionButton } from '../../ui/action-button.tsx';
import { ActionStatus } from '../../ui/action-status.tsx';
import { Badge, type BadgeTone } from '../../ui/badge.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { Section } from '../../ui/section.tsx';
import type { SessionState } from '../../vault/records.ts';
import type { SessionView } from '../../vault/vault-api.ts';
import { listKsefSessions } from '../sessions/list-ksef-sessions.ts';
import { refreshSession } from '../sessions/refresh-session.ts';
import { revokeSession } from '../sessions/revoke-session.ts';
import { type CompanyView, isLiveSession } from './company-view.ts';
import { formatDateTime, methodLabel } from './format.ts';
import { type ActionScope, RunButton } from './run-button.tsx';
import { sessionRefreshedMessage } from './session-messages.ts';

const STATE: Readonly<Record<SessionState, { key: AppStringKey; tone: BadgeTone }>> = Object.freeze({
  active: { key: 'sessionStateActive', tone: 'ok' },
  ended: { key: 'sessionStateEnded', tone: 'muted' },
  revoked: { key: 'sessionStateRevoked', tone: 'muted' },
});

export function SessionsTab(props: {
  company: CompanyView;
  sessions: readonly SessionView[];
  wallet: Wallet | null;
  blocked: string | null;
  nowMs: number;
  locale: Locale;
  t: Translate;
}) {
  const { company, wallet, t, locale } = props;
  const id = useId();
  const action = useAction(t, locale);
  const [ksefList, setKsefList] = useState<readonly KsefSessionRow[] | null>(null);
  const blocked = props.blocked;
  const busy = action.state.running !== null;
  const ksef: ActionScope = { action, wallet, blocked };

  /** Reads the list from KSeF; `message` stays on screen (the outcome of what ran before). */
  const loadKsef = (message?: string) => {
    if (!wallet) return Promise.resolve(undefined);
    return action.run(
      'list',
      (o) => listKsefSessions(wallet, company.id, o),
      (rows) => {
        setKsefList(rows);
        return message;
      },
    );
  };
  const revoke = async (referenceNumber: string) => {
    if (!wallet) return;
    const r = await action.run(
      'revoke',
      (o) => revokeSession(wallet, { companyId: company.id, referenceNumber }, o),
      () => t('sessionRevoked', { ref: referenceNumber }),
    );
    if (r?.ok && ksefList) await loadKsef(t('sessionRevoked', { ref: referenceNumber }));
  };

  return (
    <div class="stack">
      <ActionStatus state={action.state} onCancel={action.cancel} t={t} testId="sessions" />
      <Section headingId={`${id}-ksef-h`} title={t('sessionsFromKsef')}>
        <p class="actions">
          <ActionButton blocked={blocked} busy={busy} onClick={() => void loadKsef()}>
            {t('refresh')}
          </ActionButton>
        </p>
        {ksefList === null ? (
          <p class="muted small">{t('ksefSessionsHint')}</p>
        ) : (
          <DataTable
            empty={<p class="muted">{t('ksefSessionsEmpty')}</p>}
            testId="ksef-sessions"
            columns={[
              t('referenceNumber'),
              t('sessionStarted'),
              t('sessionMethod'),
              t('refreshValidUntil'),
              t('erpOrigin'),
              t('actionsColumn'),
            ]}
          >
            {ksefList.map((s) => (
              <tr
                key={s.referenceNumber}
                data-ref={s.referenceNumber}
                data-current={s.isCurrent ? 'true' : 'false'}
              >
                <td>
                  <code>{s.referenceNumber}</code>
                  {s.isCurrent ? (
                    <>
                      {' '}
                      <Badge tone="info">{t('currentSession')}</Badge>
                    </>
                  ) : null}
                </td>
                <td>{formatDateTime(s.startDate, locale)}</td>
                <td>{s.method ?? '—'}</td>
                <td>{formatDateTime(s.refreshTokenValidUntil, locale)}</td>
                <td>{s.handedTo ?? '—'}</td>
                <td>
                  <ActionButton
                    look="small-danger"
                    blocked={blocked}
                    busy={busy}
                    onClick={() => void revoke(s.referenceNumber)}
                  >
                    {t('revoke')}
                  </ActionButton>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Section>

      <Section headingId={`${id}-mine-h`} title={t('walletSessions')}>
        <DataTable
          empty={<p class="muted">{t('sessionsEmpty')}</p>}
          testId="wallet-sessions"
          columns={[
            t('sessionStarted'),
            t('sessionMethod'),
            t('statusLabel'),
            t('accessValidUntil'),
            t('refreshValidUntil'),
            t('erpOrigin'),
            t('actionsColumn'),
          ]}
        >
          {props.sessions.map((s) => {
            const live = isLiveSession(s, props.nowMs) || (s.state === 'active' && s.handedTo !== undefined);
            const st = STATE[s.state];
            return (
              <tr key={s.id} data-session={s.id} data-ref={s.referenceNumber} data-state={s.state}>
                <td>
                  {formatDateTime(s.startedAt, locale)}
                  <br />
                  <code class="small">{s.referenceNumber}</code>
                </td>
                <td>{methodLabel(s.method, t)}</td>
                <td>
                  <Badge tone={live ? st.tone : 'muted'}>
                    {t(live ? st.key : s.state === 'active' ? 'sessionStateExpired' : st.key)}
                  </Badge>
                </td>
                <td>{formatDateTime(s.accessValidUntil, locale)}</td>
                <td>{formatDateTime(s.refreshValidUntil, locale)}</td>
                <td>{s.handedTo ?? '—'}</td>
                <td>
                  <div class="actions">
                    {live && s.handedTo === undefined && s.hasRefreshToken ? (
                      <RunButton
                        look="small"
                        scope={ksef}
                        name="refresh"
                        run={(w, o) => refreshSession(w, s.id, o)}
                        done={(r) => sessionRefreshedMessage(r, t, locale)}
                      >
                        {t('refresh')}
                      </RunButton>
                    ) : null}
                    {s.state === 'active' ? (
                      <ActionButton
                        look="small-danger"
                        blocked={blocked}
                        busy={busy}
                        onClick={() => void revoke(s.referenceNumber)}
                      >
                        {t('revoke')}
                      </ActionButton>
                    ) : null}
                  </div>
                </td>
              </tr>
            );
          })}
        </DataTable>
      </Section>
    </div>
  );
}
