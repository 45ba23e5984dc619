/**
 * The locked wallet's bar: why it is locked (idle, OS lock, 12 h, by hand) and the passphrase field.
 * Everything stays visible while locked (the clear metadata); actions wait for the unlock.
 */
import { useId, useState } from 'preact/hooks';
import type { LockReason } from '../../../shared/domain/lock-policy.ts';
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { AppStringKey, Translate } from '../../app/strings.ts';
import type { Vault } from '../../vault/vault-api.ts';
import { describeVaultError } from '../errors/describe-vault-error.ts';

const REASON: Readonly<Record<LockReason, AppStringKey>> = Object.freeze({
  user: 'lockReasonUser',
  idle: 'lockReasonIdle',
  'max-age': 'lockReasonMaxAge',
  'os-locked': 'lockReasonOsLocked',
  'app-update': 'lockReasonAppUpdate',
  rekey: 'lockReasonRekey',
  'passphrase-changed': 'lockReasonPassphrase',
  'vault-deleted': 'lockReasonUser',
});

export function UnlockForm(props: {
  vault: Pick<Vault, 'unlock'>;
  lastLockReason?: LockReason;
  locale: Locale;
  t: Translate;
}) {
  const { t } = props;
  const id = useId();
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <section class="card unlock" aria-labelledby={`${id}-h`} data-testid="unlock">
      <h2 id={`${id}-h`}>{t('unlockTitle')}</h2>
      <p>
        {props.lastLockReason ? (
          <span data-testid="lock-reason" data-reason={props.lastLockReason}>
            {t(REASON[props.lastLockReason])}{' '}
          </span>
        ) : null}
        {t('unlockExplain')}
      </p>
      <form
        class="unlock__form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!passphrase) return;
          setBusy(true);
          setError(null);
          const r = await props.vault.unlock(passphrase);
          setBusy(false);
          if (r.ok) {
            setPassphrase('');
            return;
          }
          setError(describeVaultError(r.error, t, props.locale));
        }}
      >
        <div class="field field--inline">
          <label for={`${id}-p`}>{t('passphrase')}</label>
          <input
            id={`${id}-p`}
            type="password"
            autoComplete="current-password"
            value={passphrase}
            onInput={(e) => setPassphrase(e.currentTarget.value)}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? `${id}-e` : undefined}
          />
          <button type="submit" class="button button--primary" disabled={busy || !passphrase}>
            {busy ? t('unlocking') : t('unlock')}
          </button>
        </div>
        {error ? (
          <p id={`${id}-e`} class="field__error" role="alert" data-testid="unlock-error">
            {error}
          </p>
        ) : null}
      </form>
    </section>
  );
}
