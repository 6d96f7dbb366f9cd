export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A stored choice if it is a language we have; else the browser's: zh* -> zh-CN, anything else -> en. */
export function detectLanguage(stored: string | null, browser: string | undefined): Language {
  if (stored && (LANGUAGES as readonly string[]).includes(stored)) return stored as Language;
  return /^zh\b/i.test(browser ?? '') ? 'zh-CN' : 'en';
}
