/**
 * The console's languages: English and Dutch, on i18next with react-i18next. Antwerp's staff and drivers work in
 * Dutch, hauliers across Europe in English (issue 14).
 *
 * The language is the person's stored choice, else the browser's first language we speak (`nl*` → Dutch), else
 * English. Choosing another one in the header switches every page at once, remembers the choice on this device
 * and sets `<html lang>` (WCAG 3.1.1), so screen readers read the page in its language.
 *
 * Dates and numbers are formatted with `Intl` in {@link intlLocale}: the chosen language, in the browser's own
 * region when the browser speaks that language (en-US, en-GB, nl-NL…), else in Flanders' for Dutch and Britain's for
 * English. Plurals follow i18next's `_one`/`_other` keys, resolved with `Intl.PluralRules` of the language.
 */
import i18next from 'i18next';
import { useSyncExternalStore } from 'react';
import { initReactI18next } from 'react-i18next';
import { en, nl } from './resources.js';

export const languages = ['en', 'nl'] as const;
export type Language = (typeof languages)[number];

/** Each language by its own name, as a switcher offers it (a Dutch speaker looks for "Nederlands", not "Dutch"). */
export const languageNames: Record<Language, string> = { en: 'English', nl: 'Nederlands' };

const STORAGE_KEY = 'portledger.language';

const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (languages as readonly string[]).includes(value);

/**
 * The language to start in: a stored choice, else the first of the browser's languages we speak, else English.
 *
 * @example
 * ```ts
 * chooseLanguage(null, ['nl-BE', 'en']); // 'nl'
 * chooseLanguage('en', ['nl-BE']); // 'en': the person chose English on this device
 * chooseLanguage(null, ['fr-BE', 'de']); // 'en'
 * ```
 */
export function chooseLanguage(stored: string | null, browserLanguages: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of browserLanguages) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/**
 * The BCP 47 locale `Intl` formats in for `language`: the browser's own tag when it is of that language, so its
 * region's conventions hold (12- or 24-hour clock, date order), else a default region of the language.
 *
 * @example
 * ```ts
 * localeFor('en', ['en-US']); // 'en-US'
 * localeFor('nl', ['en-US']); // 'nl-BE'
 * ```
 */
export function localeFor(language: Language, browserLanguages: readonly string[]): string {
  const own = browserLanguages.find((tag) => tag.toLowerCase().split('-')[0] === language);
  if (own) return own;
  return language === 'nl' ? 'nl-BE' : 'en-GB';
}

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

function storedLanguage(): string | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage may be refused (private mode, policy): the browser's language decides then.
    return null;
  }
}

function markDocument(language: Language): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

void i18next.use(initReactI18next).init({
  resources: { en, nl } as never,
  lng: chooseLanguage(storedLanguage(), browserLanguages()),
  fallbackLng: 'en',
  supportedLngs: [...languages],
  ns: Object.keys(en),
  defaultNS: 'common',
  // The resources are bundled: ready before the first render, no Suspense needed.
  initAsync: false,
  // React escapes what it renders; escaping here too would show `&amp;`.
  interpolation: { escapeValue: false },
  returnNull: false,
  react: { useSuspense: false },
});
markDocument(currentLanguage());

/** The language the console speaks now. */
export function currentLanguage(): Language {
  const language = i18next.resolvedLanguage ?? i18next.language;
  return isLanguage(language) ? language : 'en';
}

/** The `Intl` locale of the current language. */
export function intlLocale(): string {
  return localeFor(currentLanguage(), browserLanguages());
}

/** Switches the console to `language` at once, remembers it on this device, and marks `<html lang>`. */
export function setLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered, but switched all the same.
  }
  void i18next.changeLanguage(language);
}

i18next.on('languageChanged', () => markDocument(currentLanguage()));

function subscribe(listener: () => void): () => void {
  i18next.on('languageChanged', listener);
  return () => i18next.off('languageChanged', listener);
}

/** The current language, re-rendering the caller when it changes. */
export function useLanguage(): Language {
  return useSyncExternalStore(subscribe, currentLanguage, currentLanguage);
}

export { i18next };
