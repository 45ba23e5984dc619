/**
 * User-facing texts, Polish (default) and English, for every outcome of the KSeF client: each error
 * code REFERENCE.md lists (§3.2–§3.9), each auth status (§4) and enrollment status (§3.9), HTTP
 * 401/403 (by reasonCode)/410/415/429/5xx, the crypto core's reasons a login can end with, and every
 * wallet error code. Each text says what happened and what to do next. KSeF's own description and
 * details are untrusted plain text; the UI shows them beside this message, never inside markup.
 *
 *   describeKsefError(error, 'pl') → "Wyzwanie autoryzacyjne wygasło…"
 */
import type { CryptoErrorCode } from '../crypto/index.ts';
import { createTranslator, type Dictionary, type Locale } from '../i18n/translate.ts';
import type { ErrorCode, WalletError } from '../result.ts';

/** KSeF exception codes (`errors[].code`, legacy `exceptionCode`) with a text of their own. */
export const KSEF_ERROR_CODES = [
  21001, 21111, 21115, 21117, 21217, 21301, 21304, 21308, 21401, 21405, 21406, 21418, 21470, 9101, 9102, 9103,
  9104, 9105, 25001, 25002, 25003, 25004, 25005, 25006, 25007, 25008, 25009, 25010, 25011, 26001, 26002,
  30001,
] as const;
/** Final auth statuses of `GET /auth/{ref}` (REFERENCE §4). */
export const AUTH_STATUS_CODES = [415, 425, 450, 460, 470, 480, 500, 550] as const;
/** The 450 details of §4 (2.6.1 wording), each with a precise text. */
export const TOKEN_FAILURE_DETAILS = Object.freeze({
  'Nieprawidłowe wyzwanie autoryzacyjne': 'challenge',
  'Nieprawidłowy token': 'unknown',
  'Nieprawidłowy czas tokena': 'time',
  'Token unieważniony': 'revoked',
  'Token nieaktywny': 'inactive',
  'Nieprawidłowe szyfrowanie tokena': 'encryption',
  'Nieprawidłowe kodowanie tokena': 'encoding',
  'Token nie może być użyty w kontekście': 'context',
} as const);
export const ENROLLMENT_STATUS_CODES = [400, 500, 550] as const;
export const FORBIDDEN_REASONS = [
  'missing-permissions',
  'ip-not-allowed',
  'insufficient-resource-access',
  'auth-method-not-allowed',
  'security-service-blocked',
  'context-type-not-allowed',
] as const;
export const HTTP_KEYS = ['400', '401', '403', '404', '410', '415', '429', '5xx', 'other'] as const;
/** Crypto-core reasons a login flow can return (signed-file checks, signing, token encryption). */
export const LOGIN_CRYPTO_REASONS = [
  'INPUT_TOO_LARGE',
  'BAD_BASE64',
  'BAD_DER',
  'NOT_A_CERTIFICATE',
  'UNSUPPORTED_KEY',
  'XML_MALFORMED',
  'XML_DOCTYPE_FORBIDDEN',
  'XML_WRONG_NAMESPACE',
  'AUTH_REQUEST_SCHEMA',
  'AUTH_REQUEST_NOT_SIGNED',
  'AUTH_REQUEST_MULTIPLE_SIGNATURES',
  'AUTH_REQUEST_CHALLENGE_EXPIRED',
  'AUTH_REQUEST_WRONG_CHALLENGE',
  'AUTH_REQUEST_WRONG_CONTEXT',
  'AUTH_REQUEST_NO_SUBJECT_IN_CERTIFICATE',
  'SIGNATURE_MALFORMED',
  'SIGNATURE_UNSUPPORTED_ALGORITHM',
  'SIGNATURE_REFERENCE_NOT_FOUND',
  'SIGNATURE_DIGEST_MISMATCH',
  'SIGNATURE_INVALID',
  'SIGNATURE_NOT_XADES',
  'SIGNATURE_CERTIFICATE_MISMATCH',
  'SIGNATURE_KEY_TOO_WEAK',
  'SIGNATURE_CERTIFICATE_NOT_VALID_NOW',
  'SIGNING_FAILED',
  'TOKEN_BAD_INPUT',
  'ENCRYPTION_FAILED',
  'NO_ENCRYPTION_CERTIFICATE',
  'CERTIFICATE_NOT_RSA',
] as const satisfies readonly CryptoErrorCode[];

/** The wallet codes the KSeF client and its transport can return (other layers have their own texts). */
export const CLIENT_ERROR_CODES = [
  'NETWORK',
  'TIMEOUT',
  'ABORTED',
  'RESPONSE_TOO_LARGE',
  'REQUEST_TOO_LARGE',
  'REDIRECT_REFUSED',
  'EXTENSION_MISSING',
  'SENDER_REJECTED',
  'BAD_MESSAGE',
  'NOT_ALLOWED',
  'UNKNOWN_ENVIRONMENT',
  'UNKNOWN_OPERATION',
  'BAD_PARAMS',
  'KSEF_REJECTED',
  'RATE_LIMITED',
  'BAD_RESPONSE',
  'VAULT_LOCKED',
  'WRONG_PASSPHRASE',
  'UNSUPPORTED_FORMAT',
  'CORRUPTED',
  'INVALID_INPUT',
  'INTERNAL',
  'KSEF_UNAVAILABLE',
  'AUTH_FAILED',
  'AUTH_BLOCKED',
  'AUTOMATION_STOPPED',
  'LOGIN_BUDGET_EXCEEDED',
  'STILL_IN_PROGRESS',
  'SUBMISSION_LOST',
  'REDEEM_LOST',
  'SESSION_ENDED',
  'TOKEN_FAILED',
  'ENROLLMENT_REJECTED',
] as const satisfies readonly ErrorCode[];

