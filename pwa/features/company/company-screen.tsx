/**
 * One company: its header (name, NIP, environment, status, edit and remove) and the five tabs —
 * General, Certificates, Tokens, Sessions, Activity — with every action under its KSeF label.
 * Actions are enabled only when they can run: KSeF actions need the network, the extension and an
 * unlocked vault; vault actions need it unlocked. `actionsBlockedBy` names what is missing, and the
 * screen says it next to the buttons.
 */
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { EnvironmentInfo } from '../../../shared/protocol/messages.ts';
import { COMPANY_TABS, type CompanyTab, formatRoute } from '../../app/route.ts';
import type { AppStringKey, Translate } from '../../app/strings.ts';
import type { Wallet } from '../../app/wallet.ts';
import { Badge } from '../../ui/badge.tsx';
import { TabPanel, Tabs } from '../../ui/tabs.tsx';
import type {
  ActivityView,
  CertificateView,
  PendingView,
  SessionView,
  TokenView,
} from '../../vault/vault-api.ts';
import { COMPANY_STATUS, environmentLabel } from '../companies/companies-panel.tsx';
import { ActivityTab } from './activity-tab.tsx';
import { CertificatesTab } from './certificates-tab.tsx';
import type { CompanyView } from './company-view.ts';
import { GeneralTab } from './general-tab.tsx';
import { migrationProgress } from './migration-progress.ts';
import { SessionsTab } from './sessions-tab.tsx';
import { TokensTab } from './tokens-tab.tsx';

const TAB_LABEL: Readonly<Record<CompanyTab, AppStringKey>> = Object.freeze({
  general: 'tabGeneral',
  certificates: 'tabCertificates',
  tokens: 'tabTokens',
  sessions: 'tabSessions',
  activity: 'tabActivity',
});

export type ActionsBlockedBy = 'offline' | 'extension' | 'locked' | 'not-connected' | null;

const BLOCKED_TEXT: Readonly<Record<Exclude<ActionsBlockedBy, null>, AppStringKey>> = Object.freeze({
  offline: 'needsKsefOffline',
  extension: 'needsExtension',
  locked: 'needsUnlock',
  'not-connected': 'needsVault',
});

/** The company's rows of the vault's lists. */
export type CompanyLists = {
  readonly certificates: readonly CertificateView[];
  readonly tokens: readonly TokenView[];
  readonly sessions: readonly SessionView[];
  readonly pending: readonly PendingView[];
  readonly activity: readonly ActivityView[];
};

const NO_LISTS: CompanyLists = { certificates: [], tokens: [], sessions: [], pending: [], activity: [] };

export function CompanyScreen(props: {
  company: CompanyView;
  lists?: CompanyLists;
  wallet?: Wallet | null;
  environments?: readonly EnvironmentInfo[];
  tab: CompanyTab;
  onTab(tab: CompanyTab): void;
  actionsBlockedBy: ActionsBlockedBy;
  /** Vault-only actions (default, rename) need the vault unlocked, not the network. */
  vaultBlockedBy?: Extract<ActionsBlockedBy, 'locked' | 'not-connected'> | null;
  onEdit?: () => void;
  onRemove?: () => void;
  nowMs: number;
  locale: Locale;
  t: Translate;
}) {
  const { company, t, tab, locale } = props;
  const lists = props.lists ?? NO_LISTS;
  const wallet = props.wallet ?? null;
  const blocked = props.actionsBlockedBy ? t(BLOCKED_TEXT[props.actionsBlockedBy]) : null;
  const vaultBlockedBy =
    props.vaultBlockedBy === undefined ? (wallet ? null : 'not-connected') : props.vaultBlockedBy;
  const vaultBlocked = vaultBlockedBy ? t(BLOCKED_TEXT[vaultBlockedBy]) : null;
  const idPrefix = `company-${company.id}`;
  const status = COMPANY_STATUS[company.status];
  const migration = migrationProgress(lists);
  return (
    <section aria-labelledby="company-heading" data-testid="company" data-company={company.id}>
      <header class="company-header">
        <div>
          <h2 id="company-heading">{company.name}</h2>
          <p class="muted">
            {t('nip')} {company.nip} · {environmentLabel(company.environment, t, props.environments)} ·{' '}
            <Badge tone={status.tone}>{t(status.key)}</Badge>
          </p>
        </div>
        {props.onEdit || props.onRemove ? (
          <div class="actions">
            {props.onEdit ? (
              <button type="button" class="button" disabled={vaultBlocked !== null} onClick={props.onEdit}>
                {t('editCompany')}
              </button>
            ) : null}
            {props.onRemove ? (
              <button
                type="button"
                class="button button--danger"
                disabled={vaultBlocked !== null}
                onClick={props.onRemove}
              >
                {t('removeCompany')}
              </button>
            ) : null}
          </div>
        ) : null}
      </header>
      {blocked ? (
        <p class="notice notice--info" data-testid="actions-blocked" data-reason={props.actionsBlockedBy}>
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
          <GeneralTab
            key={company.id}
            company={company}
            wallet={wallet}
            blocked={blocked}
            migration={migration}
            nowMs={props.nowMs}
            locale={locale}
            t={t}
          />
        ) : null}
        {tab === 'certificates' ? (
          <CertificatesTab
            key={company.id}
            company={company}
            certificates={lists.certificates}
            pending={lists.pending}
            wallet={wallet}
            blocked={blocked}
            vaultBlocked={vaultBlocked}
            locale={locale}
            t={t}
          />
        ) : null}
        {tab === 'tokens' ? (
          <TokensTab
            key={company.id}
            company={company}
            tokens={lists.tokens}
            wallet={wallet}
            blocked={blocked}
            vaultBlocked={vaultBlocked}
            migration={migration}
            nowMs={props.nowMs}
            locale={locale}
            t={t}
          />
        ) : null}
        {tab === 'sessions' ? (
          <SessionsTab
            key={company.id}
            company={company}
            sessions={lists.sessions}
            wallet={wallet}
            blocked={blocked}
            nowMs={props.nowMs}
            locale={locale}
            t={t}
          />
        ) : null}
        {tab === 'activity' ? (
          <ActivityTab
            activity={lists.activity}
            wallet={wallet}
            vaultBlocked={vaultBlocked}
            locale={locale}
            t={t}
          />
        ) : null}
      </TabPanel>
    </section>
  );
}
