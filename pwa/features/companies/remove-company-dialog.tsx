/**
 * "Usuń firmę" asks first — always, and with the count of credentials when it has any: they go
 * from the wallet, but stay valid at KSeF until revoked there (which the dialog says).
 */
import { useState } from 'preact/hooks';
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { Translate } from '../../app/strings.ts';
import { Dialog } from '../../ui/dialog.tsx';
import type { CompanyView, Vault } from '../../vault/vault-api.ts';
import { describeVaultError } from '../errors/describe-vault-error.ts';
import { needsConfirmation, removeCompany } from './remove-company.ts';

export function RemoveCompanyDialog(props: {
  company: CompanyView | null;
  counts: { certificates: number; tokens: number };
  vault: Vault;
  onClose(): void;
  onRemoved(): void;
  locale: Locale;
  t: Translate;
}) {
  const { t, company } = props;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      open={company !== null}
      title={t('removeCompany')}
      closeLabel={t('cancel')}
      onClose={() => {
        setError(null);
        props.onClose();
      }}
      testId="remove-company"
      actions={
        <button
          type="button"
          class="button button--danger"
          disabled={busy}
          onClick={async () => {
            if (!company) return;
            setBusy(true);
            const r = await removeCompany(props.vault, company.id);
            setBusy(false);
            if (!r.ok) return setError(describeVaultError(r.error, t, props.locale));
            setError(null);
            props.onRemoved();
          }}
        >
          {t('remove')}
        </button>
      }
    >
      {company ? <p>{t('removeCompanyConfirm', { name: company.name, nip: company.nip })}</p> : null}
      {needsConfirmation(props.counts) ? (
        <p class="notice notice--warn">
          {t('removeCompanyWithCredentials', {
            certificates: props.counts.certificates,
            tokens: props.counts.tokens,
          })}
        </p>
      ) : null}
      {error ? (
        <p class="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
