/**
 * The first screen on a new device: what the wallet is, then the passphrase (twice, with the
 * vault's strength estimate) and the auto-lock time. Creating the vault unlocks it.
 */
import { useId, useState } from 'preact/hooks';
import { LOCK_POLICY } from '../../../shared/domain/lock-policy.ts';
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { Translate } from '../../app/strings.ts';
import type { Vault } from '../../vault/vault-api.ts';
import { describeVaultError } from '../errors/describe-vault-error.ts';
import { AutoLockSelect } from '../settings/auto-lock-select.tsx';
import { createVault } from './create-vault.ts';
import { PassphraseMeter, usePassphraseStrength } from './passphrase-meter.tsx';

export function CreateVaultScreen(props: { vault: Vault; locale: Locale; t: Translate }) {
  const { t } = props;
  const id = useId();
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [idle, setIdle] = useState<number>(LOCK_POLICY.DEFAULT_IDLE_MINUTES);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const strength = usePassphraseStrength(props.vault, passphrase);
  return (
    <section class="card card--narrow" aria-labelledby={`${id}-h`} data-testid="create-vault">
      <h2 id={`${id}-h`}>{t('welcomeTitle')}</h2>
      <p>{t('welcomeIntro')}</p>
      <p class="muted small">{t('welcomeForgotten')}</p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          const r = await createVault(props.vault, { passphrase, repeat, idleMinutes: idle });
          setBusy(false);
          if (r.ok) return;
          if ('problem' in r)
            setError(t(r.problem === 'mismatch' ? 'passphraseMismatch' : 'passphraseEmpty'));
          else setError(describeVaultError(r.error, t, props.locale));
        }}
      >
        <div class="field">
          <label for={`${id}-p`}>{t('passphrase')}</label>
          <input
            id={`${id}-p`}
            type="password"
            autoComplete="new-password"
            value={passphrase}
            onInput={(e) => setPassphrase(e.currentTarget.value)}
            aria-describedby={`${id}-hint ${id}-meter`}
          />
          <p id={`${id}-hint`} class="field__hint">
            {t('passphraseHint')}
          </p>
          <PassphraseMeter id={`${id}-meter`} strength={strength} locale={props.locale} t={t} />
        </div>
        <div class="field">
          <label for={`${id}-r`}>{t('passphraseRepeat')}</label>
          <input
            id={`${id}-r`}
            type="password"
            autoComplete="new-password"
            value={repeat}
            onInput={(e) => setRepeat(e.currentTarget.value)}
          />
        </div>
        <AutoLockSelect id={`${id}-idle`} value={idle} onChange={setIdle} t={t} />
        {error ? (
          <p class="field__error" role="alert" data-testid="create-vault-error">
            {error}
          </p>
        ) : null}
        <p class="actions">
          <button type="submit" class="button button--primary" disabled={busy}>
            {busy ? t('creating') : t('createVault')}
          </button>
        </p>
      </form>
    </section>
  );
}
