/**
 * The extension popup: the wallet's companies and their credentials from the non-secret status
 * snapshot (readable offline and while the vault is locked), and, for the active tab, the site's
 * state — "Enable on this site" (the optional host permission is asked for at that click), the
 * approvals it has, and one-click "Log in to KSeF" for the chosen company. Approvals, unlock and
 * refresh grants happen in the wallet window, never here or in the page (SECURITY.md T8).
 */
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { createTranslator } from '../../shared/i18n/translate.ts';
import { makeEnvelope, parseReply } from '../../shared/protocol/envelope.ts';
import { originMatchPattern } from '../../shared/protocol/erp-origin.ts';
import type { MessageKind, Payloads, Replies } from '../../shared/protocol/messages.ts';
import type { SnapshotCompany } from '../../shared/protocol/status-snapshot.ts';
import type { Result } from '../../shared/result.ts';
import { BUILD } from '../config/build-config.ts';
import { extensionDb } from '../storage/extension-db.ts';
import { describeCredential, formatDate } from './popup/credential-status.ts';
import { type ActiveTab, loadPopupState, type PopupState } from './popup/load-popup-state.ts';
import { browserLocale, EXTENSION_STRINGS } from './strings.ts';

const db = extensionDb();
const locale = browserLocale();
const t = createTranslator(EXTENSION_STRINGS, locale);

async function call<K extends MessageKind>(kind: K, payload: Payloads[K]): Promise<Result<Replies[K]>> {
  const id = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  return parseReply<K>(await browser.runtime.sendMessage(makeEnvelope(kind, payload, id)), id);
}

const companyKey = (c: { nip: string; environment: string }) => `${c.environment}|${c.nip}`;

export function PopupPage() {
  const [state, setState] = useState<PopupState | null>(null);
  const reload = async () => setState(await loadPopupState(db));
  useEffect(() => {
    void reload();
  }, []);
  const now = Date.now();

  return (
    <main data-testid="popup" data-ready={state ? 'true' : 'false'}>
      <h1>{t('popupTitle')}</h1>
      {state?.lock ? (
        <span class="lock" data-testid="lock-state" data-locked={String(state.lock.locked)}>
          {state.lock.locked || state.lock.unlockedUntil === null
            ? t('walletLocked')
            : t('walletUnlocked', { time: formatDate(state.lock.unlockedUntil, locale, true) })}
        </span>
      ) : (
        <span class="lock" data-testid="lock-state" data-locked="true">
          {t('walletLocked')}
        </span>
      )}
      {state?.tab ? (
        <SiteSection tab={state.tab} companies={state.snapshot?.snapshot.companies ?? []} onChange={reload} />
      ) : null}
      <section aria-labelledby="companies-title" data-testid="companies">
        <h2 id="companies-title">{t('companies')}</h2>
        {!state ? null : !state.snapshot ? (
          <p class="muted">{t('noSnapshot')}</p>
        ) : (
          <>
            <p class="muted" data-testid="snapshot-age">
              {t('snapshotAge', { date: formatDate(state.snapshot.snapshot.publishedAt, locale, true) })}
            </p>
            {state.snapshot.snapshot.companies.length === 0 ? <p class="muted">{t('noCompanies')}</p> : null}
            <ul class="companies">
              {state.snapshot.snapshot.companies.map((c) => (
                <CompanyItem key={companyKey(c)} company={c} now={now} />
              ))}
            </ul>
          </>
        )}
      </section>
      <footer>
        <button
          type="button"
          class="primary"
          onClick={() => void browser.tabs.create({ url: `${BUILD.pwaOrigin}/` })}
        >
          {t('openWallet')}
        </button>
        <button type="button" onClick={() => void browser.runtime.openOptionsPage()}>
          {t('options')}
        </button>
      </footer>
    </main>
  );
}

function CompanyItem({ company, now }: { company: SnapshotCompany; now: number }) {
  return (
    <li data-testid="company" data-nip={company.nip} data-environment={company.environment}>
      <div class="company-name">{company.name}</div>
      <div class="muted">
        NIP {company.nip} · {company.environment}
        {company.lastLoginAt !== undefined
          ? ` · ${t('lastLogin', { date: formatDate(company.lastLoginAt, locale, true) })}`
          : ''}
      </div>
      {company.credentials.length === 0 ? (
        <p class="muted">{t('noCredentials')}</p>
      ) : (
        <ul class="credentials">
          {company.credentials.map((cred, i) => {
            const d = describeCredential(cred, now, locale, t);
            return (
              <li key={i} data-testid="credential" data-tone={d.tone} data-status={cred.status}>
                {d.kind} {t('quoted', { text: cred.label })} — <span class="status">{d.status}</span>
                {d.details.length ? `, ${d.details.join(', ')}` : ''}
              </li>
            );
          })}
        </ul>
      )}
    </li>
  );
}