type TokenDetailKey = (typeof TOKEN_FAILURE_DETAILS)[keyof typeof TOKEN_FAILURE_DETAILS];
export type KsefMessageKey =
  | `ksef.${(typeof KSEF_ERROR_CODES)[number]}`
  | `auth.${(typeof AUTH_STATUS_CODES)[number]}`
  | 'auth.other'
  | `auth.450.${TokenDetailKey}`
  | `enrollment.${(typeof ENROLLMENT_STATUS_CODES)[number]}`
  | 'enrollment.other'
  | `http.${(typeof HTTP_KEYS)[number]}`
  | `http.403.${(typeof FORBIDDEN_REASONS)[number]}`
  | `crypto.${(typeof LOGIN_CRYPTO_REASONS)[number]}`
  | `error.${(typeof CLIENT_ERROR_CODES)[number]}`;

const RELOGIN_PL = 'Zaloguj się ponownie.';
const RELOGIN_EN = 'Log in again.';

const pl: Dictionary<KsefMessageKey>['pl'] = {
  'ksef.21001':
    'KSeF nie mógł odczytać przesłanego dokumentu. Sprawdź, czy plik to poprawny XML, i spróbuj ponownie.',
  'ksef.21111':
    'Wyzwanie autoryzacyjne wygasło lub jest nieprawidłowe. Rozpocznij logowanie od nowa (pobierz nowe żądanie autoryzacyjne).',
  'ksef.21115':
    'KSeF odrzucił certyfikat podpisu. Środowiska DEMO i produkcyjne nie przyjmują certyfikatów samopodpisanych — użyj certyfikatu kwalifikowanego albo certyfikatu KSeF.',
  'ksef.21117':
    'Identyfikator podmiotu nie pasuje do wybranego typu kontekstu. Sprawdź identyfikator firmy i certyfikat, którym podpisujesz.',
  'ksef.21217': 'Nieprawidłowe kodowanie znaków. Zapisz plik w UTF-8 i podpisz go ponownie.',
  'ksef.21301':
    'KSeF nie pozwala na tę operację w obecnym stanie uwierzytelnienia (np. tokeny zostały już pobrane albo sesja została unieważniona). Zaloguj się ponownie.',
  'ksef.21304': 'KSeF nie zna tej operacji uwierzytelnienia. Rozpocznij logowanie od nowa.',
  'ksef.21308':
    'Próba użycia metod uwierzytelnienia osoby zmarłej — KSeF nie wyda tokenów. Użyj danych uwierzytelniających innej osoby.',
  'ksef.21401':
    'Dokument nie jest zgodny ze schematem żądania autoryzacyjnego. Podpisz niezmienione żądanie pobrane z portfela.',
  'ksef.21405':
    'KSeF odrzucił dane wejściowe (błąd walidacji, szczegóły poniżej). Popraw dane i spróbuj ponownie.',
  'ksef.21406':
    'Podpis nie pasuje do typu uwierzytelnienia: certyfikat nie zawiera NIP ani PESEL. Użyj certyfikatu z identyfikatorem albo logowania odciskiem certyfikatu.',
  'ksef.21418': 'Token kontynuacji listy jest nieprawidłowy. Wczytaj listę od początku.',
  'ksef.21470':
    'Klucz publiczny KSeF użyty do zaszyfrowania tokena jest nieznany lub wycofany. Spróbuj zalogować się ponownie — portfel pobierze aktualny klucz.',
  'ksef.9101':
    'KSeF uznał dokument za nieprawidłowy. Pobierz nowe żądanie autoryzacyjne i podpisz je ponownie.',
  'ksef.9102': 'Dokument nie zawiera podpisu. Podpisz żądanie podpisem XAdES i wyślij podpisany plik.',
  'ksef.9103': 'Dokument zawiera więcej niż jeden podpis. Podpisz niezmienione żądanie jeden raz.',
  'ksef.9104':
    'KSeF odrzucił podpisany dokument (kod 9104). Podpisz żądanie ponownie; jeśli błąd się powtórzy, zgłoś kod i identyfikator błędu.',
  'ksef.9105':
    'Podpis jest nieprawidłowy (szczegóły poniżej). Nie zmieniaj pliku po podpisaniu i użyj podpisu XAdES z SHA-256.',
  'ksef.25001':
    'Dane do wniosku certyfikacyjnego są dostępne tylko w sesji uwierzytelnionej podpisem, nie tokenem KSeF. Zaloguj się podpisem lub certyfikatem KSeF.',
  'ksef.25002':
    'Wniosek certyfikacyjny można złożyć tylko w sesji uwierzytelnionej podpisem, nie tokenem KSeF. Zaloguj się podpisem lub certyfikatem KSeF.',
  'ksef.25003':
    'Dane w CSR nie zgadzają się z certyfikatem użytym do logowania. Utwórz wniosek od nowa z aktualnych danych do certyfikatu.',
  'ksef.25004': 'Wniosek CSR ma niepoprawny format lub podpis. Utwórz go ponownie.',
  'ksef.25005':
    'KSeF nie zna wniosku certyfikacyjnego o tym numerze. Sprawdź numer referencyjny albo złóż nowy wniosek.',
  'ksef.25006': 'Osiągnięto limit wniosków certyfikacyjnych. Sprawdź limity na karcie certyfikatów.',
  'ksef.25007':
    'Osiągnięto limit posiadanych certyfikatów. Unieważnij certyfikat, którego już nie używasz, i spróbuj ponownie.',
  'ksef.25008': 'Certyfikat o tym numerze seryjnym nie istnieje. Odśwież listę certyfikatów.',
  'ksef.25009':
    'Tego certyfikatu nie można unieważnić — jest już unieważniony, zablokowany lub nieważny. Odśwież listę certyfikatów.',
  'ksef.25010': 'Nieprawidłowy typ lub długość klucza. Użyj klucza EC P-256 albo RSA 2048.',
  'ksef.25011': 'Nieprawidłowy algorytm podpisu CSR. Utwórz wniosek ponownie.',
  'ksef.26001':
    'Nie możesz nadać tokenowi uprawnień, których sam nie masz (brakujące uprawnienia poniżej). Zmień wybór uprawnień.',
  'ksef.26002':
    'Token KSeF można wygenerować tylko w kontekście NIP albo identyfikatora wewnętrznego. Zaloguj się do takiego kontekstu.',
  'ksef.30001': 'Taki podmiot lub takie uprawnienie już istnieje w danych testowych.',

  'auth.415':
    'Uwierzytelnianie nie powiodło się: brak przypisanych uprawnień w tej firmie. Poproś właściciela o nadanie uprawnień albo wybierz inną firmę.',
  'auth.425': `Uwierzytelnienie zostało unieważnione (sesja odwołana). ${RELOGIN_PL}`,
  'auth.450':
    'Uwierzytelnianie tokenem KSeF nie powiodło się (szczegóły poniżej). Sprawdź, czy token jest aktywny i należy do tej firmy, albo wygeneruj nowy.',
  'auth.450.challenge':
    'Wyzwanie autoryzacyjne było nieprawidłowe lub wygasło. Spróbuj zalogować się ponownie.',
  'auth.450.unknown':
    'KSeF nie rozpoznaje tego tokena. Sprawdź, czy to token z tego środowiska i dla tej firmy, albo wygeneruj nowy.',
  'auth.450.time': 'Czas w zaszyfrowanym tokenie nie zgadza się z wyzwaniem. Spróbuj zalogować się ponownie.',
  'auth.450.revoked': 'Token KSeF został unieważniony. Wygeneruj nowy token.',
  'auth.450.inactive':
    'Token KSeF nie jest aktywny (jeszcze trwa jego aktywacja albo się nie powiodła). Poczekaj chwilę albo wygeneruj nowy token.',
  'auth.450.encryption':
    'KSeF nie mógł odszyfrować tokena. Spróbuj ponownie — portfel pobierze aktualny klucz publiczny.',
  'auth.450.encoding':
    'Token ma nieprawidłowy format (np. token z KSeF 1.0). Wygeneruj nowy token w KSeF 2.0.',
  'auth.450.context': 'Ten token należy do innej firmy. Użyj tokena wygenerowanego dla tej firmy.',
  'auth.460':
    'Uwierzytelnianie nie powiodło się z powodu certyfikatu (nieważny, odwołany, zawieszony lub niezaufany — szczegóły poniżej). Użyj ważnego certyfikatu.',
  'auth.470': 'Uwierzytelnianie nie powiodło się: próba użycia metod uwierzytelnienia osoby zmarłej.',
  'auth.480':
    'KSeF zablokował uwierzytelnienie (podejrzenie incydentu bezpieczeństwa). Automatyczne logowanie tej firmy zostało wstrzymane. Skontaktuj się z Ministerstwem Finansów przez formularz zgłoszeniowy.',
  'auth.500':
    'KSeF zgłosił nieznany błąd uwierzytelniania. Spróbuj później; jeśli błąd się powtórzy, zgłoś numer referencyjny.',
  'auth.550': 'KSeF przerwał uwierzytelnianie z przyczyn wewnętrznych. Rozpocznij logowanie od nowa.',
  'auth.other': 'Uwierzytelnianie zakończone niepowodzeniem (status {code}). Rozpocznij logowanie od nowa.',

  'enrollment.400':
    'Wniosek certyfikacyjny odrzucony (szczegóły poniżej): klucz jest już certyfikowany dla innego podmiotu albo osiągnięto limit certyfikatów. Utwórz nowy klucz albo unieważnij niepotrzebny certyfikat.',
  'enrollment.500': 'Nieznany błąd przy wystawianiu certyfikatu. Złóż wniosek ponownie później.',
  'enrollment.550': 'KSeF przerwał realizację wniosku z przyczyn wewnętrznych. Złóż wniosek ponownie.',
  'enrollment.other': 'Wniosek certyfikacyjny nie został zrealizowany (status {code}).',

  'http.400': 'KSeF odrzucił żądanie (szczegóły poniżej). Popraw dane i spróbuj ponownie.',
  'http.401': `Sesja KSeF wygasła albo token jest nieprawidłowy. ${RELOGIN_PL}`,
  'http.403': 'KSeF odmówił dostępu. Sprawdź swoje uprawnienia w tej firmie.',
  'http.403.missing-permissions':
    'Brakuje uprawnień wymaganych do tej operacji. Poproś właściciela firmy o ich nadanie.',
  'http.403.ip-not-allowed':
    'Ta sesja jest ograniczona do innych adresów IP niż obecny. Zaloguj się ponownie z tej sieci.',
  'http.403.insufficient-resource-access': 'Brak dostępu do tego zasobu — należy do innego podmiotu.',
  'http.403.auth-method-not-allowed':
    'Ta operacja nie jest dostępna przy tym sposobie logowania (np. tokenem KSeF). Zaloguj się podpisem lub certyfikatem KSeF.',
  'http.403.security-service-blocked':
    'Usługa bezpieczeństwa KSeF zablokowała żądanie. Skontaktuj się z Ministerstwem Finansów i podaj identyfikator incydentu.',
  'http.403.context-type-not-allowed': 'Ta operacja nie jest dostępna w tym typie kontekstu.',
  'http.404': 'KSeF nie znalazł tego zasobu. Sprawdź wybrane środowisko i spróbuj ponownie.',
  'http.410':
    'Status tej operacji już wygasł w KSeF (logowanie: 7 dni, wnioski certyfikacyjne: 30 dni). Rozpocznij operację od nowa.',
  'http.415': 'KSeF nie przyjął formatu żądania (415). To błąd portfela — zgłoś go.',
  'http.429': 'KSeF ogranicza liczbę zapytań. Spróbuj ponownie za {seconds} s.',
  'http.5xx':
    'KSeF jest chwilowo niedostępny (błąd serwera). Spróbuj ponownie za kilka minut; na TEST i DEMO prace serwisowe trwają zwykle od 16:00 do 18:00.',
  'http.other': 'KSeF odpowiedział nieoczekiwanym statusem {status}. Spróbuj ponownie.',

  'crypto.INPUT_TOO_LARGE': 'Plik jest za duży. Wybierz podpisane żądanie autoryzacyjne (kilka kilobajtów).',
  'crypto.BAD_BASE64': 'Dane nie są poprawnym Base64.',
  'crypto.BAD_DER': 'Certyfikat lub klucz jest uszkodzony (nieprawidłowy DER).',
  'crypto.NOT_A_CERTIFICATE': 'To nie jest certyfikat X.509.',
  'crypto.UNSUPPORTED_KEY': 'Nieobsługiwany klucz. Użyj klucza EC P-256 albo RSA 2048.',
  'crypto.XML_MALFORMED': 'Plik nie jest poprawnym XML-em. Wybierz podpisany plik żądania autoryzacyjnego.',
  'crypto.XML_DOCTYPE_FORBIDDEN': 'Plik zawiera deklarację DOCTYPE, której KSeF nie przyjmuje.',
  'crypto.XML_WRONG_NAMESPACE': 'To nie jest żądanie autoryzacyjne KSeF (AuthTokenRequest).',
  'crypto.AUTH_REQUEST_SCHEMA':
    'Żądanie autoryzacyjne jest niezgodne ze schematem. Podpisz niezmienione żądanie z portfela.',
  'crypto.AUTH_REQUEST_NOT_SIGNED': 'Plik nie jest podpisany. Podpisz żądanie i wybierz podpisany plik.',
  'crypto.AUTH_REQUEST_MULTIPLE_SIGNATURES':
    'Plik ma więcej niż jeden podpis. Podpisz niezmienione żądanie jeden raz.',
  'crypto.AUTH_REQUEST_CHALLENGE_EXPIRED':
    'Wyzwanie w tym pliku wygasło (żyje 10 minut). Pobierz nowe żądanie autoryzacyjne i podpisz je ponownie.',
  'crypto.AUTH_REQUEST_WRONG_CHALLENGE':
    'Plik podpisano dla innego wyzwania. Podpisz żądanie pobrane ostatnio z portfela.',
  'crypto.AUTH_REQUEST_WRONG_CONTEXT': 'Plik dotyczy innej firmy (innego NIP). Podpisz żądanie tej firmy.',
  'crypto.AUTH_REQUEST_NO_SUBJECT_IN_CERTIFICATE':
    'Certyfikat podpisu nie zawiera NIP ani PESEL. Użyj logowania odciskiem certyfikatu albo innego certyfikatu.',
  'crypto.SIGNATURE_MALFORMED': 'Podpis ma nieprawidłową budowę ({element}). Podpisz żądanie ponownie.',
  'crypto.SIGNATURE_UNSUPPORTED_ALGORITHM':
    'Portfel nie umie sprawdzić tego podpisu (nieobsługiwany algorytm). Użyj podpisu XAdES z SHA-256.',
  'crypto.SIGNATURE_REFERENCE_NOT_FOUND': 'Podpis wskazuje element, którego nie ma w pliku ({element}).',
  'crypto.SIGNATURE_DIGEST_MISMATCH':
    'Plik zmieniono po podpisaniu (niezgodny skrót: {element}). Podpisz żądanie ponownie i nie edytuj pliku.',
  'crypto.SIGNATURE_INVALID': 'Podpis nie weryfikuje się. Podpisz żądanie ponownie.',
  'crypto.SIGNATURE_NOT_XADES':
    'To nie jest podpis XAdES (brak SignedProperties). Wybierz w narzędziu podpis XAdES otaczany (enveloped).',
  'crypto.SIGNATURE_CERTIFICATE_MISMATCH': 'Certyfikat w podpisie nie pasuje do klucza, którym podpisano.',
  'crypto.SIGNATURE_KEY_TOO_WEAK': 'Klucz podpisu jest za słaby (wymagane RSA ≥ 2048 albo EC ≥ 256).',
  'crypto.SIGNATURE_CERTIFICATE_NOT_VALID_NOW':
    'Certyfikat podpisu jest teraz nieważny (wygasł lub jeszcze nie obowiązuje).',
  'crypto.SIGNING_FAILED': 'Nie udało się podpisać żądania. Odblokuj portfel i spróbuj ponownie.',
  'crypto.TOKEN_BAD_INPUT': 'Zapisany token KSeF ma nieprawidłowy format. Wygeneruj nowy token.',
  'crypto.ENCRYPTION_FAILED': 'Nie udało się zaszyfrować tokena. Spróbuj ponownie.',
  'crypto.NO_ENCRYPTION_CERTIFICATE':
    'KSeF nie publikuje teraz ważnego klucza do szyfrowania tokenów. Spróbuj później.',
  'crypto.CERTIFICATE_NOT_RSA': 'Klucz publiczny KSeF nie jest kluczem RSA ≥ 2048; portfel go nie użyje.',

  'error.NETWORK': 'Brak połączenia z KSeF. Sprawdź sieć i spróbuj ponownie.',
  'error.TIMEOUT': 'KSeF nie odpowiedział na czas. Spróbuj ponownie.',
  'error.ABORTED': 'Operację anulowano.',
  'error.RESPONSE_TOO_LARGE': 'Odpowiedź KSeF jest za duża i została odrzucona.',
  'error.REQUEST_TOO_LARGE': 'Żądanie jest za duże (ponad 1 MiB).',
  'error.REDIRECT_REFUSED':
    'KSeF odpowiedział przekierowaniem, którego portfel nie wykonuje. Sprawdź adres środowiska.',
  'error.EXTENSION_MISSING':
    'Brak rozszerzenia KSeF Wallet. Zainstaluj je albo włącz, aby połączyć się z KSeF.',
  'error.SENDER_REJECTED': 'Rozszerzenie odrzuciło nadawcę wiadomości.',
  'error.BAD_MESSAGE': 'Rozszerzenie odrzuciło nieprawidłową wiadomość.',
  'error.NOT_ALLOWED': 'Ta operacja nie jest dozwolona w tym środowisku.',
  'error.UNKNOWN_ENVIRONMENT': 'Nieznane środowisko KSeF. Dodaj je w opcjach rozszerzenia.',
  'error.UNKNOWN_OPERATION': 'Nieznana operacja KSeF.',
  'error.BAD_PARAMS': 'Nieprawidłowe parametry żądania do KSeF.',
  'error.KSEF_REJECTED': 'KSeF odrzucił operację (kod {code}).',
  'error.RATE_LIMITED': 'KSeF ogranicza liczbę zapytań. Spróbuj ponownie za {seconds} s.',
  'error.BAD_RESPONSE': 'KSeF zwrócił odpowiedź, której portfel nie rozumie. Spróbuj ponownie później.',
  'error.VAULT_LOCKED': 'Portfel jest zablokowany. Odblokuj go hasłem.',
  'error.WRONG_PASSPHRASE': 'Nieprawidłowe hasło.',
  'error.UNSUPPORTED_FORMAT': 'Nieobsługiwany format danych.',
  'error.CORRUPTED': 'Dane są uszkodzone.',
  'error.INVALID_INPUT': 'Nieprawidłowe dane. Sprawdź je i spróbuj ponownie.',
  'error.INTERNAL': 'Wewnętrzny błąd portfela. Spróbuj ponownie.',
  'error.KSEF_UNAVAILABLE':
    'KSeF jest chwilowo niedostępny (błąd serwera). Spróbuj ponownie za kilka minut; na TEST i DEMO prace serwisowe trwają zwykle od 16:00 do 18:00.',
  'error.AUTH_FAILED':
    'Uwierzytelnianie zakończone niepowodzeniem (status {code}). Rozpocznij logowanie od nowa.',
  'error.AUTH_BLOCKED':
    'KSeF zablokował uwierzytelnienie (podejrzenie incydentu bezpieczeństwa). Automatyczne logowanie tej firmy zostało wstrzymane.',
  'error.AUTOMATION_STOPPED':
    'Automatyczne logowanie tej firmy jest wstrzymane po blokadzie KSeF (status 480). Wznów je ręcznie po wyjaśnieniu sprawy z Ministerstwem Finansów.',
  'error.LOGIN_BUDGET_EXCEEDED':
    'Wykorzystano limit 30 logowań tej firmy na godzinę. Spróbuj ponownie za {minutes} min.',
  'error.STILL_IN_PROGRESS':
    'KSeF wciąż przetwarza operację. Sprawdź status później przyciskiem „Pobierz status”.',
  'error.SUBMISSION_LOST':
    'Odpowiedź KSeF na wysłane żądanie zaginęła; portfel nie wysyła go drugi raz. Rozpocznij logowanie od nowa.',
  'error.REDEEM_LOST':
    'Odpowiedź z tokenami dostępu zaginęła, a tokeny można pobrać tylko raz. Rozpocznij nowe logowanie.',
  'error.SESSION_ENDED': `Sesja KSeF zakończyła się (wygasła lub została unieważniona). ${RELOGIN_PL}`,
  'error.TOKEN_FAILED':
    'Token KSeF nie jest aktywny (aktywacja nie powiodła się lub token unieważniono). Wygeneruj nowy token.',
  'error.ENROLLMENT_REJECTED':
    'Wniosek certyfikacyjny nie został zrealizowany (status {code}). Złóż nowy wniosek.',
};

