/**
 * Texts of the session hand-off: the wallet window that unlocks and approves (`#/handoff/<id>`)
 * and the "ERP sites" section of Settings. Polish first (the default locale), English second. The
 * three choices are the contract's own words (docs/wallet-extension-protocol.md §5.2):
 * „Tylko token dostępowy” / „Z tokenem odświeżającym” / „Odmów”. Plain text only: values are
 * rendered as text nodes, never as markup (an origin or a company name is data, not HTML).
 */
import { createTranslator, type Dictionary, type Locale } from '../../../shared/i18n/translate.ts';

const pl = {
  language: 'Język',
  languagePolish: 'Polski',
  languageEnglish: 'English',
  windowTitle: 'Logowanie do KSeF dla strony ERP',
  loading: 'Wczytywanie żądania…',
  notFound:
    'To żądanie logowania już wygasło albo zostało obsłużone. Wróć do systemu ERP i kliknij „Zaloguj do KSeF” jeszcze raz.',
  extensionMissing:
    'Nie ma połączenia z rozszerzeniem KSeF Wallet. To okno działa tylko razem z nim — zainstaluj lub włącz rozszerzenie i spróbuj ponownie z systemu ERP.',
  vaultAbsent:
    'Portfel nie jest jeszcze skonfigurowany: otwórz KSeF Wallet, utwórz portfel i dodaj firmę z poświadczeniem KSeF.',
  vaultUnavailable: 'Portfel nie odpowiada. Zamknij to okno i spróbuj ponownie.',
  requestFrom: 'Strona prosi o sesję KSeF',
  requestExplain:
    'Strona otrzyma nową sesję KSeF wybranej firmy — nigdy klucza, certyfikatu ani tokenu KSeF z portfela.',
  origin: 'Strona (dokładny adres)',
  company: 'Firma',
  nip: 'NIP',
  environment: 'Środowisko',
  trigger: 'Skąd',
  triggerButton: 'przycisk „Zaloguj do KSeF” na stronie',
  triggerPopup: 'okienko rozszerzenia KSeF Wallet',
  timeLeft: 'Na decyzję zostało: {time}',

  unlockTitle: 'Odblokuj portfel',
  unlockExplain: 'Aby zalogować stronę do KSeF, odblokuj portfel hasłem.',
  passphrase: 'Hasło portfela',
  unlock: 'Odblokuj',
  unlocking: 'Odblokowywanie…',
  wrongPassphrase: 'Nieprawidłowe hasło. Spróbuj ponownie.',
  passphraseRequired: 'Wpisz hasło portfela.',

  chooseCompanyTitle: 'Wybierz firmę',
  chooseCompanyExplain: 'Strona nie wskazała firmy. Wybierz, dla której firmy ma otrzymać sesję KSeF.',
  chooseCompany: 'Dalej',
  noCompanies: 'W portfelu nie ma żadnej firmy, dla której można zalogować się w KSeF.',
  companyMissing:
    'Strona prosi o sesję dla NIP {nip} ({environment}), ale tej firmy nie ma w portfelu. Dodaj ją w portfelu albo odmów.',
  noDefaultCredential:
    'Firma {name} nie ma domyślnego poświadczenia do logowania (certyfikatu KSeF ani tokenu KSeF). Oznacz jedno jako domyślne w portfelu.',

  minting: 'Logowanie do KSeF…',
  mintingExplain: 'Portfel loguje się do KSeF poświadczeniem firmy, aby pokazać uprawnienia nowej sesji.',

  approvalTitle: 'Zgoda na sesję KSeF dla strony ERP',
  permissions: 'Uprawnienia tej sesji w KSeF',
  permissionsNone: 'KSeF nie podał uprawnień tej sesji.',
  validUntil: 'Token dostępowy ważny do',
  accessOnlyExplain:
    'Tylko token dostępowy: strona dostaje token ważny ok. 15 minut. Portfel przedłuża go, dopóki karta strony jest otwarta, a portfel odblokowany — najwyżej 10 godzin.',
  withRefreshExplain:
    'Z tokenem odświeżającym: strona sama odnawia sesję, także gdy portfel jest zablokowany. Po 10 godzinach portfel unieważnia sesję w KSeF.',
  credentialWarningTitle: 'Ta sesja może zarządzać poświadczeniami',
  credentialWarning:
    'Sesja niesie uprawnienia {permissions}. Skrypt strony mógłby nimi utworzyć własny token lub certyfikat KSeF, który przetrwa cofnięcie tej zgody. Domyślnie portfel takich sesji nie przekazuje — użyj poświadczenia z mniejszymi uprawnieniami (np. tokenu KSeF z odczytem i wystawianiem faktur).',
  credentialConfirm: 'Rozumiem ryzyko i mimo to pozwalam tej stronie otrzymywać sesje z tymi uprawnieniami',
  credentialConfirmNeeded: 'Zaznacz potwierdzenie albo odmów: ta sesja ma uprawnienia do poświadczeń.',
  egressLabel: 'Adresy IPv4 serwerów ERP (opcjonalnie)',
  egressHint:
    'Sesja zadziała tylko z adresu tej przeglądarki i z podanych adresów — skradziony token nie przyda się nigdzie indziej. Wpisz adresy publikowane przez dostawcę ERP, oddzielone przecinkami. Puste pole: bez ograniczenia adresów.',
  egressInvalid: 'Wpisz do {max} adresów IPv4 w postaci 203.0.113.10, oddzielonych przecinkami.',
  approvePassphrase: 'Hasło portfela (potwierdza zgodę)',
  approveAccessOnly: 'Tylko token dostępowy',
  approveWithRefresh: 'Z tokenem odświeżającym',
  refuse: 'Odmów',
  refuseExplain:
    'Odmowa wycisza prośby tej strony o tę firmę na 24 godziny (można ją znieść w Ustawieniach).',
  handingOff: 'Przekazywanie sesji…',

  doneDelivered: 'Sesja KSeF przekazana do {origin}. To okno zamknie się samo.',
  doneNotDelivered:
    'Strona {origin} została zamknięta lub przeładowana przed przekazaniem. Nikt nie dostał sesji — portfel unieważnił ją w KSeF.',
  doneNotDeliveredPending:
    'Strona {origin} została zamknięta lub przeładowana przed przekazaniem. Sesja zostanie unieważniona w KSeF, gdy tylko będzie to możliwe.',
  doneRefused: 'Odmówiono. Strona {origin} nie będzie prosić o tę firmę przez 24 godziny.',
  doneCancelled: 'Anulowano. Strona {origin} nie dostała sesji.',
  doneExpired: 'Czas na decyzję minął. Strona {origin} nie dostała sesji.',
  closeWindow: 'Zamknij okno',
  cancel: 'Anuluj',
  failed: 'Nie udało się przekazać sesji: {reason}',
  tryAgain: 'Spróbuj ponownie',

  // Settings: approvals, refusals, pending revocations, activity
  sitesTitle: 'Strony ERP z dostępem do sesji KSeF',
  sitesExplain:
    'Te strony mogą po kliknięciu „Zaloguj do KSeF” dostać nową sesję KSeF wybranej firmy. Cofnięcie zgody unieważnia w KSeF każdą sesję przekazaną tej stronie.',
  sitesEmpty: 'Żadna strona ERP nie ma jeszcze zgody.',
  sitesNeedExtension:
    'Zgody przechowuje rozszerzenie KSeF Wallet — bez niego nie można ich pokazać ani cofnąć.',
  sitesLoading: 'Wczytywanie zgód…',
  grantAccessOnly: 'tylko token dostępowy',
  grantWithRefresh: 'z tokenem odświeżającym',
  credentialsConfirmed: 'z potwierdzonymi uprawnieniami do poświadczeń',
  decidedAt: 'Zgoda od {date}',
  lastUsedAt: 'ostatnio użyta {date}',
  liveSessions: 'Przekazane sesje w toku: {count}',
  sessionValidUntil: 'sesja {reference}: token ważny do {date}, koniec najpóźniej {end}',
  revoke: 'Cofnij zgodę',
  revokeConfirmTitle: 'Cofnąć zgodę dla {origin} ({company})?',
  revokeConfirmExplain:
    'Strona przestanie dostawać sesje, a portfel unieważni w KSeF każdą sesję przekazaną jej dla tej firmy. Token dostępowy, który strona już ma, KSeF uznaje do jego wygaśnięcia (ok. 15 minut).',
  revokePassphrase: 'Hasło portfela (potwierdza cofnięcie)',
  revokeConfirm: 'Cofnij zgodę i unieważnij sesje',
  revoking: 'Cofanie zgody…',
  revokedAll: 'Zgoda cofnięta. Unieważniono w KSeF sesji: {count}.',
  revokedSomePending:
    'Zgoda cofnięta. Sesji czekających na unieważnienie w KSeF: {count} — portfel ponowi próbę, gdy będzie odblokowany i online.',
  pendingTitle: 'Sesje do unieważnienia w KSeF',
  pendingExplain:
    'Sesje stron bez zgody albo po 10 godzinach. Portfel unieważnia je sam, gdy jest odblokowany i ma połączenie.',
  pendingRetry: 'Unieważnij teraz',
  pendingNeedsUnlock: 'Odblokuj portfel, aby unieważnić te sesje w KSeF.',
  pendingDone: 'Unieważniono w KSeF sesji: {count}.',
  refusalsTitle: 'Odmowy (24 godziny bez próśb)',
  refusalsEmpty: 'Brak odmów.',
  refusalAllCompanies: 'wszystkie firmy',
  quietUntil: 'bez próśb do {date}',
  liftRefusal: 'Znieś odmowę',
  refusalLifted: 'Odmowa zniesiona: {origin} może znów prosić o sesje.',
  activityTitle: 'Dziennik przekazań sesji',
  activityEmpty: 'Jeszcze nie było żadnych przekazań.',
  activityWallet: 'portfel',
  activityExtension: 'rozszerzenie',
  unknownCompany: 'NIP {nip}',

  // Extension hand-off activity events (docs/wallet-extension-protocol.md §6)
  evRequested: 'prośba o sesję',
  evWalletAsked: 'przekazano do portfela',
  evWindowOpened: 'otwarto okno portfela',
  evApproved: 'zgoda udzielona',
  evRefused: 'odmowa',
  evDelivered: 'sesja przekazana',
  evNotDelivered: 'sesja nieprzekazana',
  evFailed: 'niepowodzenie',
  evCancelled: 'anulowano',
  evExpired: 'czas minął',
  evBlocked: 'zablokowano (limit)',
  evRefreshed: 'token odświeżony',
  evEnded: 'sesja zakończona',
  evRevoked: 'zgoda cofnięta',
  evSiteEnabled: 'strona włączona',
  evSiteDisabled: 'strona wyłączona',
  evLogin: 'logowanie do KSeF',
  evSessionEnded: 'sesja zamknięta w KSeF',
  evApprovalGranted: 'zgoda zapisana w portfelu',
  evApprovalRevoked: 'zgoda usunięta z portfela',

  // Permissions (KSeF names stay visible next to the label)
  permInvoiceRead: 'odczyt faktur',
  permInvoiceWrite: 'wystawianie faktur',
  permCredentialsRead: 'odczyt uprawnień i poświadczeń',
  permCredentialsManage: 'zarządzanie uprawnieniami i poświadczeniami',
  permSubunitManage: 'zarządzanie jednostkami podrzędnymi',
  permEnforcementOperations: 'czynności egzekucyjne',
  permIntrospection: 'introspekcja sesji',
  permOther: 'uprawnienie KSeF',

  // Error reasons
  errNeedsConfirmation: 'sesja ma uprawnienia do poświadczeń, a nie zostały one potwierdzone.',
  errSessionTooShort: 'token dostępowy miałby mniej niż 5 minut ważności.',
  errVaultLocked: 'portfel jest zablokowany.',
  errNotAllowed: 'rozszerzenie nie pozwoliło na to przekazanie (brak zgody).',
  errNotFound: 'żądanie już wygasło.',
  errExtension: 'brak połączenia z rozszerzeniem KSeF Wallet.',
  errBudget: 'zbyt wiele logowań — spróbuj ponownie za {seconds} s.',
  errInternal: 'wewnętrzny błąd portfela ({code}).',
} as const;

