/**
 * Add or edit a company. Adding: name, NIP with its checksum checked as you type, and the
 * environment (TEST / DEMO / PRD, or a sandbox the extension's options list — by id, never a URL
 * typed here). Editing: the name only; NIP and environment are shown, fixed (rename-company.ts).
 */
import { useEffect, useId, useState } from 'preact/hooks';
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { EnvironmentId } from '../../../shared/ksef/transport-types.ts';
import type { EnvironmentInfo } from '../../../shared/protocol/messages.ts';
import type { Translate } from '../../app/strings.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { TextField } from '../../ui/field.tsx';
import type { CompanyView, Vault } from '../../vault/vault-api.ts';
import { describeVaultError } from '../errors/describe-vault-error.ts';
import { addCompany, checkCompanyForm } from './add-company.ts';
import { environmentLabel } from './companies-panel.tsx';
import { renameCompany } from './rename-company.ts';

const BUILT_IN: readonly EnvironmentId[] = ['TEST', 'DEMO', 'PRD'];

export function CompanyFormDialog(props: {
  open: boolean;
  /** Absent: a new company. */
  company?: CompanyView;
  environments: readonly EnvironmentInfo[];
  vault: Vault;
  onClose(): void;
  onSaved(company: CompanyView): void;
  locale: Locale;
  t: Translate;
}) {
  const { t, company } = props;
  const id = useId();
  const [name, setName] = useState(company?.name ?? '');
  const [nip, setNip] = useState(company?.nip ?? '');
  const [environment, setEnvironment] = useState<string>(company?.environment ?? 'TEST');
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!props.open) return;
    setName(company?.name ?? '');
    setNip(company?.nip ?? '');
    setEnvironment(company?.environment ?? 'TEST');
    setTouched(false);
    setError(null);
  }, [props.open, company]);

  const custom = props.environments.filter((e) => !BUILT_IN.includes(e.id));
  const problems = checkCompanyForm({ name, nip, environment });
  const nipDigits = nip.replace(/\D/g, '');
  const showNip = touched || nipDigits.length >= 10;
  const nipError =
    company || !showNip || !problems.nip
      ? null
      : t(problems.nip === 'nip-length' ? 'nipWrongLength' : 'nipInvalid');

  const save = async () => {
    setTouched(true);
    if (company ? problems.name : Object.keys(problems).length > 0) return;
    setBusy(true);
    setError(null);
    const r = company
      ? await renameCompany(props.vault, { companyId: company.id, name })
      : await addCompany(props.vault, { name, nip, environment: environment as EnvironmentId });
    setBusy(false);
    if (!r.ok) return setError(describeVaultError(r.error, t, props.locale));
    props.onSaved(r.value);
  };

  return (
    <Dialog
      open={props.open}
      title={company ? t('editCompany') : t('addCompany')}
      closeLabel={t('cancel')}
      onClose={props.onClose}
      onSubmit={() => void save()}
      testId="company-form"
      actions={
        <button type="submit" class="button button--primary" disabled={busy}>
          {t('save')}
        </button>
      }
    >
      <TextField
        label={t('companyName')}
        name="companyName"
        value={name}
        onInput={setName}
        maxLength={200}
        autoComplete="organization"
        error={touched && problems.name ? t('companyNameRequired') : null}
      />
      {company ? (
        <>
          <p>
            {t('nip')}: <strong>{company.nip}</strong> · {t('environment')}:{' '}
            <strong>{environmentLabel(company.environment, t, props.environments)}</strong>
          </p>
          <p class="field__hint">{t('envFixed')}</p>
        </>
      ) : (
        <>
          <TextField
            label={t('nip')}
            name="nip"
            value={nip}
            onInput={setNip}
            inputMode="numeric"
            maxLength={16}
            hint={showNip && !problems.nip ? t('nipChecksumOk') : t('nipHint')}
            error={nipError}
          />
          <div class="field">
            <label for={`${id}-env`}>{t('environment')}</label>
            <select
              id={`${id}-env`}
              value={environment}
              onChange={(e) => setEnvironment(e.currentTarget.value)}
            >
              {BUILT_IN.map((env) => (
                <option key={env} value={env}>
                  {environmentLabel(env, t)}
                </option>
              ))}
              {custom.map((e) => (
                <option key={e.id} value={e.id}>
                  {t('envCustom', { label: e.label })}
                </option>
              ))}
            </select>
            <p class="field__hint">{custom.length > 0 ? t('envCustomHint') : t('envCustomNone')}</p>
          </div>
        </>
      )}
      {error ? (
        <p class="field__error" role="alert" data-testid="company-form-error">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
