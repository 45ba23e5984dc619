/**
 * The wallet window at `#/handoff/<handoffId>`: unlock, choose the company, approve or refuse
 * (docs/wallet-extension-protocol.md §5.2). It shows the exact origin the extension reports (the
 * browser stamped it; the page cannot choose it), the company, the environment and the KSeF
 * permissions the new session carries, and asks for the extra confirmation when they include
 * CredentialsManage, CredentialsRead or SubunitManage (SECURITY.md T7).
 *
 * Passphrases are read from the form when it is submitted and the field is cleared at once: they
 * never sit in component state or in a DOM attribute. No token is ever rendered.
 */
import './handoff.css';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { LOCALES, type Locale } from '../../../shared/i18n/translate.ts';
import type { HandoffView } from '../../../shared/protocol/handoff-messages.ts';
import type { CompanyView } from '../../vault/vault-api.ts';
import { describeHandoffError } from './describe-handoff-error.ts';
import {
  formatCountdown,
  formatDateTime,
  type HandoffTranslate,
  handoffTranslator,
  permissionLabel,
} from './handoff-strings.ts';
import type { HandoffVault } from './handoff-vault.ts';
import { type ExtensionCall, HandoffWindow, type WindowView } from './handoff-window.ts';

export type HandoffScreenProps = {
  readonly handoffId: string;
  readonly vault: HandoffVault;
  readonly call: ExtensionCall;
  readonly locale: Locale;
  readonly onLocale: (l: Locale) => void;
  /** `handoff.cancelled` pushes of the bridge, and its "report my lock state now". */
  readonly onCancelled?: (listener: (handoffId: string) => void) => () => void;
  readonly reportState?: () => Promise<void>;
  readonly now?: () => number;
};

const randomId = () =>
  Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

export function HandoffScreen(props: HandoffScreenProps) {
  const t = useMemo(() => handoffTranslator(props.locale), [props.locale]);
  const now = props.now ?? Date.now;
  const controller = useMemo(
    () =>
      new HandoffWindow(
        {
          call: props.call,
          vault: props.vault,
          now,
          randomId,
          ...(props.reportState ? { reportState: props.reportState } : {}),
        },
        props.handoffId,
      ),
    // One controller per request: a new id is a new request; the other deps are fixed for a window.
    [props.handoffId],
  );
  const [view, setView] = useState<WindowView>(controller.view);

  useEffect(() => {
    const off = controller.subscribe(setView);
    void controller.start();
    const offCancelled = props.onCancelled?.((id) => {
      if (id === props.handoffId) void controller.expire();
    });
    // Closing the window without deciding: the extension cancels the request itself (it sees the
    // window close); a session minted for the dialog is revoked here as far as the page lets us.
    const onHide = () => void controller.dispose();
    window.addEventListener('pagehide', onHide);
    return () => {
      off();
      offCancelled?.();
      window.removeEventListener('pagehide', onHide);
      void controller.dispose();
    };
  }, [controller]);

  useEffect(() => {
    document.title = `${t('windowTitle')} — KSeF Wallet`;
    document.documentElement.lang = props.locale;
  }, [t, props.locale]);

  const request = 'request' in view ? view.request : undefined;
  return (
    <div class="handoff" data-testid="handoff-screen" data-step={view.step}>
      <header class="handoff__bar">
        <img src="/icon.svg" alt="" width={28} height={28} />
        <h1>{t('windowTitle')}</h1>
        <LocaleSelect locale={props.locale} onLocale={props.onLocale} t={t} />
      </header>
      <main class="handoff__main" id="content" tabIndex={-1}>
        {request && view.step !== 'done' ? (
          <RequestSummary request={request} view={view} t={t} now={now} />
        ) : null}
        <Step view={view} controller={controller} t={t} locale={props.locale} now={now} />
      </main>
    </div>
  );
}

function LocaleSelect(props: { locale: Locale; onLocale(l: Locale): void; t: HandoffTranslate }) {
  const { t } = props;
  return (
    <div class="field field--inline handoff__locale">
      <label for="handoff-language">{t('language')}</label>
      <select
        id="handoff-language"
        value={props.locale}
        onChange={(e) => {
          const next = LOCALES.find((l) => l === e.currentTarget.value);
          if (next) props.onLocale(next);
        }}
      >
        <option value="pl" lang="pl">
          {t('languagePolish')}
        </option>
        <option value="en" lang="en">
          {t('languageEnglish')}
        </option>
      </select>
    </div>
  );
}