export type HandoffStringKey = keyof typeof pl;

const en: { readonly [K in HandoffStringKey]: string } = {
  language: 'Language',
  languagePolish: 'Polski',
  languageEnglish: 'English',
  windowTitle: 'KSeF login for an ERP site',
  loading: 'Loading the request…',
  notFound:
    'This login request has expired or was already handled. Go back to the ERP and click “Log in to KSeF” again.',
  extensionMissing:
    'There is no connection to the KSeF Wallet extension. This window works only together with it — install or enable the extension and try again from the ERP.',
  vaultAbsent:
    'The wallet is not set up yet: open KSeF Wallet, create the wallet and add a company with a KSeF credential.',
  vaultUnavailable: 'The wallet is not answering. Close this window and try again.',
  requestFrom: 'A site asks for a KSeF session',
  requestExplain:
    'The site will get a new KSeF session of the chosen company — never a key, certificate or KSeF token from the wallet.',
  origin: 'Site (exact address)',
  company: 'Company',
  nip: 'NIP',
  environment: 'Environment',
  trigger: 'From',
  triggerButton: 'the “Log in to KSeF” button on the site',
  triggerPopup: 'the KSeF Wallet extension popup',
  timeLeft: 'Time left to decide: {time}',

  unlockTitle: 'Unlock the wallet',
  unlockExplain: 'Unlock the wallet with its passphrase to log the site in to KSeF.',
  passphrase: 'Wallet passphrase',
  unlock: 'Unlock',
  unlocking: 'Unlocking…',
  wrongPassphrase: 'Wrong passphrase. Try again.',
  passphraseRequired: 'Enter the wallet passphrase.',

  chooseCompanyTitle: 'Choose the company',
  chooseCompanyExplain:
    'The site did not name a company. Choose the company it should get a KSeF session for.',
  chooseCompany: 'Continue',
  noCompanies: 'The wallet has no company to log in to KSeF for.',
  companyMissing:
    'The site asks for a session for NIP {nip} ({environment}), but that company is not in the wallet. Add it in the wallet or refuse.',
  noDefaultCredential:
    'The company {name} has no default login credential (KSeF certificate or KSeF token). Mark one as default in the wallet.',

  minting: 'Logging in to KSeF…',
  mintingExplain:
    "The wallet logs in to KSeF with the company's credential to show the new session's permissions.",

  approvalTitle: 'Allow a KSeF session for an ERP site',
  permissions: "This session's KSeF permissions",
  permissionsNone: "KSeF did not state this session's permissions.",
  validUntil: 'Access token valid until',
  accessOnlyExplain:
    'Access token only: the site gets a token valid for about 15 minutes. The wallet renews it while the site’s tab is open and the wallet unlocked — for 10 hours at most.',
  withRefreshExplain:
    'With refresh token: the site renews the session itself, also while the wallet is locked. After 10 hours the wallet revokes the session at KSeF.',
  credentialWarningTitle: 'This session can manage credentials',
  credentialWarning:
    "The session carries {permissions}. The site's scripts could use them to create a KSeF token or certificate of their own that outlives revoking this approval. By default the wallet does not hand over such sessions — use a credential with fewer permissions (e.g. a KSeF token for reading and issuing invoices).",
  credentialConfirm:
    'I understand the risk and still allow this site to receive sessions with these permissions',
  credentialConfirmNeeded: 'Tick the confirmation or refuse: this session carries credential permissions.',
  egressLabel: "ERP servers' IPv4 addresses (optional)",
  egressHint:
    "The session will work only from this browser's address and the addresses given — a stolen token is of no use anywhere else. Enter the addresses your ERP vendor publishes, separated by commas. Empty: no address restriction.",
  egressInvalid: 'Enter up to {max} IPv4 addresses like 203.0.113.10, separated by commas.',
  approvePassphrase: 'Wallet passphrase (confirms the approval)',
  approveAccessOnly: 'Access token only',
  approveWithRefresh: 'With refresh token',
  refuse: 'Refuse',
  refuseExplain:
    'Refusing silences this site’s requests for this company for 24 hours (you can lift it in Settings).',
  handingOff: 'Handing over the session…',

  doneDelivered: 'KSeF session handed over to {origin}. This window closes by itself.',
  doneNotDelivered:
    'The page at {origin} was closed or reloaded before the hand-off. Nobody got the session — the wallet revoked it at KSeF.',
  doneNotDeliveredPending:
    'The page at {origin} was closed or reloaded before the hand-off. The session will be revoked at KSeF as soon as possible.',
  doneRefused: 'Refused. {origin} will not ask for this company for 24 hours.',
  doneCancelled: 'Cancelled. {origin} got no session.',
  doneExpired: 'The time to decide is over. {origin} got no session.',
  closeWindow: 'Close window',
  cancel: 'Cancel',
  failed: 'Could not hand over the session: {reason}',
  tryAgain: 'Try again',

  sitesTitle: 'ERP sites with access to KSeF sessions',
  sitesExplain:
    'After a click on “Log in to KSeF” these sites can get a new KSeF session of the company. Revoking an approval revokes at KSeF every session handed to that site.',
  sitesEmpty: 'No ERP site has been approved yet.',
  sitesNeedExtension:
    'Approvals are kept by the KSeF Wallet extension — without it they cannot be shown or revoked.',
  sitesLoading: 'Loading approvals…',
  grantAccessOnly: 'access token only',
  grantWithRefresh: 'with refresh token',
  credentialsConfirmed: 'credential permissions confirmed',
  decidedAt: 'Approved {date}',
  lastUsedAt: 'last used {date}',
  liveSessions: 'Handed sessions in progress: {count}',
  sessionValidUntil: 'session {reference}: token valid until {date}, ends by {end}',
  revoke: 'Revoke approval',
  revokeConfirmTitle: 'Revoke the approval for {origin} ({company})?',
  revokeConfirmExplain:
    'The site stops getting sessions, and the wallet revokes at KSeF every session handed to it for this company. An access token the site already holds stays valid at KSeF until it expires (about 15 minutes).',
  revokePassphrase: 'Wallet passphrase (confirms the revocation)',
  revokeConfirm: 'Revoke approval and sessions',
  revoking: 'Revoking…',
  revokedAll: 'Approval revoked. Sessions revoked at KSeF: {count}.',
  revokedSomePending:
    'Approval revoked. Sessions still to revoke at KSeF: {count} — the wallet retries while it is unlocked and online.',
  pendingTitle: 'Sessions to revoke at KSeF',
  pendingExplain:
    'Sessions of sites without an approval, or past 10 hours. The wallet revokes them itself while it is unlocked and online.',
  pendingRetry: 'Revoke now',
  pendingNeedsUnlock: 'Unlock the wallet to revoke these sessions at KSeF.',
  pendingDone: 'Sessions revoked at KSeF: {count}.',
  refusalsTitle: 'Refusals (24 hours without requests)',
  refusalsEmpty: 'No refusals.',
  refusalAllCompanies: 'all companies',
  quietUntil: 'no requests until {date}',
  liftRefusal: 'Lift refusal',
  refusalLifted: 'Refusal lifted: {origin} may ask for sessions again.',
  activityTitle: 'Session hand-off log',
  activityEmpty: 'No hand-offs yet.',
  activityWallet: 'wallet',
  activityExtension: 'extension',
  unknownCompany: 'NIP {nip}',

  evRequested: 'session requested',
  evWalletAsked: 'passed to the wallet',
  evWindowOpened: 'wallet window opened',
  evApproved: 'approved',
  evRefused: 'refused',
  evDelivered: 'session delivered',
  evNotDelivered: 'session not delivered',
  evFailed: 'failed',
  evCancelled: 'cancelled',
  evExpired: 'timed out',
  evBlocked: 'blocked (limit)',
  evRefreshed: 'token refreshed',
  evEnded: 'session ended',
  evRevoked: 'approval revoked',
  evSiteEnabled: 'site enabled',
  evSiteDisabled: 'site disabled',
  evLogin: 'KSeF login',
  evSessionEnded: 'session closed at KSeF',
  evApprovalGranted: 'approval stored in the wallet',
  evApprovalRevoked: 'approval removed from the wallet',

  permInvoiceRead: 'read invoices',
  permInvoiceWrite: 'issue invoices',
  permCredentialsRead: 'read permissions and credentials',
  permCredentialsManage: 'manage permissions and credentials',
  permSubunitManage: 'manage subunits',
  permEnforcementOperations: 'enforcement operations',
  permIntrospection: 'session introspection',
  permOther: 'KSeF permission',

  errNeedsConfirmation: 'the session carries credential permissions that were not confirmed.',
  errSessionTooShort: 'the access token would have less than 5 minutes left.',
  errVaultLocked: 'the wallet is locked.',
  errNotAllowed: 'the extension did not allow this hand-off (no approval).',
  errNotFound: 'the request has expired.',
  errExtension: 'no connection to the KSeF Wallet extension.',
  errBudget: 'too many logins — try again in {seconds} s.',
  errInternal: 'internal wallet error ({code}).',
};

