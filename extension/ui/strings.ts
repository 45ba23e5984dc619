import type { Dictionary } from '../../shared/i18n/translate.ts';

export const EXTENSION_STRINGS = {
  pl: {
    optionsTitle: 'KSeF Wallet — ustawienia rozszerzenia',
    environments: 'Środowiska KSeF',
    builtIn: 'wbudowane',
    custom: 'lokalne',
    addSandbox: 'Dodaj lokalny sandbox',
    sandboxName: 'Nazwa',
    sandboxUrl: 'Adres API (http://127.0.0.1:PORT/v2)',
    add: 'Dodaj',
    remove: 'Usuń',
    added: 'Dodano środowisko {name}.',
    badUrl: 'Adres musi mieć postać http://127.0.0.1:PORT/v2 lub http://localhost:PORT/v2.',
    permissionDenied: 'Bez zgody na dostęp do adresu lokalnego sandbox nie zadziała.',
    popupTitle: 'KSeF Wallet',
    openWallet: 'Otwórz portfel',
    version: 'Wersja {version}',
    options: 'Ustawienia',
  },
  en: {
    optionsTitle: 'KSeF Wallet — extension settings',
    environments: 'KSeF environments',
    builtIn: 'built in',
    custom: 'local',
    addSandbox: 'Add a local sandbox',
    sandboxName: 'Name',
    sandboxUrl: 'API address (http://127.0.0.1:PORT/v2)',
    add: 'Add',
    remove: 'Remove',
    added: 'Environment {name} added.',
    badUrl: 'The address must look like http://127.0.0.1:PORT/v2 or http://localhost:PORT/v2.',
    permissionDenied: 'Without access to the local address the sandbox cannot work.',
    popupTitle: 'KSeF Wallet',
    openWallet: 'Open wallet',
    version: 'Version {version}',
    options: 'Settings',
  },
} as const satisfies Dictionary<string>;

export type ExtensionStringKey = keyof (typeof EXTENSION_STRINGS)['pl'];

export function browserLocale(): 'pl' | 'en' {
  return navigator.language.toLowerCase().startsWith('en') ? 'en' : 'pl';
}
