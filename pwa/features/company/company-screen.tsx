/**
 * One company: the five tabs (General, Certificates, Tokens, Sessions, Activity) with every
 * action under its KSeF label. Actions are enabled only when they can run: online, with the
 * extension, and with the vault and KSeF client connected (`actionsBlockedBy` names what is
 * missing, and the screen says it next to the buttons).
 */
import { useState } from 'preact/hooks';
import type { Locale } from '../../../shared/i18n/translate.ts';
import { COMPANY_TABS, type CompanyTab, formatRoute } from '../../app/route.ts';
import type { AppStringKey, Translate } from '../../app/strings.ts';
import { TextField } from '../../ui/field.tsx';
import { TabPanel, Tabs } from '../../ui/tabs.tsx';
import { environmentLabel } from '../companies/companies-panel.tsx';
import { SignedFilePicker } from '../signed-request/signed-file-picker.tsx';
import { TokenSunsetNotice } from '../token-sunset/token-sunset-notice.tsx';
import { TOKEN_SUNSET_POLICY } from '../token-sunset/token-sunset-policy.ts';
import { PermissionsDialog, type TokenPermission } from '../tokens/permissions-dialog.tsx';
import { allowsTestCertificate, type CompanyView } from './company-view.ts';

const TAB_LABEL: Readonly<Record<CompanyTab, AppStringKey>> = Object.freeze({
  general: 'tabGeneral',
  certificates: 'tabCertificates',
  tokens: 'tabTokens',
  sessions: 'tabSessions',
  activity: 'tabActivity',
});

export type ActionsBlockedBy = 'offline' | 'extension' | 'not-connected' | null;

const BLOCKED_TEXT: Readonly<Record<Exclude<ActionsBlockedBy, null>, AppStringKey>> = Object.freeze({
  offline: 'needsKsefOffline',
  extension: 'needsExtension',
  'not-connected': 'vaultPending',
});

function Action(props: { label: string; blocked: string | null; onClick?: () => void; primary?: boolean }) {
  return (
    <button
      type="button"
      class={props.primary ? 'button button--primary' : 'button'}
      disabled={props.blocked !== null || !props.onClick}
      onClick={props.onClick}
    >
      {props.label}
    </button>
  );
}

