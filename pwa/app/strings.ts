import type { Dictionary } from '../../shared/i18n/translate.ts';

export const APP_STRINGS = {
  pl: {
    appTitle: 'KSeF Wallet',
    tagline:
      'Portfel poświadczeń KSeF twojej firmy — klucze, certyfikaty i tokeny zostają w tej przeglądarce.',
    extensionChecking: 'Sprawdzanie rozszerzenia KSeF Wallet…',
    extensionConnected: 'Rozszerzenie KSeF Wallet połączone (wersja {version}).',
    extensionMissing:
      'Nie znaleziono rozszerzenia KSeF Wallet. KSeF nie pozwala stronom łączyć się bezpośrednio, dlatego połączenia z KSeF przechodzą przez rozszerzenie. Zainstaluj je i odśwież stronę.',
    environments: 'Dostępne środowiska KSeF',
    language: 'Język',
  },
  en: {
    appTitle: 'KSeF Wallet',
    tagline: "Your firm's KSeF credential wallet — keys, certificates and tokens stay in this browser.",
    extensionChecking: 'Looking for the KSeF Wallet extension…',
    extensionConnected: 'KSeF Wallet extension connected (version {version}).',
    extensionMissing:
      'The KSeF Wallet extension was not found. KSeF does not let web pages connect to it directly, so KSeF traffic goes through the extension. Install it and reload this page.',
    environments: 'Available KSeF environments',
    language: 'Language',
  },
} as const satisfies Dictionary<string>;

export type AppStringKey = keyof (typeof APP_STRINGS)['pl'];
