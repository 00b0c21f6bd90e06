/**
 * The one place the web app turns instants, calendar dates, money, durations, counts and time zones into words
 * (issue #13). Everything is built on `Intl` with the user's locale, so a page never mixes "4:50 AM" with "05:30".
 * Components never call `Intl` or `toLocale*String` themselves: eslint.config.js forbids it outside this file.
 *
 * The locale is the interface's language (setUiLanguage, from i18n/language.ts) in the user's region: the browser's
 * (navigator.languages) or one set with setLocale. Dates stay in the language of the sentence around them: with the
 * interface in English, a hi-IN browser formats as en-IN (12-hour clock, Indian grouping); in Hindi it formats as hi-IN
 * (decision 033, extended by 081). Money in rupees always uses Indian grouping (₹1,00,000).
 */
import { translate } from '../i18n/catalog';

/** An instant: an ISO string, epoch milliseconds or a Date. */
export type When = string | number | Date;

/** Languages the interface is written in (contracts' uiLanguages). A translation adds its language here. */
export const UI_LANGUAGES: readonly string[] = ['en', 'hi'];

/** The language the interface is showing now: dates and numbers are written in it. */
let uiLanguage = 'en';

/** Options most formatters take: the IANA zone to read the instant in (the browser's when absent), and a locale for tests. */
export interface ZoneOptions {
  zone?: string | undefined;
  locale?: string | undefined;
}

const toDate = (at: When): Date => (at instanceof Date ? at : new Date(at));

// ---------------------------------------------------------------------------------------------------------------
// Locale

/** The locale a data locale really resolves to, or null when Intl only has a fallback for it (en-BR → en). */
function resolvesTo(tag: string): string | null {
  try {
    return new Intl.DateTimeFormat(tag).resolvedOptions().locale === tag ? tag : null;
  } catch {
    return null;
  }
}

/**
 * The locale to format with for a requested one (a browser's navigator.language, a settings locale), while the
 * interface shows `language` (English by default): the requested locale itself when it is in that language; otherwise
 * that language in the user's region when Intl knows that variant (hi-IN → en-IN), else the plain language; either
 * way keeping the user's own 12/24-hour clock (pt-BR → en-u-hc-h23).
 */
export function formattingLocale(requested: string | null | undefined, language: string = uiLanguage): string {
  const plain = resolvesTo(language) ?? 'en';
  if (!requested) return plain;
  let locale: Intl.Locale;
  try {
    locale = new Intl.Locale(requested);
  } catch {
    return plain;
  }
  if (locale.language === language) return resolvesTo(locale.baseName) ?? plain;
  const region = locale.region ?? locale.maximize().region;
  const base = (region && resolvesTo(`${language}-${region}`)) || plain;
  const hourCycle = new Intl.DateTimeFormat(locale.baseName, { timeStyle: 'short' }).resolvedOptions().hourCycle;
  return hourCycle ? `${base}-u-hc-${hourCycle}` : base;
}

let override: string | null = null;
let browserLocale: string | null = null;
const resolved = new Map<string, string>();

/** Use this locale from now on (a settings locale); null goes back to the browser's. */
export function setLocale(locale: string | null): void {
  override = locale;
  browserLocale = null;
}

/** The interface now shows this language ('en', 'hi'): format in it from now on. */
export function setUiLanguage(language: string): void {
  if (language === uiLanguage) return;
  uiLanguage = language;
  browserLocale = null;
  resolved.clear();
}

/** The locale every formatter uses unless told otherwise. */
export function currentLocale(): string {
  if (override) return localeFor(override);
  if (!browserLocale) {
    const nav = typeof navigator === 'undefined' ? undefined : navigator;
    browserLocale = formattingLocale(nav?.languages?.[0] ?? nav?.language);
  }
  return browserLocale;
}

function localeFor(requested: string | undefined): string {
  if (!requested) return currentLocale();
  let locale = resolved.get(requested);
  if (!locale) {
    locale = formattingLocale(requested);
    resolved.set(requested, locale);
  }
  return locale;
}

// ---------------------------------------------------------------------------------------------------------------
// Cached Intl objects (creating one costs far more than using it)