function useCountdown(expiresAt: number, now: () => number): number {
  const [left, setLeft] = useState(() => expiresAt - now());
  useEffect(() => {
    const timer = setInterval(() => setLeft(expiresAt - now()), 1000);
    return () => clearInterval(timer);
  }, [expiresAt, now]);
  return left;
}

function RequestSummary(props: {
  request: HandoffView;
  view: WindowView;
  t: HandoffTranslate;
  now: () => number;
}) {
  const { request, t } = props;
  const left = useCountdown(request.expiresAt, props.now);
  const company = 'company' in props.view ? (props.view.company as CompanyView | undefined) : undefined;
  const nip = company?.nip ?? request.nip;
  const environment = company?.environment ?? request.environment;
  return (
    <section class="card handoff__request" aria-labelledby="handoff-request-heading">
      <h2 id="handoff-request-heading">{t('requestFrom')}</h2>
      <dl class="handoff__facts">
        <dt>{t('origin')}</dt>
        <dd>
          <code class="handoff__origin" data-testid="handoff-origin">
            {request.origin}
          </code>
        </dd>
        {company ? (
          <>
            <dt>{t('company')}</dt>
            <dd data-testid="handoff-company">{company.name}</dd>
          </>
        ) : null}
        {nip ? (
          <>
            <dt>{t('nip')}</dt>
            <dd data-testid="handoff-nip">{nip}</dd>
          </>
        ) : null}
        {environment ? (
          <>
            <dt>{t('environment')}</dt>
            <dd data-testid="handoff-environment">{environment}</dd>
          </>
        ) : null}
        <dt>{t('trigger')}</dt>
        <dd>{request.trigger === 'popup' ? t('triggerPopup') : t('triggerButton')}</dd>
      </dl>
      <p class="muted small" role="timer" aria-live="off">
        {t('timeLeft', { time: formatCountdown(left) })}
      </p>
    </section>
  );
}

/** Reads and clears a password field of a submitted form. */
function takePassphrase(form: HTMLFormElement, name: string): string {
  const input = form.elements.namedItem(name) as HTMLInputElement | null;
  const value = input?.value ?? '';
  if (input) input.value = '';
  return value;
}

function Step(props: {
  view: WindowView;
  controller: HandoffWindow;
  t: HandoffTranslate;
  locale: Locale;
  now: () => number;
}) {
  const { view, controller, t, locale } = props;
  switch (view.step) {
    case 'loading':
      return <p role="status">{t('loading')}</p>;
    case 'unavailable': {
      const text =
        view.reason === 'not-found'
          ? t('notFound')
          : view.reason === 'extension-missing'
            ? t('extensionMissing')
            : view.reason === 'vault-absent'
              ? t('vaultAbsent')
              : t('vaultUnavailable');
      return (
        <div class="stack">
          <div
            class="notice notice--warn"
            role="alert"
            data-testid="handoff-unavailable"
            data-reason={view.reason}
          >
            <p>{text}</p>
          </div>
          <CloseButton t={t} />
        </div>
      );
    }
    case 'unlock':
      return <UnlockForm view={view} controller={controller} t={t} />;
    case 'choose-company':
      return <ChooseCompany companies={view.companies} controller={controller} t={t} />;
    case 'company-missing':
      return (
        <div class="stack">
          <div class="notice notice--warn" role="alert" data-testid="handoff-company-missing">
            <p>
              {t('companyMissing', {
                nip: view.request.nip ?? '',
                environment: view.request.environment ?? '',
              })}
            </p>
          </div>
          <div class="actions">
            <button
              type="button"
              class="button"
              data-testid="refuse"
              onClick={() => void controller.refuse()}
            >
              {t('refuse')}
            </button>
            <button type="button" class="button" onClick={() => void controller.cancel()}>
              {t('cancel')}
            </button>
          </div>
        </div>
      );
    case 'minting':
    case 'handing-off':
      return (
        <div class="notice notice--info" role="status" data-testid="handoff-progress">
          <p>{view.step === 'minting' ? t('minting') : t('handingOff')}</p>
          {view.step === 'minting' ? <p class="small">{t('mintingExplain')}</p> : null}
        </div>
      );
    case 'approve':
      return <ApprovalForm view={view} controller={controller} t={t} locale={locale} />;
    case 'done': {
      const origin = view.request.origin;
      const key =
        view.outcome === 'delivered'
          ? 'doneDelivered'
          : view.outcome === 'not-delivered'
            ? 'doneNotDelivered'
            : view.outcome === 'not-delivered-pending'
              ? 'doneNotDeliveredPending'
              : view.outcome === 'refused'
                ? 'doneRefused'
                : view.outcome === 'cancelled'
                  ? 'doneCancelled'
                  : 'doneExpired';
      return (
        <div class="stack">
          <div
            class={`notice ${view.outcome === 'delivered' ? 'notice--ok' : 'notice--info'}`}
            role="status"
            data-testid="handoff-done"
            data-outcome={view.outcome}
          >
            <p>{t(key, { origin })}</p>
          </div>
          <CloseButton t={t} />
        </div>
      );
    }
    case 'failed':
      return (
        <div class="stack">
          <div
            class="notice notice--danger"
            role="alert"
            data-testid="handoff-failed"
            data-code={view.error.code}
          >
            <p>{t('failed', { reason: describeHandoffError(view.error, t, locale, view.company?.name) })}</p>
          </div>
          <CloseButton t={t} />
        </div>
      );
  }
}

