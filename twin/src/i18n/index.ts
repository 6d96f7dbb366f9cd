/**
 * i18next for the twin: English and Simplified Chinese. The first visit follows the browser
 * (zh* -> zh-CN, anything else -> en); a choice in the user menu is kept in localStorage.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json' with { type: 'json' };
import zhCN from './zh-CN.json' with { type: 'json' };

import { detectLanguage, LANGUAGES, type Language } from './detect.ts';

export { LANGUAGES, type Language };
const STORAGE_KEY = 'wetms.lang';

function storedLanguage(): string | null {
  try { return localStorage.getItem(STORAGE_KEY); } catch { return null; }
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  lng: detectLanguage(storedLanguage(), typeof navigator === 'undefined' ? undefined : navigator.language),
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

const syncDocument = (lng: string) => {
  if (typeof document !== 'undefined') {
    document.documentElement.lang = lng;
    document.title = `${i18n.t('app.name')} · ${i18n.t('app.title')}`;
  }
};
syncDocument(i18n.language);
i18n.on('languageChanged', syncDocument);

export function setLanguage(lng: Language) {
  try { localStorage.setItem(STORAGE_KEY, lng); } catch { /* private mode: not persisted */ }
  void i18n.changeLanguage(lng);
}

/** Locale-aware formatting with Intl, for the current language. */
export const fmt = {
  int: (n: number) => new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 0 }).format(n),
  percent: (x: number) => new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 }).format(x),
  time: (at: string | number | Date) => new Intl.DateTimeFormat(i18n.language, { timeStyle: 'medium' }).format(new Date(at)),
  dateTime: (at: string | number | Date) => new Intl.DateTimeFormat(i18n.language,
    { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at)),
  /** A calendar date: 'YYYY-MM-DD' strings are dates, not instants, so they are shown in UTC (no day shift). */
  date: (at: string | number | Date) => new Intl.DateTimeFormat(i18n.language,
    { dateStyle: 'medium', ...(typeof at === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(at) ? { timeZone: 'UTC' } : {}) })
    .format(new Date(at)),
  /** A short date for narrow columns: day and month, with the year only when it is not this year's. */
  shortDate: (at: string | number | Date, now: Date = new Date()) => {
    const d = new Date(at);
    const calendar = typeof at === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(at);
    const year = calendar ? d.getUTCFullYear() : d.getFullYear();
    return new Intl.DateTimeFormat(i18n.language, { day: 'numeric', month: 'short',
      ...(year !== now.getFullYear() ? { year: 'numeric' } : {}), ...(calendar ? { timeZone: 'UTC' } : {}) }).format(d);
  },
  decimal: (n: number, digits = 1) => new Intl.NumberFormat(i18n.language, { maximumFractionDigits: digits }).format(n),
};
