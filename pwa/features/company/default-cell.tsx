/**
 * The "Domyślny" / Default column of the wallet's certificates and tokens: the default marked, "Ustaw
 * jako domyślny" (named for its row, for screen readers) on a row that can log in, a dash on any
 * other. Making one the default is a vault write: it waits for the vault, not for KSeF.
 */
import type { AppStringKey, Translate } from '../../app/strings.ts';
import type { Wallet } from '../../app/wallet.ts';
import type { FlowResult } from '../../flows/flow-api.ts';
import { type ActionScope, RunButton } from './run-button.tsx';

export function DefaultCell(props: {
  isDefault: boolean;
  /** The row can be the default: a certificate that can log in, an Active token. */
  eligible: boolean;
  /** The row's name as the table shows it. */
  name: string;
  /** Marks the default row for the walkthroughs (`default-certificate`, `default-token`). */
  testId: string;
  /** Vault writes: blocked only while the vault is locked or not connected. */
  scope: ActionScope;
  makeDefault(wallet: Wallet): Promise<FlowResult<unknown>>;
  /** What the status line says once it is the default (`{name}`). */
  doneKey: AppStringKey;
  t: Translate;
}) {
  const { t, name } = props;
  return (
    <td>
      {props.isDefault ? (
        <strong data-testid={props.testId}>{t('isDefault')}</strong>
      ) : props.eligible ? (
        <RunButton
          look="small"
          scope={props.scope}
          label={t('makeDefaultNamed', { name })}
          name="default"
          run={(w) => props.makeDefault(w)}
          done={() => t(props.doneKey, { name })}
        >
          {t('makeDefault')}
        </RunButton>
      ) : (
        '—'
      )}
    </td>
  );
}