function SiteSection(props: {
  tab: ActiveTab;
  companies: readonly SnapshotCompany[];
  onChange: () => Promise<void>;
}) {
  const { tab, companies } = props;
  const [message, setMessage] = useState<{ kind: 'status' | 'alert'; text: string } | null>(null);
  const approvedKeys = new Set(tab.approvals.map(companyKey));
  const wanted = tab.page?.want;
  const initial =
    companies.find(
      (c) => wanted?.nip === c.nip && (!wanted.environment || wanted.environment === c.environment),
    ) ??
    companies.find((c) => approvedKeys.has(companyKey(c))) ??
    companies[0];
  const [chosen, setChosen] = useState<string>(initial ? companyKey(initial) : '');

  if (tab.origin === null)
    return (
      <section aria-labelledby="site-title" data-testid="site" data-state="not-a-site">
        <h2 id="site-title">{t('thisSite')}</h2>
        <p class="muted">{t('notAWebPage')}</p>
      </section>
    );
  const origin = tab.origin;

  async function enable() {
    setMessage(null);
    // Asked during the click, for this exact origin only; in development builds loopback is
    // already granted at install, so Chrome answers at once.
    const granted = await browser.permissions
      .request({ origins: [originMatchPattern(origin)] })
      .catch(() => false);
    if (!granted) return setMessage({ kind: 'alert', text: t('permissionRefused') });
    const r = await call('erp.enable', { origin, tabId: tab.tabId });
    if (!r.ok) return setMessage({ kind: 'alert', text: t('enableFailed') });
    await props.onChange();
  }

  async function disable() {
    setMessage(null);
    await call('erp.disable', { origin });
    await props.onChange();
  }

  async function logIn() {
    const company = companies.find((c) => companyKey(c) === chosen);
    if (!company) return;
    const r = await call('popup.login', {
      tabId: tab.tabId,
      nip: company.nip,
      environment: company.environment,
    });
    if (!r.ok) return setMessage({ kind: 'alert', text: t('loginFailed', { code: r.error.code }) });
    setMessage(
      r.value.pageReady
        ? { kind: 'status', text: t('loginStarted') }
        : { kind: 'alert', text: t('pageNotReady') },
    );
  }

  return (
    <section
      aria-labelledby="site-title"
      data-testid="site"
      data-state={tab.enabled ? 'enabled' : 'disabled'}
      data-origin={origin}
    >
      <h2 id="site-title">{t('thisSite')}</h2>
      {!tab.enabled ? (
        <>
          <p>{t('siteDisabled', { origin })}</p>
          <div class="row">
            <button type="button" class="primary" data-testid="enable-site" onClick={() => void enable()}>
              {t('enableSite')}
            </button>
          </div>
        </>
      ) : (
        <>
          <p>{t('siteEnabled', { origin })}</p>
          {tab.approvals.length ? (
            <ul class="muted" data-testid="approvals">
              {tab.approvals.map((a) => (
                <li key={companyKey(a)}>
                  {t('approvedFor', {
                    company: companies.find((c) => companyKey(c) === companyKey(a))?.name ?? `NIP ${a.nip}`,
                    grant: t(a.grant === 'with-refresh' ? 'grantWithRefresh' : 'grantAccessOnly'),
                  })}
                </li>
              ))}
            </ul>
          ) : null}
          {tab.page && !tab.page.ready ? <p class="muted">{t('pageNotReady')}</p> : null}
          {companies.length === 0 ? (
            <p class="muted">{t('noCompanyToLogIn')}</p>
          ) : (
            <div class="row">
              <label>
                {t('chooseCompany')}{' '}
                <select
                  data-testid="company-choice"
                  value={chosen}
                  onChange={(e) => setChosen(e.currentTarget.value)}
                >
                  {companies.map((c) => (
                    <option key={companyKey(c)} value={companyKey(c)}>
                      {c.name} ({c.nip}, {c.environment})
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                class="primary"
                data-testid="log-in"
                disabled={!tab.page?.ready}
                onClick={() => void logIn()}
              >
                {t('logIn')}
              </button>
            </div>
          )}
          <div class="row">
            <button type="button" data-testid="disable-site" onClick={() => void disable()}>
              {t('disableSite')}
            </button>
          </div>
        </>
      )}
      {message ? (
        <p role={message.kind} data-testid="site-message">
          {message.text}
        </p>
      ) : null}
    </section>
  );
}
