import type { Messages } from '@lingui/core';
import type { UiLanguage } from '@tutorline/contracts';
import { setUiLanguage } from '../lib/format';
import { loadOpenedAreas } from './areas';
import { i18n } from './catalog';
import { preferredLanguage } from './languages';

/** Where the language chosen on this device is kept before (and after) log-in. */
export const languageStorageKey = 'tutorline.language';

// Each language is its own chunk, fetched only by those who read it (Vite compiles the JSON: build/i18n-catalogs.ts).
const loaders: Record<UiLanguage, () => Promise<{ default: unknown }>> = {
  en: () => import('./locales/en.json'),
  hi: () => import('./locales/hi.json'),
};

const loaded = new Set<UiLanguage>();

function readStored(): string | null {
  try {
    return localStorage.getItem(languageStorageKey);
  } catch {
    return null;
  }
}

/** The language to start in: the one chosen on this device, else the browser's when the interface speaks it. */
export function startingLanguage(): UiLanguage {
  return preferredLanguage(readStored(), typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]));
}

export function currentLanguage(): UiLanguage {
  return i18n.locale as UiLanguage;
}

/**
 * Switch the whole interface to a language: its core catalog and the opened areas' (each loaded once), Intl formatting (lib/format), <html lang>,
 * and this device's memory of the choice. Components re-render through I18nProvider.
 */
export async function switchLanguage(language: UiLanguage): Promise<void> {
  if (!loaded.has(language)) {
    const catalog = await loaders[language]();
    i18n.load(language, catalog.default as Messages);
    loaded.add(language);
  }
  // The areas already opened (a booking page on screen) switch with the core, never showing a key meanwhile.
  await loadOpenedAreas(language);
  setUiLanguage(language);
  document.documentElement.lang = language;
  try {
    localStorage.setItem(languageStorageKey, language);
  } catch {
    // Private modes may refuse storage: the choice still holds for this visit.
  }
  if (i18n.locale !== language) i18n.activate(language);
}
