/**
 * What the user reads when a vault operation fails: what went wrong and what to do, in Polish
 * (default) and English, for every reason the vault can return (its own, the crypto envelope's and
 * the domain checks'). The PWA renders these as text, never as HTML.
 */
import type { CryptoErrorCode } from '../../shared/crypto/errors.ts';
import type { DomainErrorCode } from '../../shared/domain/errors.ts';
import { DEFAULT_LOCALE, type Locale } from '../../shared/i18n/translate.ts';
import type { VaultErrorCode, VaultReason } from './errors.ts';

type Text = { readonly pl: string; readonly en: string };

const VAULT: Readonly<Record<VaultErrorCode, Text>> = Object.freeze({
  VAULT_ABSENT: {
    pl: 'Sejf nie został jeszcze utworzony. Utwórz go, ustalając hasło.',
    en: 'There is no vault yet. Create one by choosing a passphrase.',
  },
  VAULT_EXISTS: {
    pl: 'Sejf już istnieje. Odblokuj go swoim hasłem.',
    en: 'A vault already exists. Unlock it with your passphrase.',
  },
  VAULT_LOCKED: {
    pl: 'Sejf jest zablokowany. Odblokuj go hasłem i spróbuj ponownie.',
    en: 'The vault is locked. Unlock it with your passphrase and try again.',
  },
  NOT_FOUND: {
    pl: 'Nie znaleziono tego wpisu — mógł zostać usunięty w innej karcie. Odśwież widok.',
    en: 'This entry was not found — it may have been removed in another tab. Refresh the view.',
  },
  DUPLICATE: {
    pl: 'Taki wpis już istnieje (np. ten NIP w tym środowisku).',
    en: 'This entry already exists (for example this NIP in this environment).',
  },
  WRONG_STAGE: {
    pl: 'Tego kroku nie można teraz wykonać — operacja jest na innym etapie. Odśwież widok.',
    en: 'This step cannot be done now — the operation is at another stage. Refresh the view.',
  },
  BAD_REQUEST: {
    pl: 'Nieprawidłowe dane. Sprawdź wpisane wartości.',
    en: 'Invalid data. Check the values you entered.',
  },
  CERTIFICATE_MISMATCH: {
    pl: 'Ten certyfikat nie pasuje do klucza wygenerowanego dla tego wniosku. Pobierz właściwy certyfikat z KSeF.',
    en: 'This certificate does not match the key generated for this enrollment. Retrieve the right certificate from KSeF.',
  },
  TAMPERED: {
    pl: 'Dane sejfu zostały zmienione poza portfelem. Nie ufaj im; przywróć kopię zapasową i sprawdź komputer.',
    en: 'Vault data was changed outside the wallet. Do not trust it; restore a backup and check this computer.',
  },
  STORAGE_FAILED: {
    pl: 'Nie udało się zapisać danych w przeglądarce. Nic nie zostało zmienione; spróbuj ponownie.',
    en: 'The browser could not store the data. Nothing was changed; try again.',
  },
  BACKUP_EMPTY: {
    pl: 'Nie ma czego eksportować: sejf nie zawiera firm.',
    en: 'Nothing to export: the vault has no companies.',
  },
  BACKUP_BAD_CONTENT: {
    pl: 'Plik kopii jest uszkodzony lub zmieniony. Sejf pozostał bez zmian.',
    en: 'The backup file is damaged or was altered. The vault is unchanged.',
  },
  CONFLICT: {
    pl: 'Dane zmieniły się w międzyczasie w innej karcie. Odśwież widok i spróbuj ponownie.',
    en: 'The data changed meanwhile in another tab. Refresh the view and try again.',
  },
});

