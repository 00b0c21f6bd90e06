/**
 * Countries, lists and file sizes in words, in the interface language (issue #21): part of lib/format.ts, which
 * re-exports them, kept in its own file for length. The locale is format.ts's, so they always agree with it.
 */
import { currentLocale, formattingLocale } from './format';

const made = new Map<string, unknown>();
function cached<T>(key: string, make: () => T): T {
  let value = made.get(key) as T | undefined;
  if (value === undefined) {
    value = make();
    made.set(key, value);
  }
  return value;
}

/** A country's name in the interface language: "IN" → "India" (en), "भारत" (hi); the code itself if Intl has none. */
export function regionName(code: string, opts: { locale?: string } = {}): string {
  const locale = opts.locale ? formattingLocale(opts.locale) : currentLocale();
  try {
    return cached(`region|${locale}`, () => new Intl.DisplayNames(locale, { type: 'region' })).of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * A list in the interface language: as a plain list ["Grade 6–8", "University"] → "Grade 6–8, University", or with
 * `and`: ["Asha", "Ravi", "Meera"] → "Asha, Ravi and Meera" ("Asha, Ravi, और Meera").
 */
export function formatList(items: readonly string[], opts: { locale?: string; and?: boolean } = {}): string {
  const locale = opts.locale ? formattingLocale(opts.locale) : currentLocale();
  const options: Intl.ListFormatOptions = opts.and ? { type: 'conjunction', style: 'long' } : { type: 'unit', style: 'short' };
  return cached(`list|${locale}|${options.type}`, () => new Intl.ListFormat(locale, options)).format(items);
}

/** A file's size: "120 kB", "3.4 MB" (decimal units, in the locale's digits and unit names). */
export function formatBytes(bytes: number, opts: { locale?: string } = {}): string {
  const locale = opts.locale ? formattingLocale(opts.locale) : currentLocale();
  if (bytes < 1_000_000) return cached(`kB|${locale}`, () => new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilobyte', unitDisplay: 'short' })).format(Math.max(1, Math.round(bytes / 1000)));
  return cached(`MB|${locale}`, () => new Intl.NumberFormat(locale, { style: 'unit', unit: 'megabyte', unitDisplay: 'short', minimumFractionDigits: 1, maximumFractionDigits: 1 })).format(bytes / 1_000_000);
}