const en: Dictionary<KsefMessageKey>['en'] = {
  'ksef.21001': 'KSeF could not read the document. Check that the file is valid XML and try again.',
  'ksef.21111':
    'The authorization challenge has expired or is invalid. Start the login again (download a new authorization request).',
  'ksef.21115':
    'KSeF refused the signing certificate. DEMO and production do not accept self-signed certificates — use a qualified certificate or a KSeF certificate.',
  'ksef.21117':
    'The subject identifier does not fit the chosen context type. Check the company identifier and the certificate you sign with.',
  'ksef.21217': 'Wrong character encoding. Save the file as UTF-8 and sign it again.',
  'ksef.21301':
    'KSeF does not allow this in the current authentication state (e.g. the tokens were already redeemed or the session was revoked). Log in again.',
  'ksef.21304': 'KSeF does not know this authentication operation. Start the login again.',
  'ksef.21308':
    'An attempt to use the authentication methods of a deceased person — KSeF will not issue tokens. Use another person’s credentials.',
  'ksef.21401':
    'The document does not match the authorization request schema. Sign the unchanged request downloaded from the wallet.',
  'ksef.21405': 'KSeF refused the input (validation error, details below). Correct the data and try again.',
  'ksef.21406':
    'The signature does not fit the authentication type: the certificate carries no NIP or PESEL. Use a certificate with an identifier, or log in by certificate fingerprint.',
  'ksef.21418': 'The list’s continuation token is invalid. Load the list from the start.',
  'ksef.21470':
    'The KSeF public key used to encrypt the token is unknown or withdrawn. Try logging in again — the wallet will fetch the current key.',
  'ksef.9101': 'KSeF found the document invalid. Download a new authorization request and sign it again.',
  'ksef.9102':
    'The document carries no signature. Sign the request with an XAdES signature and send the signed file.',
  'ksef.9103': 'The document carries more than one signature. Sign the unchanged request once.',
  'ksef.9104':
    'KSeF refused the signed document (code 9104). Sign the request again; if it happens again, report the code and the trace id.',
  'ksef.9105':
    'The signature is invalid (details below). Do not change the file after signing, and use an XAdES signature with SHA-256.',
  'ksef.25001':
    'Enrollment data is available only in a session authenticated with a signature, not with a KSeF token. Log in with a signature or a KSeF certificate.',
  'ksef.25002':
    'A certificate can be requested only in a session authenticated with a signature, not with a KSeF token. Log in with a signature or a KSeF certificate.',
  'ksef.25003':
    'The CSR does not match the certificate used to log in. Create the request again from the current enrollment data.',
  'ksef.25004': 'The CSR’s format or signature is invalid. Create it again.',
  'ksef.25005':
    'KSeF knows no certificate request with this number. Check the reference number or submit a new request.',
  'ksef.25006':
    'The limit of certificate requests has been reached. Check the limits on the certificates tab.',
  'ksef.25007':
    'The limit of certificates held has been reached. Revoke a certificate you no longer use and try again.',
  'ksef.25008': 'No certificate has this serial number. Refresh the certificate list.',
  'ksef.25009':
    'This certificate cannot be revoked — it is already revoked, blocked or invalid. Refresh the certificate list.',
  'ksef.25010': 'Wrong key type or length. Use an EC P-256 or an RSA 2048 key.',
  'ksef.25011': 'Wrong CSR signature algorithm. Create the request again.',
  'ksef.26001':
    'You cannot give a token permissions you do not have yourself (missing permissions below). Change the chosen permissions.',
  'ksef.26002':
    'A KSeF token can be generated only in a NIP or internal-identifier context. Log in to such a context.',
  'ksef.30001': 'This subject or permission already exists in the test data.',

  'auth.415':
    'Authentication failed: you have no permissions in this company. Ask its owner to grant them, or choose another company.',
  'auth.425': `The authentication was revoked (the session was ended). ${RELOGIN_EN}`,
  'auth.450':
    'Login with the KSeF token failed (details below). Check that the token is active and belongs to this company, or generate a new one.',
  'auth.450.challenge': 'The authorization challenge was invalid or expired. Try logging in again.',
  'auth.450.unknown':
    'KSeF does not recognise this token. Check that it is from this environment and for this company, or generate a new one.',
  'auth.450.time': 'The time in the encrypted token does not match the challenge. Try logging in again.',
  'auth.450.revoked': 'The KSeF token was revoked. Generate a new token.',
  'auth.450.inactive':
    'The KSeF token is not active (its activation is still running or has failed). Wait a moment or generate a new token.',
  'auth.450.encryption':
    'KSeF could not decrypt the token. Try again — the wallet will fetch the current public key.',
  'auth.450.encoding':
    'The token has a wrong format (e.g. a KSeF 1.0 token). Generate a new token in KSeF 2.0.',
  'auth.450.context': 'This token belongs to another company. Use a token generated for this company.',
  'auth.460':
    'Authentication failed because of the certificate (invalid, revoked, suspended or untrusted — details below). Use a valid certificate.',
  'auth.470': 'Authentication failed: an attempt to use the authentication methods of a deceased person.',
  'auth.480':
    'KSeF blocked the authentication (suspected security incident). Automatic logins for this company are stopped. Contact the Ministry of Finance through its report form.',
  'auth.500':
    'KSeF reported an unknown authentication error. Try later; if it happens again, report the reference number.',
  'auth.550': 'KSeF stopped the authentication for internal reasons. Start the login again.',
  'auth.other': 'Authentication failed (status {code}). Start the login again.',

  'enrollment.400':
    'The certificate request was rejected (details below): the key is already certified for another subject, or the certificate limit was reached. Create a new key or revoke a certificate you no longer need.',
  'enrollment.500':
    'An unknown error occurred while issuing the certificate. Submit the request again later.',
  'enrollment.550': 'KSeF stopped processing the request for internal reasons. Submit the request again.',
  'enrollment.other': 'The certificate request was not completed (status {code}).',

  'http.400': 'KSeF refused the request (details below). Correct the data and try again.',
  'http.401': `The KSeF session has expired or the token is invalid. ${RELOGIN_EN}`,
  'http.403': 'KSeF denied access. Check your permissions in this company.',
  'http.403.missing-permissions':
    'Permissions required for this operation are missing. Ask the company’s owner to grant them.',
  'http.403.ip-not-allowed':
    'This session is limited to IP addresses other than your current one. Log in again from this network.',
  'http.403.insufficient-resource-access': 'No access to this resource — it belongs to another subject.',
  'http.403.auth-method-not-allowed':
    'This operation is not available for the way you logged in (e.g. with a KSeF token). Log in with a signature or a KSeF certificate.',
  'http.403.security-service-blocked':
    'The KSeF security service blocked the request. Contact the Ministry of Finance with the incident id.',
  'http.403.context-type-not-allowed': 'This operation is not available in this type of context.',
  'http.404': 'KSeF did not find this resource. Check the chosen environment and try again.',
  'http.410':
    'This operation’s status has expired at KSeF (logins: 7 days, certificate requests: 30 days). Start the operation again.',
  'http.415': 'KSeF did not accept the request format (415). This is a wallet bug — please report it.',
  'http.429': 'KSeF limits the number of requests. Try again in {seconds} s.',
  'http.5xx':
    'KSeF is temporarily unavailable (server error). Try again in a few minutes; TEST and DEMO maintenance usually runs from 16:00 to 18:00.',
  'http.other': 'KSeF answered with an unexpected status {status}. Try again.',

  'crypto.INPUT_TOO_LARGE':
    'The file is too large. Choose the signed authorization request (a few kilobytes).',
  'crypto.BAD_BASE64': 'The data is not valid Base64.',
  'crypto.BAD_DER': 'The certificate or key is damaged (invalid DER).',
  'crypto.NOT_A_CERTIFICATE': 'This is not an X.509 certificate.',
  'crypto.UNSUPPORTED_KEY': 'Unsupported key. Use an EC P-256 or an RSA 2048 key.',
  'crypto.XML_MALFORMED': 'The file is not valid XML. Choose the signed authorization request file.',
  'crypto.XML_DOCTYPE_FORBIDDEN': 'The file contains a DOCTYPE declaration, which KSeF does not accept.',
  'crypto.XML_WRONG_NAMESPACE': 'This is not a KSeF authorization request (AuthTokenRequest).',
  'crypto.AUTH_REQUEST_SCHEMA':
    'The authorization request does not match the schema. Sign the unchanged request from the wallet.',
  'crypto.AUTH_REQUEST_NOT_SIGNED': 'The file is not signed. Sign the request and choose the signed file.',
  'crypto.AUTH_REQUEST_MULTIPLE_SIGNATURES':
    'The file has more than one signature. Sign the unchanged request once.',
  'crypto.AUTH_REQUEST_CHALLENGE_EXPIRED':
    'The challenge in this file has expired (it lives 10 minutes). Download a new authorization request and sign it again.',
  'crypto.AUTH_REQUEST_WRONG_CHALLENGE':
    'The file was signed for another challenge. Sign the request you downloaded from the wallet last.',
  'crypto.AUTH_REQUEST_WRONG_CONTEXT':
    'The file is for another company (another NIP). Sign this company’s request.',
  'crypto.AUTH_REQUEST_NO_SUBJECT_IN_CERTIFICATE':
    'The signing certificate carries no NIP or PESEL. Log in by certificate fingerprint or use another certificate.',
  'crypto.SIGNATURE_MALFORMED': 'The signature is malformed ({element}). Sign the request again.',
  'crypto.SIGNATURE_UNSUPPORTED_ALGORITHM':
    'The wallet cannot check this signature (unsupported algorithm). Use an XAdES signature with SHA-256.',
  'crypto.SIGNATURE_REFERENCE_NOT_FOUND':
    'The signature points to an element that is not in the file ({element}).',
  'crypto.SIGNATURE_DIGEST_MISMATCH':
    'The file was changed after signing (digest mismatch: {element}). Sign the request again and do not edit the file.',
  'crypto.SIGNATURE_INVALID': 'The signature does not verify. Sign the request again.',
  'crypto.SIGNATURE_NOT_XADES':
    'This is not an XAdES signature (no SignedProperties). Choose an enveloped XAdES signature in your tool.',
  'crypto.SIGNATURE_CERTIFICATE_MISMATCH':
    'The certificate in the signature does not belong to the signing key.',
  'crypto.SIGNATURE_KEY_TOO_WEAK': 'The signing key is too weak (RSA ≥ 2048 or EC ≥ 256 required).',
  'crypto.SIGNATURE_CERTIFICATE_NOT_VALID_NOW':
    'The signing certificate is not valid now (expired or not yet valid).',
  'crypto.SIGNING_FAILED': 'The request could not be signed. Unlock the wallet and try again.',
  'crypto.TOKEN_BAD_INPUT': 'The stored KSeF token has a wrong format. Generate a new token.',
  'crypto.ENCRYPTION_FAILED': 'The token could not be encrypted. Try again.',
  'crypto.NO_ENCRYPTION_CERTIFICATE': 'KSeF publishes no valid token-encryption key right now. Try later.',
  'crypto.CERTIFICATE_NOT_RSA':
    'The KSeF public key is not an RSA key of at least 2048 bits; the wallet will not use it.',

  'error.NETWORK': 'No connection to KSeF. Check the network and try again.',
  'error.TIMEOUT': 'KSeF did not answer in time. Try again.',
  'error.ABORTED': 'The operation was cancelled.',
  'error.RESPONSE_TOO_LARGE': 'The KSeF answer is too large and was refused.',
  'error.REQUEST_TOO_LARGE': 'The request is too large (over 1 MiB).',
  'error.REDIRECT_REFUSED':
    'KSeF answered with a redirect, which the wallet does not follow. Check the environment address.',
  'error.EXTENSION_MISSING': 'The KSeF Wallet extension is missing. Install or enable it to connect to KSeF.',
  'error.SENDER_REJECTED': 'The extension refused the sender of the message.',
  'error.BAD_MESSAGE': 'The extension refused an invalid message.',
  'error.NOT_ALLOWED': 'This operation is not allowed in this environment.',
  'error.UNKNOWN_ENVIRONMENT': 'Unknown KSeF environment. Add it in the extension’s options.',
  'error.UNKNOWN_OPERATION': 'Unknown KSeF operation.',
  'error.BAD_PARAMS': 'Invalid parameters for the KSeF request.',
  'error.KSEF_REJECTED': 'KSeF refused the operation (code {code}).',
  'error.RATE_LIMITED': 'KSeF limits the number of requests. Try again in {seconds} s.',
  'error.BAD_RESPONSE': 'KSeF sent an answer the wallet does not understand. Try again later.',
  'error.VAULT_LOCKED': 'The wallet is locked. Unlock it with your passphrase.',
  'error.WRONG_PASSPHRASE': 'Wrong passphrase.',
  'error.UNSUPPORTED_FORMAT': 'Unsupported data format.',
  'error.CORRUPTED': 'The data is damaged.',
  'error.INVALID_INPUT': 'Invalid data. Check it and try again.',
  'error.INTERNAL': 'Internal wallet error. Try again.',
  'error.KSEF_UNAVAILABLE':
    'KSeF is temporarily unavailable (server error). Try again in a few minutes; TEST and DEMO maintenance usually runs from 16:00 to 18:00.',
  'error.AUTH_FAILED': 'Authentication failed (status {code}). Start the login again.',
  'error.AUTH_BLOCKED':
    'KSeF blocked the authentication (suspected security incident). Automatic logins for this company are stopped.',
  'error.AUTOMATION_STOPPED':
    'Automatic logins for this company are stopped after a KSeF block (status 480). Resume them by hand once the matter is settled with the Ministry of Finance.',
  'error.LOGIN_BUDGET_EXCEEDED':
    'This company’s limit of 30 logins per hour is used up. Try again in {minutes} min.',
  'error.STILL_IN_PROGRESS':
    'KSeF is still processing the operation. Check the status later with “Get status”.',
  'error.SUBMISSION_LOST':
    'KSeF’s answer to the submitted request was lost; the wallet does not send it twice. Start the login again.',
  'error.REDEEM_LOST':
    'The answer with the access tokens was lost, and tokens can be redeemed only once. Start a new login.',
  'error.SESSION_ENDED': `The KSeF session has ended (expired or revoked). ${RELOGIN_EN}`,
  'error.TOKEN_FAILED':
    'The KSeF token is not active (its activation failed or it was revoked). Generate a new token.',
  'error.ENROLLMENT_REJECTED':
    'The certificate request was not completed (status {code}). Submit a new request.',
};