type EnvelopeReason = Extract<
  CryptoErrorCode,
  | 'KDF_PARAMS_REFUSED'
  | 'KDF_FAILED'
  | 'WRONG_PASSPHRASE'
  | 'KEYRING_MALFORMED'
  | 'RECORD_BINDING_INVALID'
  | 'SEALED_FIELD_UNSUPPORTED_VERSION'
  | 'SEALED_FIELD_DAMAGED'
  | 'BACKUP_TOO_LARGE'
  | 'BACKUP_FOREIGN'
  | 'BACKUP_NEWER_VERSION'
  | 'BACKUP_UNSUPPORTED'
  | 'BACKUP_TRUNCATED'
  | 'BACKUP_CORRUPTED'
  | 'KEY_WRAP_FAILED'
  | 'KEY_UNWRAP_FAILED'
  | 'NOT_A_CERTIFICATE'
  | 'BAD_DER'
  | 'CSR_BAD_ENROLLMENT_DATA'
>;

const ENVELOPE: Readonly<Record<EnvelopeReason, Text>> = Object.freeze({
  KDF_PARAMS_REFUSED: {
    pl: 'Parametry zabezpieczenia hasła w tym pliku są poza dozwolonym zakresem. Plik odrzucono, nic nie zmieniono.',
    en: 'The passphrase protection parameters in this file are out of the allowed range. The file was refused; nothing changed.',
  },
  KDF_FAILED: {
    pl: 'Przeglądarka nie mogła obliczyć klucza z hasła (brak pamięci lub WebAssembly). Zamknij inne karty i spróbuj ponownie.',
    en: 'The browser could not derive the key from the passphrase (out of memory or no WebAssembly). Close other tabs and try again.',
  },
  WRONG_PASSPHRASE: {
    pl: 'Nieprawidłowe hasło. Nic nie zostało zmienione — spróbuj ponownie.',
    en: 'Wrong passphrase. Nothing was changed — try again.',
  },
  KEYRING_MALFORMED: {
    pl: 'Zapis klucza sejfu jest uszkodzony. Przywróć kopię zapasową.',
    en: 'The vault key record is damaged. Restore a backup.',
  },
  RECORD_BINDING_INVALID: {
    pl: 'Wewnętrzny błąd zapisu. Nic nie zostało zmienione.',
    en: 'Internal storage error. Nothing was changed.',
  },
  SEALED_FIELD_UNSUPPORTED_VERSION: {
    pl: 'Dane zapisała nowsza wersja portfela. Zaktualizuj aplikację.',
    en: 'The data was written by a newer version of the wallet. Update the app.',
  },
  SEALED_FIELD_DAMAGED: {
    pl: 'Zaszyfrowany wpis jest uszkodzony lub przeniesiony z innego miejsca i nie da się go odczytać. Przywróć kopię zapasową.',
    en: 'An encrypted entry is damaged or was moved from elsewhere and cannot be read. Restore a backup.',
  },
  BACKUP_TOO_LARGE: {
    pl: 'Plik jest większy niż 50 MiB — to nie jest kopia portfela. Sejf pozostał bez zmian.',
    en: 'The file is larger than 50 MiB — it is not a wallet backup. The vault is unchanged.',
  },
  BACKUP_FOREIGN: {
    pl: 'To nie jest plik kopii zapasowej KSeF Wallet. Wybierz plik .ksefwallet.',
    en: 'This is not a KSeF Wallet backup file. Choose a .ksefwallet file.',
  },
  BACKUP_NEWER_VERSION: {
    pl: 'Kopię utworzyła nowsza wersja portfela. Zaktualizuj aplikację i spróbuj ponownie.',
    en: 'The backup was made by a newer version of the wallet. Update the app and try again.',
  },
  BACKUP_UNSUPPORTED: {
    pl: 'Ten format kopii nie jest obsługiwany. Sejf pozostał bez zmian.',
    en: 'This backup format is not supported. The vault is unchanged.',
  },
  BACKUP_TRUNCATED: {
    pl: 'Plik kopii jest niekompletny (ucięty). Skopiuj go ponownie w całości.',
    en: 'The backup file is incomplete (truncated). Copy it again in full.',
  },
  BACKUP_CORRUPTED: {
    pl: 'Plik kopii jest uszkodzony lub zmieniony. Sejf pozostał bez zmian.',
    en: 'The backup file is damaged or was altered. The vault is unchanged.',
  },
  KEY_WRAP_FAILED: {
    pl: 'Nie udało się zabezpieczyć klucza. Nic nie zostało zapisane; spróbuj ponownie.',
    en: 'The key could not be protected. Nothing was stored; try again.',
  },
  KEY_UNWRAP_FAILED: {
    pl: 'Klucza prywatnego nie da się odczytać (uszkodzony lub z innego sejfu).',
    en: 'The private key cannot be read (damaged or from another vault).',
  },
  NOT_A_CERTIFICATE: { pl: 'To nie jest certyfikat X.509.', en: 'This is not an X.509 certificate.' },
  BAD_DER: {
    pl: 'Certyfikat jest uszkodzony (niepoprawne kodowanie DER).',
    en: 'The certificate is damaged (invalid DER encoding).',
  },
  CSR_BAD_ENROLLMENT_DATA: {
    pl: 'Dane do wniosku certyfikacyjnego z KSeF są niepełne lub nieprawidłowe. Pobierz je ponownie.',
    en: 'The enrollment data from KSeF is incomplete or invalid. Fetch it again.',
  },
});