export const HANDOFF_STRINGS: Dictionary<HandoffStringKey> = Object.freeze({ pl, en });

export type HandoffTranslate = (
  key: HandoffStringKey,
  values?: Readonly<Record<string, string | number>>,
) => string;

export const handoffTranslator = (locale: Locale): HandoffTranslate =>
  createTranslator(HANDOFF_STRINGS, locale);

const PERMISSION_KEYS: Readonly<Record<string, HandoffStringKey>> = Object.freeze({
  InvoiceRead: 'permInvoiceRead',
  InvoiceWrite: 'permInvoiceWrite',
  CredentialsRead: 'permCredentialsRead',
  CredentialsManage: 'permCredentialsManage',
  SubunitManage: 'permSubunitManage',
  EnforcementOperations: 'permEnforcementOperations',
  Introspection: 'permIntrospection',
});

/** A permission's label; KSeF may add names, which then show as "KSeF permission". */
export const permissionLabel = (t: HandoffTranslate, permission: string): string =>
  t(PERMISSION_KEYS[permission] ?? 'permOther');

/** Date and time as the user reads them (Polish or British English conventions). */
export function formatDateTime(locale: Locale, at: number | string): string {
  const ms = typeof at === 'number' ? at : Date.parse(at);
  if (!Number.isFinite(ms)) return '—';
  return new Intl.DateTimeFormat(locale === 'pl' ? 'pl-PL' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'medium',
  }).format(ms);
}

/** m:ss for a countdown. */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
