/**
 * Minimal typed translations: Polish is the default locale, English the second. Each UI keeps its
 * own dictionary; this module only picks the text. No HTML is ever produced here.
 */
export const LOCALES = ['pl', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'pl';

export type Dictionary<K extends string> = { readonly [L in Locale]: { readonly [key in K]: string } };

export const isLocale = (x: unknown): x is Locale =>
  typeof x === 'string' && (LOCALES as readonly string[]).includes(x);

export function createTranslator<K extends string>(dict: Dictionary<K>, locale: Locale) {
  /** `{name}` placeholders are replaced by plain text values. */
  return (key: K, values?: Readonly<Record<string, string | number>>): string => {
    const text = dict[locale][key] ?? dict[DEFAULT_LOCALE][key] ?? key;
    return values
      ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m))
      : text;
  };
}