function CloseButton(props: { t: HandoffTranslate }) {
  return (
    <p>
      <button type="button" class="button" onClick={() => window.close()}>
        {props.t('closeWindow')}
      </button>
    </p>
  );
}

function UnlockForm(props: {
  view: Extract<WindowView, { step: 'unlock' }>;
  controller: HandoffWindow;
  t: HandoffTranslate;
}) {
  const { view, controller, t } = props;
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!view.busy) input.current?.focus();
  }, [view.busy, view.error]);
  const error =
    view.error === 'wrong-passphrase'
      ? t('wrongPassphrase')
      : view.error === 'passphrase-required'
        ? t('passphraseRequired')
        : view.error === 'failed'
          ? t('vaultUnavailable')
          : null;
  return (
    <form
      class="card stack"
      data-testid="handoff-unlock"
      aria-labelledby="handoff-unlock-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void controller.unlock(takePassphrase(e.currentTarget, 'passphrase'));
      }}
    >
      <h2 id="handoff-unlock-heading">{t('unlockTitle')}</h2>
      <p>{t('unlockExplain')}</p>
      <div class="field">
        <label for="handoff-passphrase">{t('passphrase')}</label>
        <input
          ref={input}
          id="handoff-passphrase"
          name="passphrase"
          type="password"
          autoComplete="current-password"
          disabled={view.busy}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'handoff-unlock-error' : undefined}
        />
        {error ? (
          <p id="handoff-unlock-error" class="field__error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
      <div class="actions">
        <button type="submit" class="button button--primary" disabled={view.busy} data-testid="unlock">
          {view.busy ? t('unlocking') : t('unlock')}
        </button>
        <button type="button" class="button" disabled={view.busy} onClick={() => void controller.cancel()}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

function ChooseCompany(props: {
  companies: readonly CompanyView[];
  controller: HandoffWindow;
  t: HandoffTranslate;
}) {
  const { companies, controller, t } = props;
  const [chosen, setChosen] = useState(companies.length === 1 ? companies[0]!.id : '');
  if (companies.length === 0)
    return (
      <div class="stack">
        <div class="notice notice--warn" role="alert">
          <p>{t('noCompanies')}</p>
        </div>
        <button type="button" class="button" onClick={() => void controller.cancel()}>
          {t('cancel')}
        </button>
      </div>
    );
  return (
    <form
      class="card stack"
      data-testid="handoff-choose-company"
      onSubmit={(e) => {
        e.preventDefault();
        if (chosen) void controller.chooseCompany(chosen);
      }}
    >
      <fieldset>
        <legend>{t('chooseCompanyTitle')}</legend>
        <p class="small">{t('chooseCompanyExplain')}</p>
        {companies.map((c) => (
          <label class="choice" key={c.id}>
            <input
              type="radio"
              name="company"
              value={c.id}
              checked={chosen === c.id}
              onChange={() => setChosen(c.id)}
            />{' '}
            {c.name} — {t('nip')} {c.nip} ({c.environment})
          </label>
        ))}
      </fieldset>
      <div class="actions">
        <button type="submit" class="button button--primary" disabled={!chosen} data-testid="choose-company">
          {t('chooseCompany')}
        </button>
        <button type="button" class="button" data-testid="refuse" onClick={() => void controller.refuse()}>
          {t('refuse')}
        </button>
      </div>
    </form>
  );
}

function ApprovalForm(props: {
  view: Extract<WindowView, { step: 'approve' }>;
  controller: HandoffWindow;
  t: HandoffTranslate;
  locale: Locale;
}) {
  const { view, controller, t, locale } = props;
  const [confirmed, setConfirmed] = useState(false);
  const [addresses, setAddresses] = useState('');
  const grantRef = useRef<'access-only' | 'with-refresh'>('access-only');
  const credentialPermissions = view.permissions.filter((p) =>
    ['CredentialsManage', 'CredentialsRead', 'SubunitManage'].includes(p),
  );
  const error =
    view.error === 'passphrase-required'
      ? t('passphraseRequired')
      : view.error === 'wrong-passphrase'
        ? t('wrongPassphrase')
        : view.error === 'confirm-credentials'
          ? t('credentialConfirmNeeded')
          : view.error === 'addresses'
            ? t('egressInvalid', { max: view.maxAddresses })
            : null;
  return (
    <form
      class="card stack"
      data-testid="handoff-approval"
      aria-labelledby="handoff-approval-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void controller.approve({
          grant: grantRef.current,
          passphrase: takePassphrase(e.currentTarget, 'approve-passphrase'),
          credentialsConfirmed: confirmed,
          erpAddresses: addresses,
        });
      }}
    >
      <h2 id="handoff-approval-heading">{t('approvalTitle')}</h2>
      <p class="small">{t('requestExplain')}</p>
      <section aria-labelledby="handoff-permissions-heading">
        <h3 id="handoff-permissions-heading">{t('permissions')}</h3>
        {view.permissions.length === 0 ? (
          <p>{t('permissionsNone')}</p>
        ) : (
          <ul class="handoff__permissions" data-testid="handoff-permissions">
            {view.permissions.map((p) => (
              <li key={p} data-permission={p}>
                {permissionLabel(t, p)} <code>{p}</code>
              </li>
            ))}
          </ul>
        )}
        <p class="small">
          {t('validUntil')}: {formatDateTime(locale, view.accessTokenValidUntil)}
        </p>
      </section>
      {view.needsConfirmation ? (
        <div class="notice notice--danger" role="note" data-testid="handoff-credential-warning">
          <p class="notice__title">{t('credentialWarningTitle')}</p>
          <p>{t('credentialWarning', { permissions: credentialPermissions.join(', ') })}</p>
          <label class="choice">
            <input
              type="checkbox"
              data-testid="confirm-credentials"
              checked={confirmed}
              onChange={(e) => setConfirmed(e.currentTarget.checked)}
            />{' '}
            {t('credentialConfirm')}
          </label>
        </div>
      ) : null}
      <div class="field">
        <label for="handoff-egress">{t('egressLabel')}</label>
        <input
          id="handoff-egress"
          name="egress"
          inputMode="text"
          autoComplete="off"
          spellcheck={false}
          value={addresses}
          onInput={(e) => setAddresses(e.currentTarget.value)}
          aria-describedby="handoff-egress-hint"
        />
        <p id="handoff-egress-hint" class="field__hint">
          {t('egressHint')}
        </p>
      </div>
      <div class="field">
        <label for="handoff-approve-passphrase">{t('approvePassphrase')}</label>
        <input
          id="handoff-approve-passphrase"
          name="approve-passphrase"
          type="password"
          autoComplete="current-password"
          disabled={view.busy}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'handoff-approve-error' : undefined}
        />
      </div>
      {error ? (
        <p id="handoff-approve-error" class="field__error" role="alert" data-testid="handoff-approve-error">
          {error}
        </p>
      ) : null}
      <ul class="small handoff__explain">
        <li>{t('accessOnlyExplain')}</li>
        {view.request.wantRefresh ? <li>{t('withRefreshExplain')}</li> : null}
        <li>{t('refuseExplain')}</li>
      </ul>
      <div class="actions">
        <button
          type="submit"
          class="button button--primary"
          data-testid="approve-access-only"
          disabled={view.busy || (view.needsConfirmation && !confirmed)}
          onClick={() => {
            grantRef.current = 'access-only';
          }}
        >
          {t('approveAccessOnly')}
        </button>
        {view.request.wantRefresh ? (
          <button
            type="submit"
            class="button"
            data-testid="approve-with-refresh"
            disabled={view.busy || (view.needsConfirmation && !confirmed)}
            onClick={() => {
              grantRef.current = 'with-refresh';
            }}
          >
            {t('approveWithRefresh')}
          </button>
        ) : null}
        <button
          type="button"
          class="button"
          data-testid="refuse"
          disabled={view.busy}
          onClick={() => void controller.refuse()}
        >
          {t('refuse')}
        </button>
      </div>
    </form>
  );
}