const DOMAIN: Readonly<Record<DomainErrorCode, Text>> = Object.freeze({
  NIP_INVALID: {
    pl: 'NIP musi mieć 10 cyfr (myślniki i spacje są dozwolone).',
    en: 'A NIP has 10 digits (hyphens and spaces are allowed).',
  },
  NIP_CHECKSUM: {
    pl: 'To nie jest poprawny NIP: sprawdź cyfry (suma kontrolna się nie zgadza).',
    en: 'This is not a valid NIP: check the digits (the checksum does not match).',
  },
  PESEL_INVALID: {
    pl: 'PESEL musi mieć 11 cyfr i zawierać poprawną datę urodzenia.',
    en: 'A PESEL has 11 digits with a valid date of birth.',
  },
  PESEL_CHECKSUM: {
    pl: 'To nie jest poprawny PESEL: sprawdź cyfry (suma kontrolna się nie zgadza).',
    en: 'This is not a valid PESEL: check the digits (the checksum does not match).',
  },
  COMPANY_NAME_INVALID: {
    pl: 'Podaj nazwę firmy (do 200 znaków, bez znaków sterujących).',
    en: 'Enter a company name (up to 200 characters, no control characters).',
  },
  ENVIRONMENT_INVALID: {
    pl: 'Wybierz środowisko KSeF: TEST, DEMO lub PRD.',
    en: 'Choose a KSeF environment: TEST, DEMO or PRD.',
  },
  PASSPHRASE_TOO_WEAK: {
    pl: 'To hasło jest za słabe. Użyj co najmniej pięciu przypadkowych słów lub dłuższej, nietypowej frazy.',
    en: 'This passphrase is too weak. Use at least five random words or a longer, unusual phrase.',
  },
  PASSPHRASE_TOO_LONG: {
    pl: 'Hasło jest za długie (najwyżej 1024 znaki).',
    en: 'The passphrase is too long (1024 characters at most).',
  },
  AUTO_LOCK_OUT_OF_RANGE: {
    pl: 'Automatyczna blokada: od 5 do 240 minut.',
    en: 'Auto-lock: from 5 to 240 minutes.',
  },
});

const ALL: Readonly<Record<string, Text>> = Object.freeze({ ...VAULT, ...ENVELOPE, ...DOMAIN });

/** Reasons with their own message; anything else falls back to the general text. */
export const MESSAGE_REASONS = Object.freeze(Object.keys(ALL) as VaultReason[]);

const FALLBACK: Text = {
  pl: 'Operacja się nie powiodła. Nic nie zostało zmienione; spróbuj ponownie.',
  en: 'The operation failed. Nothing was changed; try again.',
};

export function vaultMessage(reason: string, locale: Locale = DEFAULT_LOCALE): string {
  return (ALL[reason] ?? FALLBACK)[locale];
}