const cache = new Map<string, unknown>();
function cached<T>(kind: string, locale: string, options: object, make: () => T): T {
  const key = `${kind}|${locale}|${JSON.stringify(options)}`;
  let value = cache.get(key) as T | undefined;
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

/** A date formatter; an unknown zone (bad data) falls back to UTC rather than breaking the page. */
function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cached('dt', locale, options, () => {
    try {
      return new Intl.DateTimeFormat(locale, options);
    } catch {
      return new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
    }
  });
}

/** How the locale writes a short time: its hour digits and 12/24-hour cycle, reused when a time joins a date. */
function clockOptions(locale: string): Pick<Intl.DateTimeFormatOptions, 'hour' | 'minute' | 'hourCycle'> {
  return cached('clock', locale, {}, () => {
    const short = new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: 'UTC' });
    // resolvedOptions() says "numeric" for en-GB's "05:30": look at how 01:05 is written instead.
    const hourText = short.formatToParts(Date.UTC(2000, 0, 1, 1, 5)).find((p) => p.type === 'hour')?.value ?? '';
    return { hour: hourText.length === 2 ? '2-digit' : 'numeric', minute: '2-digit', hourCycle: short.resolvedOptions().hourCycle };
  });
}

const numberFormat = (locale: string, options: Intl.NumberFormatOptions = {}) => cached('num', locale, options, () => new Intl.NumberFormat(locale, options));

// ---------------------------------------------------------------------------------------------------------------
// Times and dates

/** A wall-clock time: "05:30" (en-GB), "5:30 AM" (en-US), "5:30 am" (hi-IN). */
export function formatTime(at: When, opts: ZoneOptions = {}): string {
  const locale = localeFor(opts.locale);
  return dateFormat(locale, { timeZone: opts.zone, timeStyle: 'short' }).format(toDate(at));
}

/** From one time to another: "05:30–06:30", "5:30 – 6:30 AM". */
export function formatTimeRange(start: When, end: When, opts: ZoneOptions = {}): string {
  const locale = localeFor(opts.locale);
  return dateFormat(locale, { timeZone: opts.zone, ...clockOptions(locale) }).formatRange(toDate(start), toDate(end));
}

export type DateStyle = 'medium' | 'long' | 'weekday' | 'day' | 'weekdayOnly';
const dateStyles: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  /** "30 Nov 2026", "Nov 30, 2026" */
  medium: { dateStyle: 'medium' },
  /** "Monday 30 November", "Monday, November 30" */
  long: { weekday: 'long', day: 'numeric', month: 'long' },
  /** "Mon 30 Nov", "Mon, Nov 30" */
  weekday: { weekday: 'short', day: 'numeric', month: 'short' },
  /** "Mon 30" (a day in a strip of days) */
  day: { weekday: 'short', day: 'numeric' },
  /** "Mon" */
  weekdayOnly: { weekday: 'short' },
};

/** The date of an instant in a zone, in one of the styles above (medium by default). */
export function formatDate(at: When, opts: ZoneOptions & { style?: DateStyle } = {}): string {
  const locale = localeFor(opts.locale);
  return dateFormat(locale, { timeZone: opts.zone, ...dateStyles[opts.style ?? 'medium'] }).format(toDate(at));
}

/** Same calendar day in the zone (for "today at …"). */
function sameDay(a: Date, b: Date, zone: string | undefined): boolean {
  return calendarDate(a, zone) === calendarDate(b, zone);
}

/**
 * A date and time: "Mon 30 Nov, 05:30" ("Mon, Nov 30, 5:30 AM"); with `year`: "30 Nov 2026, 05:30"; with `now`, an
 * instant on the same day reads "today at 05:30".
 */
export function formatDateTime(at: When, opts: ZoneOptions & { year?: boolean; now?: When } = {}): string {
  const locale = localeFor(opts.locale);
  const date = toDate(at);
  if (opts.now !== undefined && sameDay(date, toDate(opts.now), opts.zone)) return translate('format.todayAt', { time: formatTime(date, opts) });
  const options: Intl.DateTimeFormatOptions = opts.year ? { dateStyle: 'medium', timeStyle: 'short' } : { ...dateStyles.weekday, ...clockOptions(locale) };
  return dateFormat(locale, { timeZone: opts.zone, ...options }).format(date);
}

