import { i18n, type Messages } from '@lingui/core';
import en from './locales/en.json';

/**
 * The message catalog every word of the interface comes from (issue #21, decision 081). English is in the first
 * download; other languages load when chosen (i18n/language.ts). A key is a dotted name ('ask.title'); its message is
 * ICU MessageFormat: placeholders {name}, plurals {count, plural, one {…} other {…}}, tags <0>…</0> for links.
 */
export type MessageKey = keyof typeof en;
export type MessageValues = Record<string, unknown>;

// Vite compiles the JSON catalogs at build time (build/i18n-catalogs.ts), so the module holds compiled messages.
i18n.load('en', en as unknown as Messages);
i18n.activate('en');

/** The message for a key in the current language, outside React (formatters, titles). Components use useT(). */
export function translate(key: MessageKey, values?: MessageValues): string {
  return i18n._(key, values);
}

export { i18n };

/** Whether the catalog has a key: for words that come as data (a subject's id) and may have a translation. */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}
