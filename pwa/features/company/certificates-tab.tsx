/**
 * "Certyfikaty" / Certificates, in the steps of the ERP help page (seed/000 §2): KSeF's encryption
 * certificates ("Get public key certificates"), the limits, the enrollment form (Name, Type, key
 * type, "exclude from backup") → "Certificate enrollment", then in the wallet's list "Get status"
 * until a serial number, "Retrieve", the "Default" column, "Log in with KSeF certificate" and
 * revoke — and the subject's certificates as KSeF lists them, with statuses.
 */
import { useId, useState } from 'preact/hooks';
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { AppStringKey, Translate } from '../../app/strings.ts';
import { useAction } from '../../app/use-action.ts';
import type { Wallet } from '../../app/wallet.ts';
import type {
  CertificateLimitsView,
  EnrollmentView,
  KsefCertificateRow,
  PublicKeyCertificateRow,
} from '../../flows/flow-api.ts';
import { ActionButton } from '../../ui/action-button.tsx';
import { ActionStatus } from '../../ui/action-status.tsx';
import { Badge, type BadgeTone } from '../../ui/badge.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { TextField } from '../../ui/field.tsx';
import { Section } from '../../ui/section.tsx';
import type { CertificateState } from '../../vault/records.ts';
import type { CertificateView, PendingView } from '../../vault/vault-api.ts';
import {
  CERTIFICATE_NAME_RULE,
  checkCertificateName,
  type EnrollmentForm,
  enrollCertificate,
} from '../certificates/enroll-certificate.ts';
import { getCertificateLimits } from '../certificates/get-certificate-limits.ts';
import { getEnrollmentStatus } from '../certificates/get-enrollment-status.ts';
import { getPublicKeyCertificates } from '../certificates/get-public-key-certificates.ts';
import { queryKsefCertificates } from '../certificates/query-ksef-certificates.ts';
import { retrieveCertificate } from '../certificates/retrieve-certificate.ts';
import { type RevocationReason, revokeCertificate } from '../certificates/revoke-certificate.ts';
import { setDefaultCertificate } from '../certificates/set-default-certificate.ts';
import { logInWithCertificate } from '../login/log-in-with-certificate.ts';
import { type CompanyView, canLogIn } from './company-view.ts';
import { DefaultCell } from './default-cell.tsx';
import { displayName, formatDate, formatDateTime, inWalletLabel } from './format.ts';
import { PassphraseActionDialog } from './passphrase-action-dialog.tsx';
import { type ActionScope, RunButton } from './run-button.tsx';
import { loggedInMessage } from './session-messages.ts';

const STATE: Readonly<Record<CertificateState, { key: AppStringKey; tone: BadgeTone }>> = Object.freeze({
  enrolling: { key: 'certStateEnrolling', tone: 'info' },
  active: { key: 'certStateActive', tone: 'ok' },
  rejected: { key: 'certStateRejected', tone: 'danger' },
  revoked: { key: 'certStateRevoked', tone: 'muted' },
});

const KSEF_STATUS: Readonly<Record<KsefCertificateRow['status'], AppStringKey>> = Object.freeze({
  Active: 'ksefCertActive',
  Blocked: 'ksefCertBlocked',
  Revoked: 'ksefCertRevoked',
  Expired: 'ksefCertExpired',
});

const USAGE: Readonly<Record<string, AppStringKey>> = Object.freeze({
  KsefTokenEncryption: 'usageKsefTokenEncryption',
  SymmetricKeyEncryption: 'usageSymmetricKeyEncryption',
});

const REASONS: readonly { value: RevocationReason; key: AppStringKey }[] = [
  { value: 'Unspecified', key: 'revocationUnspecified' },
  { value: 'Superseded', key: 'revocationSuperseded' },
  { value: 'KeyCompromise', key: 'revocationKeyCompromise' },
];

