/**
 * The app shell: top bar (title, navigation, language, offline state), the companies panel on the
 * left, and the routed screen in <main>. Routing is by hash so that every screen works offline.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createTranslator, type Locale } from '../../shared/i18n/translate.ts';
import { needsAttention } from '../features/attention/needs-attention.ts';
import { CompaniesPanel } from '../features/companies/companies-panel.tsx';
import { type ActionsBlockedBy, CompanyScreen } from '../features/company/company-screen.tsx';
import type { CompanyView } from '../features/company/company-view.ts';
import { useExtensionStatus } from '../features/extension-status/use-extension-status.ts';
import { OfflineBanner } from '../features/offline/offline-indicator.tsx';
import { useOnlineStatus } from '../features/offline/use-online-status.ts';
import { LanguageSelect, SettingsScreen } from '../features/settings/settings-screen.tsx';
import { StartScreen } from '../features/start/start-screen.tsx';
import { TOKEN_SUNSET_POLICY } from '../features/token-sunset/token-sunset-policy.ts';
import { createExtensionLink } from '../platform/extension-link.ts';
import { loadLocale, saveLocale } from './locale.ts';
import { formatRoute, parseRoute, type Route } from './route.ts';
import { APP_STRINGS, type Translate } from './strings.ts';

function useHashRoute(): Route {
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

export function App() {
  const [locale, setLocale] = useState<Locale>(loadLocale);
  const t: Translate = useMemo(() => createTranslator(APP_STRINGS, locale), [locale]);
  const link = useMemo(() => createExtensionLink(), []);
  const extension = useExtensionStatus(link);
  const online = useOnlineStatus();
  const route = useHashRoute();
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const changeLocale = (next: Locale) => {
    saveLocale(next);
    setLocale(next);
  };

  // The vault (companies and credentials) is not part of this build yet: the panel and the summary
  // read its clear metadata once it exists; until then there is nothing stored to show.
  const vaultAvailable = false;
  const companies: readonly CompanyView[] = [];
  const nowMs = Date.now();
  const attention = needsAttention(companies, nowMs, TOKEN_SUNSET_POLICY);
  const company = route.screen === 'company' ? companies.find((c) => c.id === route.companyId) : undefined;
  const blockedBy: ActionsBlockedBy = !online
    ? 'offline'
    : extension.status.kind !== 'connected'
      ? 'extension'
      : vaultAvailable
        ? null
        : 'not-connected';

  const screenTitle = route.screen === 'settings' ? t('settings') : company ? company.name : t('startTitle');
  useEffect(() => {
    document.title = `${screenTitle} — ${t('appTitle')}`;
  }, [screenTitle, t]);

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
          companies={companies}
          selectedId={route.screen === 'company' ? route.companyId : null}
          vaultAvailable={vaultAvailable}
          t={t}
        />
        <main id="content" ref={main} tabIndex={-1} class="content">
          {route.screen === 'company' && company ? (
            <CompanyScreen
              company={company}
              tab={route.tab}
              onTab={(tab) => {
                location.hash = formatRoute({ screen: 'company', companyId: company.id, tab });
              }}
              actionsBlockedBy={blockedBy}
              nowMs={nowMs}
              locale={locale}
              t={t}
            />
          ) : route.screen === 'settings' ? (
            <SettingsScreen locale={locale} onLocale={changeLocale} vaultAvailable={vaultAvailable} t={t} />
          ) : (
            <StartScreen
              attention={attention}
              extension={extension.status}
              recheckExtension={extension.recheck}
              locale={locale}
              t={t}
            />
          )}
        </main>
      </div>
    </div>
  );
}