/** A span: "Mon 30 Nov, 05:30–06:30"; the date is repeated only when the span crosses midnight. */
export function formatDateTimeRange(start: When, end: When, opts: ZoneOptions = {}): string {
  const locale = localeFor(opts.locale);
  return dateFormat(locale, { timeZone: opts.zone, ...dateStyles.weekday, ...clockOptions(locale) }).formatRange(toDate(start), toDate(end));
}

/** The calendar date ("YYYY-MM-DD") of an instant in a zone: a key for grouping, not for reading. */
export function calendarDate(at: When, zone?: string): string {
  const parts = dateFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(toDate(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * A calendar date ("2026-11-27") in words: no zone shifts it ("Friday 27 November"). The 'day' style, for a strip
 * of days, always puts the weekday first ("Fri 27"), where en-US alone would write "27 Fri".
 */
export function formatCalendarDate(date: string, opts: { style?: DateStyle; locale?: string } = {}): string {
  const at = `${date}T12:00:00Z`;
  if (opts.style !== 'day') return formatDate(at, { zone: 'UTC', style: opts.style ?? 'long', locale: opts.locale });
  const parts = dateFormat(localeFor(opts.locale), { timeZone: 'UTC', ...dateStyles.day }).formatToParts(toDate(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('weekday')} ${get('day')}`;
}

/** A "YYYY-MM" month: "November 2026". Anything else is returned as it is. */
export function formatMonth(month: string, opts: { locale?: string } = {}): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  const locale = localeFor(opts.locale);
  return dateFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)));
}

// ---------------------------------------------------------------------------------------------------------------
// Relative times and durations

const relativeFormat = (locale: string) => cached('rel', locale, {}, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));

/**
 * How long ago (or until) an instant, seen at `now`: "now", "5 minutes ago", "in 3 hours", "yesterday"; past a day
 * it gives the date and time instead.
 */
export function formatRelative(at: When, now: When, opts: ZoneOptions = {}): string {
  const locale = localeFor(opts.locale);
  const seconds = (toDate(at).getTime() - toDate(now).getTime()) / 1000;
  const abs = Math.abs(seconds);
  const rtf = relativeFormat(locale);
  if (abs < 45) return rtf.format(0, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3600), 'hour');
  return formatDateTime(at, { ...opts, year: true });
}

/** How long until something `ms` ahead: "in 12 minutes", "in 5 hours", "in 3 days" (rounded up for minutes). */
export function formatUntil(ms: number, opts: { locale?: string } = {}): string {
  const locale = localeFor(opts.locale);
  const rtf = relativeFormat(locale);
  if (ms <= 0) return rtf.format(0, 'second');
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return rtf.format(minutes, 'minute');
  if (minutes < 48 * 60) return rtf.format(Math.floor(minutes / 60), 'hour');
  return rtf.format(Math.round(minutes / 1440), 'day');
}

const unitFormat = (locale: string, unit: 'minute' | 'hour' | 'day') => numberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' });

/** A number of minutes as a length: "60 min" (a lesson length: always in minutes). */
export function formatMinutes(minutes: number, opts: { locale?: string } = {}): string {
  return unitFormat(localeFor(opts.locale), 'minute').format(minutes);
}

/** A duration in minutes, in hours and minutes: "45 min", "2 hr", "1 hr 30 min"; whole days when it is days. */
export function formatDuration(minutes: number, opts: { locale?: string } = {}): string {
  const locale = localeFor(opts.locale);
  const m = Math.max(0, Math.round(minutes));
  if (m >= 1440 && m % 1440 === 0) return unitFormat(locale, 'day').format(m / 1440);
  const h = Math.floor(m / 60);
  const rest = m % 60;
  const parts = [...(h ? [unitFormat(locale, 'hour').format(h)] : []), ...(rest || !h ? [unitFormat(locale, 'minute').format(rest)] : [])];
  return cached('list', locale, {}, () => new Intl.ListFormat(locale, { type: 'unit', style: 'narrow' })).format(parts);
}

/** A running clock of elapsed or remaining seconds: 42 → "0:42", 605 → "10:05", 3725 → "1:02:05". Negative counts as zero. */
export function formatCountdown(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers, money and counts

/** A number in the locale's digits and grouping: 1234567 → "1,234,567" (en), "12,34,567" (en-IN). */
export function formatNumber(n: number, opts: { locale?: string | undefined; minimumFractionDigits?: number; maximumFractionDigits?: number } = {}): string {
  const { locale, ...digits } = opts;
  return numberFormat(localeFor(locale), digits).format(n);
}

/** Minor digits of a currency (INR, USD: 2; JPY: 0), from Intl; 2 for an unknown code. */
export function currencyDigits(currency: string): number {
  try {
    return numberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Rupees are grouped the Indian way in every locale (₹1,00,000): the locale's language in India when Intl has it. */
function moneyLocale(locale: string, currency: string): string {
  if (currency !== 'INR') return locale;
  const language = new Intl.Locale(locale).language;
  return resolvesTo(`${language}-IN`) ?? 'en-IN';
}

/**
 * An amount in minor units: 12550 INR → "₹125.50", 10000000 INR → "₹1,00,000.00"; the minor digits come from the
 * currency (JPY has none).
 */
export function formatMoney(amountMinor: number, currency: string, opts: { locale?: string } = {}): string {
  try {
    const format = numberFormat(moneyLocale(localeFor(opts.locale), currency), { style: 'currency', currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amountMinor / 10 ** digits);
  } catch {
    // An unknown currency code: show it plainly rather than fail.
    return `${(amountMinor / 100).toFixed(2)} ${currency}`;
  }
}

export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/**
 * The form of a phrase for a count, by the locale's plural rules; "#" becomes the count, written for the locale:
 * plural(1, { one: '# lesson', other: '# lessons' }) → "1 lesson". (ICU messages come with translations.)
 */
export function plural(n: number, forms: PluralForms, opts: { locale?: string } = {}): string {
  const locale = localeFor(opts.locale);
  const rule = cached('plural', locale, {}, () => new Intl.PluralRules(locale)).select(n);
  const form = (n === 0 ? forms.zero : undefined) ?? forms[rule] ?? forms.other;
  return form.replaceAll('#', formatNumber(n, { locale: opts.locale }));
}

// ---------------------------------------------------------------------------------------------------------------
// Time zones

/** Whether the runtime knows an IANA zone. */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The browser's own zone as it reports it (possibly an old name such as Asia/Calcutta), or undefined. */
export function browserTimeZone(): string | undefined {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
}

const utcNames = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Etc/Zulu']);

/** The city of an IANA zone: "America/New_York" → "New York", "America/Argentina/Buenos_Aires" → "Buenos Aires". */
export function zoneCity(zone: string): string {
  if (utcNames.has(zone)) return 'UTC';
  return (zone.split('/').pop() ?? zone).replaceAll('_', ' ');
}

/** The zone's generic name in the locale: "Eastern Time", "India Standard Time"; null when Intl has none. */
export function zoneGenericName(zone: string, opts: { locale?: string; at?: When } = {}): string | null {
  const locale = localeFor(opts.locale);
  try {
    const parts = cached('tzname', locale, { zone }, () => new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'longGeneric' })).formatToParts(toDate(opts.at ?? 0));
    const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? null;
    // Intl answers "GMT+05:30" for zones it has no name for: that is an offset, not a name.
    return name && !/^(GMT|UTC)([+-−]|$)/.test(name) ? name : null;
  } catch {
    return null;
  }
}

/**
 * A zone as people say it: "New York time" (from the IANA city), "UTC" for UTC; `title` is for hovering: the
 * generic name and the IANA name, "Eastern Time (America/New_York)".
 */
export function zoneName(zone: string, opts: { locale?: string } = {}): { label: string; city: string; title: string } {
  const city = zoneCity(zone);
  const generic = zoneGenericName(zone, opts);
  const label = city === 'UTC' ? 'UTC' : zone.includes('/') ? translate('format.cityTime', { city }) : (generic ?? zone);
  return { label, city, title: generic && generic !== label ? `${generic} (${zone})` : zone };
}

/** A zone in a list of zones: "New York · Eastern Time" (the city, then the generic name when Intl has one). */
export function zoneOptionLabel(zone: string, opts: { locale?: string } = {}): string {
  const city = zoneCity(zone);
  const generic = zoneGenericName(zone, opts);
  return generic && generic !== city ? `${city} · ${generic}` : city;
}

// Names of countries, lists and sizes: format-lists.ts (the same locale and Intl rules, kept apart for length).
export { formatBytes, formatList, regionName } from './format-lists';