export function CertificatesTab(props: {
  company: CompanyView;
  certificates: readonly CertificateView[];
  pending: readonly PendingView[];
  wallet: Wallet | null;
  blocked: string | null;
  vaultBlocked: string | null;
  locale: Locale;
  t: Translate;
}) {
  const { company, wallet, t, locale } = props;
  const action = useAction(t, locale);
  const id = useId();
  const [publicKeys, setPublicKeys] = useState<readonly PublicKeyCertificateRow[] | null>(null);
  const [limits, setLimits] = useState<CertificateLimitsView | null>(null);
  const [ksefList, setKsefList] = useState<readonly KsefCertificateRow[] | null>(null);
  const [serials, setSerials] = useState<Readonly<Record<string, string>>>({});
  const [revoking, setRevoking] = useState<CertificateView | null>(null);
  const [reason, setReason] = useState<RevocationReason>('Unspecified');
  const blocked = props.blocked;
  const busy = action.state.running !== null;
  const ksef: ActionScope = { action, wallet, blocked };
  const vault: ActionScope = { action, wallet, blocked: props.vaultBlocked };

  const enrollmentDone = (v: EnrollmentView) => {
    if (v.serialNumber) setSerials((s) => ({ ...s, [v.certificateId]: v.serialNumber! }));
    if (v.certificate) return t('certificateStored', { serial: v.certificate.serialNumber ?? '' });
    if (v.serialNumber) return t('enrollmentIssued', { serial: v.serialNumber });
    return t('enrollmentSubmitted', { ref: v.referenceNumber ?? '' });
  };

  return (
    <div class="stack">
      <ActionStatus state={action.state} onCancel={action.cancel} t={t} testId="certificates" />

      <Section headingId={`${id}-enroll-h`} title={t('enrollmentTitle')}>
        <p class="muted small">{t('enrollmentIntro')}</p>
        <EnrollmentFields
          disabledReason={blocked ?? (busy ? t('working') : null)}
          t={t}
          onSubmit={(form) => {
            if (!wallet) return;
            void action.run('enroll', (o) => enrollCertificate(wallet, company.id, form, o), enrollmentDone);
          }}
        />
      </Section>

      <Section headingId={`${id}-mine-h`} title={t('walletCertificates')}>
        <DataTable
          empty={<p class="muted">{t('walletCertificatesEmpty')}</p>}
          testId="wallet-certificates"
          columns={[
            t('certificateName'),
            t('certificateType'),
            t('statusLabel'),
            t('serialNumber'),
            t('validTo'),
            t('default'),
            t('actionsColumn'),
          ]}
        >
          {props.certificates.map((c) => {
            const pending = props.pending.find((p) => p.certificateId === c.id);
            const state = STATE[c.state];
            const label = displayName(c.name);
            const serial = c.serialNumber ?? serials[c.id];
            return (
              <tr key={c.id} data-certificate={c.id} data-state={c.state} data-name={label}>
                <th scope="row">{label}</th>
                <td>
                  {t(
                    c.certificateType === 'Authentication'
                      ? 'certificateTypeAuthentication'
                      : 'certificateTypeOffline',
                  )}
                </td>
                <td>
                  <Badge tone={state.tone}>
                    {pending?.stage === 'key-ready' ? t('certStateKeyReady') : t(state.key)}
                  </Badge>
                  {c.excludeFromBackup === 1 ? <span class="muted small"> · {t('notInBackup')}</span> : null}
                </td>
                <td>{serial ? <code>{serial}</code> : '—'}</td>
                <td>{formatDate(c.validTo, locale)}</td>
                <DefaultCell
                  isDefault={c.isDefault === 1}
                  eligible={canLogIn(c)}
                  name={label}
                  testId="default-certificate"
                  scope={vault}
                  makeDefault={(w) => setDefaultCertificate(w.vault, c.id)}
                  doneKey="defaultCertificateSet"
                  t={t}
                />
                <td>
                  <div class="actions">
                    {c.state === 'enrolling' ? (
                      <>
                        <RunButton
                          look="small"
                          scope={ksef}
                          off={pending?.stage !== 'submitted'}
                          name="status"
                          run={(w, o) => getEnrollmentStatus(w, c.id, o)}
                          done={(v) => {
                            if (v.serialNumber) setSerials((s) => ({ ...s, [c.id]: v.serialNumber! }));
                            return v.serialNumber
                              ? t('enrollmentIssued', { serial: v.serialNumber })
                              : t('enrollmentStatusLine', {
                                  code: v.statusCode ?? '',
                                  description: v.statusDescription ?? '',
                                });
                          }}
                        >
                          {t('getStatus')}
                        </RunButton>
                        <RunButton
                          look="small"
                          scope={ksef}
                          off={pending?.stage !== 'submitted'}
                          name="retrieve"
                          run={(w, o) => retrieveCertificate(w, c.id, o)}
                          done={enrollmentDone}
                        >
                          {t('retrieve')}
                        </RunButton>
                      </>
                    ) : null}
                    {canLogIn(c) ? (
                      <RunButton
                        look="small"
                        scope={ksef}
                        name="login"
                        run={(w, o) => logInWithCertificate(w, company.id, c.id, o)}
                        done={(s) => loggedInMessage(s, t)}
                      >
                        {t('loginKsefCertificate')}
                      </RunButton>
                    ) : null}
                    {c.state === 'active' && c.serialNumber ? (
                      <ActionButton
                        look="small-danger"
                        blocked={blocked}
                        busy={busy}
                        onClick={() => {
                          setReason('Unspecified');
                          setRevoking(c);
                        }}
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

      <Section headingId={`${id}-ksef-h`} title={t('certificatesFromKsef')}>
        <p class="actions">
          <RunButton
            scope={ksef}
            name="query"
            run={(w, o) => queryKsefCertificates(w, company.id, o)}
            done={(rows) => {
              setKsefList(rows);
            }}
          >
            {t('getKsefCertificates')}
          </RunButton>
          <RunButton
            scope={ksef}
            name="limits"
            run={(w, o) => getCertificateLimits(w, company.id, o)}
            done={(l) => {
              setLimits(l);
            }}
          >
            {t('certificateLimits')}
          </RunButton>
        </p>
        {limits ? (
          <p data-testid="certificate-limits">
            {t('limitsLine', {
              er: limits.enrollment.remaining,
              el: limits.enrollment.limit,
              cr: limits.certificate.remaining,
              cl: limits.certificate.limit,
            })}{' '}
            {limits.canRequest ? t('limitsCanRequest') : t('limitsCannotRequest')}
          </p>
        ) : null}
        {ksefList === null ? null : (
          <DataTable
            empty={<p class="muted">{t('ksefCertificatesEmpty')}</p>}
            testId="ksef-certificates"
            columns={[
              t('serialNumber'),
              t('certificateName'),
              t('certificateType'),
              t('statusLabel'),
              t('validTo'),
              t('inWallet'),
            ]}
          >
            {ksefList.map((c) => (
              <tr key={c.serialNumber} data-serial={c.serialNumber} data-status={c.status}>
                <td>
                  <code>{c.serialNumber}</code>
                </td>
                <td>{displayName(c.name)}</td>
                <td>
                  {t(
                    c.type === 'Authentication' ? 'certificateTypeAuthentication' : 'certificateTypeOffline',
                  )}
                </td>
                <td>{t(KSEF_STATUS[c.status])}</td>
                <td>{formatDate(c.validTo, locale)}</td>
                <td>{inWalletLabel(Boolean(c.certificateId), c.isDefault, t)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Section>

      <Section headingId={`${id}-pk-h`} title={t('publicKeyCertificates')}>
        <p class="actions">
          <RunButton
            scope={ksef}
            name="publicKeys"
            run={(w, o) => getPublicKeyCertificates(w, company.id, o)}
            done={(rows) => {
              setPublicKeys(rows);
            }}
          >
            {t('getPublicKeyCertificates')}
          </RunButton>
        </p>
        {publicKeys ? (
          <DataTable
            testId="public-key-certificates"
            columns={[t('publicKeyId'), t('usage'), t('validFrom'), t('validTo')]}
          >
            {publicKeys.map((k) => (
              <tr key={k.publicKeyId}>
                <td>
                  <code>{k.publicKeyId}</code>
                </td>
                <td>{k.usage.map((u) => (USAGE[u] ? t(USAGE[u]!) : u)).join(', ')}</td>
                <td>{formatDateTime(k.validFrom, locale)}</td>
                <td>{formatDateTime(k.validTo, locale)}</td>
              </tr>
            ))}
          </DataTable>
        ) : null}
      </Section>

      <PassphraseActionDialog
        open={revoking !== null}
        title={t('revokeCertificateTitle', { serial: revoking?.serialNumber ?? '' })}
        confirmLabel={t('revoke')}
        busy={busy}
        onClose={() => setRevoking(null)}
        confirm={async (passphrase) => {
          const c = revoking;
          if (!wallet || !c?.serialNumber) return undefined;
          return action.run(
            'revoke',
            (o) =>
              revokeCertificate(
                wallet,
                { companyId: company.id, serialNumber: c.serialNumber!, reason, passphrase },
                o,
              ),
            () => t('certificateRevoked', { serial: c.serialNumber ?? '' }),
          );
        }}
        locale={locale}
        t={t}
      >
        <p>{t('revokeCertificateExplain')}</p>
        <div class="field">
          <label for={`${id}-reason`}>{t('revocationReason')}</label>
          <select
            id={`${id}-reason`}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value as RevocationReason)}
          >
            {REASONS.map((r) => (
              <option key={r.value} value={r.value}>
                {t(r.key)}
              </option>
            ))}
          </select>
        </div>
      </PassphraseActionDialog>
    </div>
  );
}

/** Name, Type (Authentication / Offline), key type, "exclude from backup" and automatic polling. */
function EnrollmentFields(props: {
  disabledReason: string | null;
  onSubmit(form: EnrollmentForm): void;
  t: Translate;
}) {
  const { t } = props;
  const [name, setName] = useState('');
  const [touched, setTouched] = useState(false);
  const [type, setType] = useState<'Authentication' | 'Offline'>('Authentication');
  const [key, setKey] = useState<'ECDSA-P256' | 'RSA-2048'>('ECDSA-P256');
  const [exclude, setExclude] = useState(false);
  const [automatic, setAutomatic] = useState(true);
  const valid = checkCertificateName(name);
  return (
    <form
      class="enrollment"
      onSubmit={(e) => {
        e.preventDefault();
        setTouched(true);
        if (!valid || props.disabledReason) return;
        props.onSubmit({
          certificateName: name,
          certificateType: type,
          algorithm: key,
          excludeFromBackup: exclude,
          automatic,
        });
      }}
    >
      <TextField
        label={t('certificateName')}
        name="certificateName"
        value={name}
        onInput={setName}
        maxLength={CERTIFICATE_NAME_RULE.MAX}
        hint={t('certificateNameHint')}
        error={touched && !valid ? t('certificateNameInvalid') : null}
      />
      <fieldset>
        <legend>{t('certificateType')}</legend>
        {(['Authentication', 'Offline'] as const).map((v) => (
          <label key={v} class="choice">
            <input type="radio" name="certificateType" checked={type === v} onChange={() => setType(v)} />{' '}
            {t(v === 'Authentication' ? 'certificateTypeAuthentication' : 'certificateTypeOffline')}
          </label>
        ))}
        <p class="field__hint">{t('certificateTypeHint')}</p>
      </fieldset>
      <fieldset>
        <legend>{t('keyType')}</legend>
        {(['ECDSA-P256', 'RSA-2048'] as const).map((v) => (
          <label key={v} class="choice">
            <input type="radio" name="keyType" checked={key === v} onChange={() => setKey(v)} />{' '}
            {t(v === 'ECDSA-P256' ? 'keyTypeEc' : 'keyTypeRsa')}
          </label>
        ))}
        <p class="field__hint">{t('keyTypeHint')}</p>
      </fieldset>
      <label class="choice">
        <input type="checkbox" checked={exclude} onChange={(e) => setExclude(e.currentTarget.checked)} />{' '}
        {t('excludeFromBackup')}
      </label>
      <p class="field__hint">{t('excludeFromBackupHint')}</p>
      <label class="choice">
        <input type="checkbox" checked={automatic} onChange={(e) => setAutomatic(e.currentTarget.checked)} />{' '}
        {t('autoEnrollment')}
      </label>
      <p class="actions">
        <button type="submit" class="button button--primary" disabled={props.disabledReason !== null}>
          {t('certificateEnrollment')}
        </button>
        {props.disabledReason ? <span class="field__hint">{props.disabledReason}</span> : null}
      </p>
    </form>
  );
}
