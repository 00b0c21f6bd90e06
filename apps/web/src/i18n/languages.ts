import type { UiLanguage } from '@tutorline/contracts';

/**
 * The languages the interface speaks, each named in itself (an endonym is never translated). Adding one: a catalog
 * locales/<code>.json with every key of en.json, its loader in language.ts, and the code in contracts' uiLanguages.
 */
export const languages = [
  { code: 'en', name: 'English' },
  { code: 'hi', name: 'हिन्दी' },
] as const satisfies readonly { code: UiLanguage; name: string }[];

export function isUiLanguage(code: unknown): code is UiLanguage {
  return languages.some((l) => l.code === code);
}

/** The language to start in before anyone logs in: the one chosen on this device, else the browser's if we speak it. */
export function preferredLanguage(stored: string | null, browser: readonly string[]): UiLanguage {
  if (isUiLanguage(stored)) return stored;
  for (const tag of browser) {
    const code = tag.split('-')[0]?.toLowerCase();
    if (isUiLanguage(code)) return code;
  }
  return 'en';
}
