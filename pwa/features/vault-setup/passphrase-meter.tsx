/**
 * A strength bar for a new passphrase, from the vault's own estimate (zxcvbn-ts with the Polish and
 * English dictionaries, run in the key worker): the same rule that accepts or refuses it. The
 * passphrase goes to the worker only; nothing of it is rendered except the score and advice.
 */
import { useEffect, useState } from 'preact/hooks';
import type { PassphraseStrength } from '../../../shared/domain/passphrase-strength.ts';
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { AppStringKey, Translate } from '../../app/strings.ts';
import type { Vault } from '../../vault/vault-api.ts';

const LEVEL: readonly AppStringKey[] = ['strength0', 'strength1', 'strength2', 'strength3', 'strength4'];

export function usePassphraseStrength(vault: Pick<Vault, 'estimatePassphrase'> | null, passphrase: string) {
  const [strength, setStrength] = useState<PassphraseStrength | null>(null);
  useEffect(() => {
    if (!vault || passphrase.length === 0) {
      setStrength(null);
      return;
    }
    let live = true;
    // Debounced: zxcvbn is quick, but not on every key of a long passphrase.
    const timer = setTimeout(() => {
      void vault.estimatePassphrase(passphrase).then(
        (s) => live && setStrength(s),
        () => live && setStrength(null),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [vault, passphrase]);
  return strength;
}

export function PassphraseMeter(props: {
  id: string;
  strength: PassphraseStrength | null;
  locale: Locale;
  t: Translate;
}) {
  const { strength, t } = props;
  if (!strength) return <p id={props.id} class="field__hint" />;
  const advice = [strength.feedback.warning, ...strength.feedback.suggestions]
    .filter((x): x is { pl: string; en: string } => x !== null)
    .map((x) => x[props.locale]);
  return (
    <div id={props.id} class="meter" data-testid="passphrase-meter" data-score={strength.score}>
      <meter min={0} max={4} value={strength.score} aria-label={t('passphraseStrengthLabel')} />
      <p class="field__hint" aria-live="polite">
        {t('passphraseStrength', { level: t(LEVEL[strength.score]!) })}
        {strength.meetsFloor ? ` ${t('passphraseMeetsFloor')}` : ` ${t('passphraseTooWeak')}`}
      </p>
      {advice.length > 0 && !strength.meetsFloor ? (
        <ul class="small muted">
          {advice.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