export const KSEF_MESSAGES: Dictionary<KsefMessageKey> = Object.freeze({ pl, en });

const has = (key: string): key is KsefMessageKey => Object.hasOwn(pl, key);

function tokenDetailKey(details: readonly string[] | undefined): KsefMessageKey | undefined {
  for (const d of details ?? []) {
    for (const [prefix, key] of Object.entries(TOKEN_FAILURE_DETAILS))
      if (d.trim().startsWith(prefix)) return `auth.450.${key}`;
  }
  return undefined;
}

/** Which text describes `error` best: KSeF's number first, then the HTTP status, then our code. */
export function messageKeyOf(error: WalletError & { readonly reason?: string }): KsefMessageKey {
  const k = error.ksef;
  if (error.code === 'AUTH_FAILED' || error.code === 'AUTH_BLOCKED') {
    if (k?.code === 450) return tokenDetailKey(k.details) ?? 'auth.450';
    const key = `auth.${k?.code}`;
    return has(key) ? key : 'auth.other';
  }
  if (error.code === 'ENROLLMENT_REJECTED') {
    const key = `enrollment.${k?.code}`;
    return has(key) ? key : 'enrollment.other';
  }
  if (error.reason !== undefined && has(`crypto.${error.reason}`))
    return `crypto.${error.reason}` as KsefMessageKey;
  if (
    k &&
    (error.code === 'KSEF_REJECTED' || error.code === 'RATE_LIMITED' || error.code === 'KSEF_UNAVAILABLE')
  ) {
    if (k.code !== undefined && has(`ksef.${k.code}`)) return `ksef.${k.code}` as KsefMessageKey;
    if (k.httpStatus === 403 && k.reasonCode && has(`http.403.${k.reasonCode}`))
      return `http.403.${k.reasonCode}` as KsefMessageKey;
    if (k.httpStatus >= 500) return 'http.5xx';
    if (has(`http.${k.httpStatus}`)) return `http.${k.httpStatus}` as KsefMessageKey;
    return 'http.other';
  }
  const key = `error.${error.code}`;
  return has(key) ? key : 'error.INTERNAL';
}

/** The user-facing text for an error of the KSeF client, in `locale` (Polish by default). */
export function describeKsefError(
  error: WalletError & { readonly reason?: string; readonly element?: string },
  locale: Locale = 'pl',
): string {
  const t = createTranslator(KSEF_MESSAGES, locale);
  const retryAfterMs = error.retryAfterMs ?? 0;
  return t(messageKeyOf(error), {
    code: error.ksef?.code ?? error.ksef?.httpStatus ?? error.code,
    status: error.ksef?.httpStatus ?? '',
    seconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
    minutes: Math.max(1, Math.ceil(retryAfterMs / 60_000)),
    element: error.element ?? '—',
  });
}
