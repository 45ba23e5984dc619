/**
 * "Aktywność" / Activity: the vault's HMAC-chained log for this company, newest first — readable
 * offline and while locked; "check the log" verifies the chain (needs the keys) and says whether an
 * entry was edited or removed outside the wallet (SECURITY.md T12).
 */
import { useState } from 'preact/hooks';
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { AppStringKey, Translate } from '../../app/strings.ts';
import { useAction } from '../../app/use-action.ts';
import type { Wallet } from '../../app/wallet.ts';
import { ActionStatus } from '../../ui/action-status.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import type { ActivityKind } from '../../vault/records.ts';
import type { ActivityView } from '../../vault/vault-api.ts';
import { formatDateTime } from './format.ts';
import { type ActionScope, RunButton } from './run-button.tsx';

export function activityKindKey(kind: ActivityKind): AppStringKey {
  return `activity_${kind.replace(/-/g, '_')}` as AppStringKey;
}

/** Non-secret details (reference numbers, labels, counts), as "key: value" text. */
function details(d: ActivityView['detail']): string {
  return Object.entries(d)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
}

export function ActivityTab(props: {
  activity: readonly ActivityView[];
  wallet: Wallet | null;
  vaultBlocked: string | null;
  locale: Locale;
  t: Translate;
}) {
  const { t, locale, wallet } = props;
  const action = useAction(t, locale);
  const vault: ActionScope = { action, wallet, blocked: props.vaultBlocked };
  const [shown, setShown] = useState(50);
  const rows = props.activity.slice(0, shown);
  return (
    <div class="stack">
      <p class="actions">
        <RunButton
          scope={vault}
          name="verify"
          run={(w) => w.vault.verifyActivity()}
          done={(c) =>
            c.state === 'intact'
              ? t('activityIntact', { entries: c.entries })
              : t('activityTampered', { seq: c.firstBadSeq ?? '?' })
          }
        >
          {t('verifyActivity')}
        </RunButton>
      </p>
      <ActionStatus state={action.state} t={t} testId="activity" />
      <DataTable
        empty={<p>{t('activityEmpty')}</p>}
        testId="activity"
        columns={[t('activityWhen'), t('activityWhat'), t('activityWho'), t('activityDetails')]}
      >
        {rows.map((a) => (
          <tr key={a.id} data-kind={a.kind}>
            <td>{formatDateTime(a.at, locale)}</td>
            <td>{t(activityKindKey(a.kind))}</td>
            <td>{a.actor === 'user' ? t('actorUser') : a.actor}</td>
            <td class="small">
              <code>{details(a.detail)}</code>
            </td>
          </tr>
        ))}
      </DataTable>
      {props.activity.length > shown ? (
        <p>
          <button type="button" class="button" onClick={() => setShown((n) => n + 50)}>
            {t('showMore')}
          </button>
        </p>
      ) : null}
    </div>
  );
}
