import { afterEach, describe, expect, it } from 'vitest';
import { formatBytes, formatDate, formatDateTime, formatList, formatMoney, formatNumber, formattingLocale, formatTime, plural, regionName, setLocale, setUiLanguage } from './format';

// 10:30 UTC on Monday 30 November 2026: 16:00 in Kolkata.
const at = '2026-11-30T10:30:00Z';
const kolkata = 'Asia/Kolkata';

afterEach(() => {
  setUiLanguage('en');
  setLocale(null);
});

describe('formatting in the interface language (issue #21)', () => {
  it('formats in the interface language, in the user’s region', () => {
    expect(formattingLocale('hi-IN', 'hi')).toBe('hi-IN');
    expect(formattingLocale('hi-IN', 'en')).toBe('en-IN-u-hc-h12');
    expect(formattingLocale(undefined, 'hi')).toBe('hi');
    // An English browser in Britain with the interface in Hindi: Hindi words, the British 24-hour clock.
    expect(formattingLocale('en-GB', 'hi')).toBe('hi-u-hc-h23');
  });

  it('writes dates and times in Hindi when the interface is in Hindi', () => {
    setUiLanguage('hi');
    setLocale('hi-IN');
    expect(formatDate(at, { zone: kolkata, style: 'long' })).toBe('सोमवार, 30 नवंबर');
    expect(formatTime(at, { zone: kolkata })).toBe('4:00 pm');
    expect(formatDateTime(at, { zone: kolkata, year: true })).toBe('30 नव॰ 2026, 4:00 pm');
    // Back to English: the same browser locale formats as English in India.
    setUiLanguage('en');
    expect(formatDate(at, { zone: kolkata, style: 'long' })).toBe('Monday, 30 November');
  });

  it('groups numbers and rupees the Indian way', () => {
    setUiLanguage('hi');
    setLocale('hi-IN');
    expect(formatNumber(1234567)).toBe('12,34,567');
    expect(formatMoney(10_000_000, 'INR')).toBe('₹1,00,000.00');
    expect(plural(1500, { one: '# पाठ', other: '# पाठ' })).toBe('1,500 पाठ');
  });

  it('groups rupees the Indian way even in a locale that groups by thousands', () => {
    expect(formatMoney(10_000_000, 'INR', { locale: 'en-US' })).toBe('₹1,00,000.00');
    expect(formatMoney(10_000_000, 'INR', { locale: 'en-GB' })).toBe('₹1,00,000.00');
    // Other currencies keep the locale's grouping.
    expect(formatMoney(10_000_000, 'USD', { locale: 'en-US' })).toBe('$100,000.00');
  });

  it('names countries, lists and sizes in the interface language', () => {
    expect(regionName('IN')).toBe('India');
    expect(formatList(['Asha', 'Ravi', 'Meera'], { and: true, locale: 'en-GB' })).toBe('Asha, Ravi and Meera');
    expect(formatList(['Grade 6–8', 'University'])).toBe('Grade 6–8, University');
    expect(formatBytes(123_456)).toBe('123 kB');
    setUiLanguage('hi');
    setLocale('hi-IN');
    expect(regionName('IN')).toBe('भारत');
    expect(formatList(['आशा', 'रवि', 'मीरा'], { and: true })).toBe('आशा, रवि, और मीरा');
    expect(formatBytes(3_440_000)).toBe('3.4 MB');
  });
});
