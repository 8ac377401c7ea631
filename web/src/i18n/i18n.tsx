import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import type { CombinedError } from 'urql';
import en from './en.json';
import zhCN from './zh-CN.json';
import requesterEn from './requester.en.json';
import requesterZhCN from './requester.zh-CN.json';
// Types only: the console's task-kind strings travel in its lazy chunk (console-kinds-messages.ts).
import type consoleKindsEn from './console-kinds.en.json';

/** Every string a person reads, keyed by meaning (en.json is the reference key set). */
export type MessageKey = keyof typeof en | keyof typeof requesterEn | keyof typeof consoleKindsEn;
/** Whether `key` names a message (for keys built from API values, such as a method name). */
export function isMessageKey(key: string): key is MessageKey {
  return key in DICTIONARIES.en;
}
/** The languages the app ships. */
export type Locale = 'en' | 'zh-CN';

const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = {
  en: { ...en, ...requesterEn } as Record<MessageKey, string>,
  'zh-CN': { ...zhCN, ...requesterZhCN } as Record<MessageKey, string>,
};

/**
 * Adds the strings of a lazily loaded screen, which its chunk carries so that the first screen
 * does not; call it when the chunk's module loads, before any of its components renders.
 */
export function addMessages(messages: Record<Locale, Record<string, string>>): void {
  Object.assign(DICTIONARIES.en, messages.en);
  Object.assign(DICTIONARIES['zh-CN'], messages['zh-CN']);
}
/** Shown in the language switcher, each in its own language. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };
const PREFERENCE_KEY = 'quorum.locale';

/** A translator: `t('catalogue.start', { name })` fills `{name}`. */
export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

interface I18nValue {
  readonly locale: Locale;
  readonly t: Translate;
  setLocale(locale: Locale): void;
}

const I18nContext = createContext<I18nValue | null>(null);

/** The browser's preferred language when we ship it (any Chinese → zh-CN), else English. */
export function browserLocale(languages: readonly string[]): Locale {
  for (const language of languages) {
    if (language.toLowerCase().startsWith('zh')) return 'zh-CN';
    if (language.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
}

function initialLocale(): Locale {
  // Only the language choice is remembered locally: never a token.
  const saved = window.localStorage.getItem(PREFERENCE_KEY);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return browserLocale(navigator.languages ?? [navigator.language]);
}

/** Provides the locale, its translator and the switch; sets `<html lang>`. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  document.documentElement.lang = locale;
  const setLocale = useCallback((next: Locale) => {
    window.localStorage.setItem(PREFERENCE_KEY, next);
    setLocaleState(next);
  }, []);
  const value = useMemo<I18nValue>(() => {
    const dictionary = DICTIONARIES[locale];
    const t: Translate = (key, values) =>
      (dictionary[key] ?? DICTIONARIES.en[key]).replace(/\{(\w+)\}/g, (whole, name: string) =>
        values && name in values ? String(values[name]) : whole,
      );
    return { locale, t, setLocale };
  }, [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The current locale and translator. */
export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

/**
 * The one mapping from an API error to a human message: by `extensions.code`, never by the
 * server's `message` (which is English and may change).
 */
export function errorMessage(t: Translate, error: CombinedError | undefined | null): string {
  if (!error) return '';
  if (error.networkError && error.graphQLErrors.length === 0) return t('error.NETWORK');
  const code = error.graphQLErrors[0]?.extensions?.code;
  const key = `error.${String(code)}`;
  return key in DICTIONARIES.en ? t(key as MessageKey) : t('error.UNKNOWN');
}