export function CompanyScreen(props: {
  company: CompanyView;
  tab: CompanyTab;
  onTab(tab: CompanyTab): void;
  actionsBlockedBy: ActionsBlockedBy;
  nowMs: number;
  locale: Locale;
  t: Translate;
}) {
  const { company, t, tab } = props;
  const blocked = props.actionsBlockedBy ? t(BLOCKED_TEXT[props.actionsBlockedBy]) : null;
  const [permissionsOpen, setPermissionsOpen] = useState(false);
  const [permissions, setPermissions] = useState<ReadonlySet<TokenPermission>>(new Set());
  const idPrefix = `company-${company.id}`;
  return (
    <section aria-labelledby="company-heading" data-testid="company">
      <h2 id="company-heading">{company.name}</h2>
      <p class="muted">
        {t('nip')} {company.nip} · {environmentLabel(company.environment, t)}
      </p>
      {blocked ? (
        <p class="notice notice--info" data-testid="actions-blocked">
          {blocked}
        </p>
      ) : null}
      <Tabs
        label={t('tabsLabel')}
        idPrefix={idPrefix}
        items={COMPANY_TABS.map((id) => ({
          id,
          label: t(TAB_LABEL[id]),
          href: formatRoute({ screen: 'company', companyId: company.id, tab: id }),
        }))}
        selected={tab}
        onSelect={props.onTab}
      />
      <TabPanel idPrefix={idPrefix} selected={tab}>
        {tab === 'general' ? (
          <div class="stack">
            {company.reliesOnKsefToken ? (
              <TokenSunsetNotice
                nowMs={props.nowMs}
                policy={TOKEN_SUNSET_POLICY}
                locale={props.locale}
                t={t}
              />
            ) : null}
            <h3>{t('signedRequestTitle')}</h3>
            <p class="actions">
              <Action label={t('downloadAuthRequest')} blocked={blocked} primary />
              {allowsTestCertificate(company.environment) ? (
                <Action label={t('signWithTestCertificate')} blocked={blocked} />
              ) : null}
            </p>
            {allowsTestCertificate(company.environment) ? (
              <p class="muted small">{t('testCertificateNote')}</p>
            ) : null}
            <SignedFilePicker expected={null} disabledReason={blocked} onSigned={() => {}} t={t} />
            <h3>{t('authRequests')}</h3>
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('referenceNumber')}</th>
                  <th scope="col">{t('statusLabel')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('getStatus')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {company.authRequests.map((r) => (
                  <tr key={r.referenceNumber}>
                    <td>
                      <code>{r.referenceNumber}</code>
                    </td>
                    <td>
                      {r.statusCode} {r.statusDescription}
                    </td>
                    <td class="actions">
                      <Action label={t('getStatus')} blocked={blocked} />
                      <Action label={t('redeemAccessToken')} blocked={blocked ?? (r.redeemed ? '' : null)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p class="actions">
              <Action label={t('loginKsefCertificate')} blocked={blocked} />
              <Action label={t('loginKsefToken')} blocked={blocked} />
            </p>
          </div>
        ) : null}
        {tab === 'certificates' ? (
          <div class="stack">
            <p class="actions">
              <Action label={t('getPublicKeyCertificates')} blocked={blocked} />
            </p>
            <h3>{t('enrollmentTitle')}</h3>
            <EnrollmentFields t={t} />
            <p class="actions">
              <Action label={t('certificateEnrollment')} blocked={blocked} primary />
            </p>
            <h3>{t('certificatesFromKsef')}</h3>
            <p class="actions">
              <Action label={t('getStatus')} blocked={blocked} />
              <Action label={t('retrieve')} blocked={blocked} />
              <Action label={t('loginKsefCertificate')} blocked={blocked} />
            </p>
          </div>
        ) : null}
        {tab === 'tokens' ? (
          <div class="stack">
            {company.reliesOnKsefToken ? (
              <TokenSunsetNotice
                nowMs={props.nowMs}
                policy={TOKEN_SUNSET_POLICY}
                locale={props.locale}
                t={t}
              />
            ) : null}
            <p class="actions">
              <Action label={t('getTokens')} blocked={blocked} />
              <button type="button" class="button" onClick={() => setPermissionsOpen(true)}>
                {t('ksefPermissions')}
                {permissions.size > 0 ? ` (${permissions.size})` : ''}
              </button>
              <Action label={t('generateKsefToken')} blocked={blocked} primary />
            </p>
            <p class="muted small">{t('tokenAdvice')}</p>
            <PermissionsDialog
              open={permissionsOpen}
              selected={permissions}
              onChange={setPermissions}
              onClose={() => setPermissionsOpen(false)}
              t={t}
            />
            <p class="actions">
              <Action label={t('loginKsefToken')} blocked={blocked} />
            </p>
          </div>
        ) : null}
        {tab === 'sessions' ? (
          <div class="stack">
            <h3>{t('sessionsFromKsef')}</h3>
            <p class="actions">
              <Action label={t('refresh')} blocked={blocked} />
            </p>
          </div>
        ) : null}
        {tab === 'activity' ? <p>{t('activityEmpty')}</p> : null}
      </TabPanel>
    </section>
  );
}

/** Name, Type (Authentication / Offline), key type and "exclude from backup" of a new certificate. */
function EnrollmentFields(props: { t: Translate }) {
  const { t } = props;
  const [name, setName] = useState('');
  const [type, setType] = useState<'Authentication' | 'Offline'>('Authentication');
  const [key, setKey] = useState<'EC' | 'RSA'>('EC');
  const [exclude, setExclude] = useState(false);
  return (
    <div class="enrollment">
      <TextField
        label={t('certificateName')}
        name="certificateName"
        value={name}
        onInput={setName}
        maxLength={100}
      />
      <fieldset>
        <legend>{t('certificateType')}</legend>
        {(['Authentication', 'Offline'] as const).map((v) => (
          <label key={v} class="choice">
            <input type="radio" name="certificateType" checked={type === v} onChange={() => setType(v)} />{' '}
            {t(v === 'Authentication' ? 'certificateTypeAuthentication' : 'certificateTypeOffline')}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('keyType')}</legend>
        {(['EC', 'RSA'] as const).map((v) => (
          <label key={v} class="choice">
            <input type="radio" name="keyType" checked={key === v} onChange={() => setKey(v)} />{' '}
            {t(v === 'EC' ? 'keyTypeEc' : 'keyTypeRsa')}
          </label>
        ))}
      </fieldset>
      <label class="choice">
        <input type="checkbox" checked={exclude} onChange={(e) => setExclude(e.currentTarget.checked)} />{' '}
        {t('excludeFromBackup')}
      </label>
    </div>
  );
}
