/**
 * The app shell: top bar (title, navigation, lock state, language, offline state), the companies
 * panel on the left, and the routed screen in <main>. Routing is by hash so that every screen works
 * offline. The vault's clear metadata (companies, credentials, sessions, activity) is shown locked
 * and offline too; actions say what they wait for (the network, the extension, the unlock).
 *
 * At start and after every unlock the wallet resumes pending work (a token to activate, a
 * certificate to retrieve) and says what it finished.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createTranslator, type Locale } from '../../shared/i18n/translate.ts';
import { needsAttention } from '../features/attention/needs-attention.ts';
import { CompaniesPanel } from '../features/companies/companies-panel.tsx';
import { CompanyFormDialog } from '../features/companies/company-form-dialog.tsx';
import { RemoveCompanyDialog } from '../features/companies/remove-company-dialog.tsx';
import type { ActionsBlockedBy } from '../features/company/company-screen.tsx';
import { buildCompanyView } from '../features/company/company-view.ts';
import { useExtensionStatus } from '../features/extension-status/use-extension-status.ts';
import { useHandoffBridge } from '../features/handoff/use-handoff-bridge.ts';
import { OfflineBanner } from '../features/offline/offline-indicator.tsx';
import { useOnlineStatus } from '../features/offline/use-online-status.ts';
import { resumePendingWork, somethingResumed } from '../features/pending/resume-pending-work.ts';
import { ResumedNotice } from '../features/pending/resumed-notice.tsx';
import { lockWallet } from '../features/settings/lock-wallet.ts';
import { LanguageSelect, SettingsScreen } from '../features/settings/settings-screen.tsx';
import { StartScreen } from '../features/start/start-screen.tsx';
import { TOKEN_SUNSET_POLICY } from '../features/token-sunset/token-sunset-policy.ts';
import { CreateVaultScreen } from '../features/vault-setup/create-vault-screen.tsx';
import { UnlockForm } from '../features/vault-setup/unlock-form.tsx';
import type { ResumeReport } from '../flows/flow-api.ts';
import type { ExtensionLink } from '../platform/extension-link.ts';
import { lazyComponent } from '../ui/lazy.tsx';
import type { CompanyView as CompanyRow } from '../vault/vault-api.ts';
import { loadLocale, saveLocale } from './locale.ts';
import { takeLastLockReason, type WalletConnection } from './open-wallet.ts';
import { formatRoute, parseRoute, type Route } from './route.ts';
import { APP_STRINGS, type Translate } from './strings.ts';
import { useWalletData } from './use-wallet-data.ts';
import type { Wallet } from './wallet.ts';

function useHashRoute(): Route {
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

/** The clock of the screens (expiry warnings, badges): once a minute is enough. */
function useNow(everyMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** The company screen (five tabs, the KSeF client's messages) loads on first use. */
const CompanyScreen = lazyComponent(
  () => import('../features/company/company-screen.tsx').then((m) => m.CompanyScreen),
  (p) => <p role="status">{p.t('working')}</p>,
);

/** The hand-off window and the ERP sites section of Settings (features/handoff) load when shown. */
const HandoffScreen = lazyComponent(() =>
  import('../features/handoff/handoff-screen.tsx').then((m) => m.HandoffScreen),
);
const ErpSitesSection = lazyComponent(() =>
  import('../features/handoff/erp-sites-section.tsx').then((m) => m.ErpSitesSection),
);

type CompanyDialog =
  | { readonly mode: 'add' }
  | { readonly mode: 'edit' | 'remove'; readonly company: CompanyRow };

export function App(props: { link: ExtensionLink; connection: WalletConnection }) {
  const [locale, setLocale] = useState<Locale>(loadLocale);
  const t: Translate = useMemo(() => createTranslator(APP_STRINGS, locale), [locale]);
  const { link, connection } = props;
  // The ERP hand-off: Port, state heartbeat, pushes, snapshot, sweep, refreshes (every window).
  const handoff = useHandoffBridge(connection, link);
  const extension = useExtensionStatus(link);
  const online = useOnlineStatus();
  const route = useHashRoute();
  const main = useRef<HTMLElement>(null);
  const nowMs = useNow();
  const data = useWalletData(connection.vault, connection.subscribe);
  const [dialog, setDialog] = useState<CompanyDialog | null>(null);
  const [resumed, setResumed] = useState<ResumeReport | null>(null);
  const [lastLock] = useState(takeLastLockReason);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const changeLocale = (next: Locale) => {
    saveLocale(next);
    setLocale(next);
  };

  const state = data.status?.state ?? null;
  const unlocked = state === 'unlocked';
  const wallet: Wallet = useMemo(() => ({ vault: connection.vault, flows: connection.flows }), [connection]);
  const environments = extension.status.kind === 'connected' ? extension.status.environments : [];
  const lists = data.lists;
  const views = useMemo(() => lists.companies.map((c) => buildCompanyView(c, lists, nowMs)), [lists, nowMs]);
  const attention = needsAttention(views, nowMs, TOKEN_SUNSET_POLICY);
  const company = route.screen === 'company' ? views.find((c) => c.id === route.companyId) : undefined;
  const row = company ? lists.companies.find((c) => c.id === company.id) : undefined;
  const vaultBlockedBy: Extract<ActionsBlockedBy, 'locked' | 'not-connected'> | null =
    state === 'absent' || state === null ? 'not-connected' : unlocked ? null : 'locked';
  const blockedBy: ActionsBlockedBy = !online
    ? 'offline'
    : extension.status.kind !== 'connected'
      ? 'extension'
      : vaultBlockedBy;

  // Resume pending work once per unlock (at start, or right after the unlock), when KSeF can be
  // reached. Only what was pending then: work started later in this session is the flows' own.
  const resumedFor = useRef<number | undefined>(undefined);
  const canResume = unlocked && blockedBy === null;
  const unlockedAt = data.status?.unlockedAt;
  const pendingCount = lists.pending.length;
  useEffect(() => {
    if (!canResume || resumedFor.current === unlockedAt) return;
    resumedFor.current = unlockedAt;
    if (pendingCount === 0) return;
    void resumePendingWork(wallet).then(
      (r) => {
        if (r.ok && somethingResumed(r.value)) setResumed(r.value);
      },
      () => {},
    );
  }, [canResume, wallet, pendingCount, unlockedAt]);

  const screenTitle =
    route.screen === 'settings'
      ? t('settings')
      : company
        ? company.name
        : state === 'absent'
          ? t('welcomeTitle')
          : t('startTitle');
  useEffect(() => {
    document.title = `${screenTitle} — ${t('appTitle')}`;
  }, [screenTitle, t]);

  const goToCompany = useCallback((companyId: string) => {
    location.hash = formatRoute({ screen: 'company', companyId, tab: 'general' });
  }, []);

  // The window the extension opens for one ERP hand-off: unlock, choose, approve — nothing else.
  if (route.screen === 'handoff')
    return (
      <HandoffScreen
        handoffId={route.handoffId}
        vault={handoff.vault}
        call={link.call}
        locale={locale}
        onLocale={changeLocale}
        onCancelled={handoff.bridge.onCancelled}
        reportState={handoff.bridge.reportState}
      />
    );

  return (
    <div class="shell">
      <button
        type="button"
        class="skip-link"
        onClick={() => {
          main.current?.focus();
        }}
      >
        {t('skipToContent')}
      </button>
      <header class="topbar">
        <div class="topbar__brand">
          <img src="/icon.svg" alt="" width={32} height={32} />
          <div>
            <h1>{t('appTitle')}</h1>
            <p class="topbar__tagline">{t('tagline')}</p>
          </div>
        </div>
        <nav aria-label={t('mainNavigation')} class="topbar__nav">
          <a href="#/" aria-current={route.screen === 'start' ? 'page' : undefined}>
            {t('navStart')}
          </a>
          <a href="#/settings" aria-current={route.screen === 'settings' ? 'page' : undefined}>
            {t('navSettings')}
          </a>
        </nav>
        <div class="topbar__tools">
          {state === 'unlocked' || state === 'locked' ? (
            <span class={`lock-state lock-state--${state}`} data-testid="lock-state" data-state={state}>
              {state === 'unlocked' ? t('statusUnlocked') : t('statusLocked')}
            </span>
          ) : null}
          {unlocked ? (
            <button type="button" class="button" onClick={() => void lockWallet(connection.vault, 'user')}>
              {t('lock')}
            </button>
          ) : null}
          <span
            class={`net-state net-state--${online ? 'online' : 'offline'}`}
            role="status"
            data-testid="network-state"
            data-state={online ? 'online' : 'offline'}
          >
            {online ? t('online') : t('offline')}
          </span>
          <LanguageSelect id="topbar-language" locale={locale} onChange={changeLocale} t={t} />
        </div>
      </header>
      <OfflineBanner online={online} t={t} />
      <div class="layout">
        <CompaniesPanel
          companies={views}
          selectedId={route.screen === 'company' ? route.companyId : null}
          environments={environments}
          addBlockedBy={unlocked ? null : state === 'absent' ? t('needsVault') : t('needsUnlock')}
          onAdd={() => setDialog({ mode: 'add' })}
          t={t}
        />
        <main id="content" ref={main} tabIndex={-1} class="content">
          {data.unavailable ? (
            <p class="notice notice--danger" role="alert">
              {t('vaultUnavailable')}
            </p>
          ) : (
            <div class="stack">
              {state === 'locked' ? (
                <UnlockForm
                  vault={connection.vault}
                  {...(data.status?.lastLockReason || lastLock
                    ? { lastLockReason: data.status?.lastLockReason ?? lastLock }
                    : {})}
                  locale={locale}
                  t={t}
                />
              ) : null}
              {route.screen === 'company' && company ? (
                <CompanyScreen
                  company={company}
                  lists={{
                    certificates: lists.certificates.filter((c) => c.companyId === company.id),
                    tokens: lists.tokens.filter((x) => x.companyId === company.id),
                    sessions: lists.sessions.filter((s) => s.companyId === company.id),
                    pending: lists.pending.filter((p) => p.companyId === company.id),
                    activity: lists.activity.filter((a) => a.companyId === company.id),
                  }}
                  wallet={wallet}
                  environments={environments}
                  tab={route.tab}
                  onTab={(tab) => {
                    location.hash = formatRoute({ screen: 'company', companyId: company.id, tab });
                  }}
                  actionsBlockedBy={blockedBy}
                  vaultBlockedBy={vaultBlockedBy}
                  {...(row
                    ? {
                        onEdit: () => setDialog({ mode: 'edit', company: row }),
                        onRemove: () => setDialog({ mode: 'remove', company: row }),
                      }
                    : {})}
                  nowMs={nowMs}
                  locale={locale}
                  t={t}
                />
              ) : route.screen === 'settings' ? (
                <SettingsScreen
                  locale={locale}
                  onLocale={changeLocale}
                  vault={connection.vault}
                  status={data.status}
                  companies={lists.companies}
                  t={t}
                >
                  <ErpSitesSection
                    vault={handoff.vault}
                    listActivity={connection.vault.listActivity}
                    call={link.call}
                    locale={locale}
                    sweep={handoff.bridge.sweep}
                    subscribe={handoff.subscribe}
                  />
                </SettingsScreen>
              ) : (
                <StartScreen
                  attention={attention}
                  extension={extension.status}
                  recheckExtension={extension.recheck}
                  locale={locale}
                  t={t}
                >
                  {state === 'absent' ? (
                    <CreateVaultScreen vault={connection.vault} locale={locale} t={t} />
                  ) : null}
                  {resumed ? <ResumedNotice report={resumed} t={t} /> : null}
                  {pendingCount > 0 && !resumed ? (
                    <p class="notice notice--info" data-testid="pending-work">
                      {t('pendingWorkWaiting', { n: pendingCount })}
                    </p>
                  ) : null}
                </StartScreen>
              )}
            </div>
          )}
        </main>
      </div>
      <CompanyFormDialog
        open={dialog?.mode === 'add' || dialog?.mode === 'edit'}
        {...(dialog && dialog.mode === 'edit' ? { company: dialog.company } : {})}
        environments={environments}
        vault={connection.vault}
        onClose={() => setDialog(null)}
        onSaved={(c) => {
          const added = dialog?.mode === 'add';
          setDialog(null);
          if (added) goToCompany(c.id);
        }}
        locale={locale}
        t={t}
      />
      <RemoveCompanyDialog
        company={dialog?.mode === 'remove' ? dialog.company : null}
        counts={
          dialog?.mode === 'remove'
            ? {
                certificates: lists.certificates.filter((c) => c.companyId === dialog.company.id).length,
                tokens: lists.tokens.filter((x) => x.companyId === dialog.company.id).length,
              }
            : { certificates: 0, tokens: 0 }
        }
        vault={connection.vault}
        onClose={() => setDialog(null)}
        onRemoved={() => {
          setDialog(null);
          location.hash = formatRoute({ screen: 'start' });
        }}
        locale={locale}
        t={t}
      />
    </div>
  );
}
