import { i18n } from '@lingui/core';

/**
 * The message catalog every word of the interface comes from (issue #21, decision 081). Each language, English too, is
 * its own small chunk, loaded before the first paint (i18n/language.ts), so a Hindi reader never downloads the English
 * words. A key is a dotted name ('ask.title'); its message is ICU MessageFormat: placeholders {name}, plurals
 * {count, plural, one {…} other {…}}, tags <0>…</0> for links.
 */
// Core keys (loaded before the first paint) and area keys (loaded with their area's routes: i18n/areas.ts).
export type MessageKey = keyof typeof import('./locales/en.json') | keyof typeof import('./locales/booking/en.json');
export type MessageValues = Record<string, unknown>;

/** The message for a key in the current language, outside React (formatters, titles). Components use useT(). */
export function translate(key: MessageKey, values?: MessageValues): string {
  return i18n._(key, values);
}

export { i18n };

/** Whether the catalog has a key: for words that come as data (a subject's id) and may have a translation. */
export function hasMessage(key: string): key is MessageKey {
  // Every catalog has every key of its area (catalogs.test.ts), so the loaded one answers for all.
  return Object.hasOwn(i18n.messages, key);
}
