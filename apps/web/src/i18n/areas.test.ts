import { i18n, type Messages } from '@lingui/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import bookingEn from './locales/booking/en.json';
import bookingHi from './locales/booking/hi.json';
import { loadArea } from './areas';
import { switchLanguage } from './language';

// Decision 081's addendum: an area's words are merged into Lingui's messages when the area opens, and a language
// switch brings the opened areas' words along before it shows the new language.
describe('area catalogs', () => {
  beforeAll(() => {
    // switchLanguage sets <html lang> and remembers the choice: a stand-in page for the node environment.
    vi.stubGlobal('document', { documentElement: { lang: 'en' } });
    vi.stubGlobal('localStorage', { setItem: () => undefined });
  });
  afterAll(async () => {
    await switchLanguage('en');
    vi.unstubAllGlobals();
  });

  it('merges an area into the current language, keeping the core words', async () => {
    const key = Object.keys(bookingEn)[0] as keyof typeof bookingEn;
    i18n.load('en', { 'ask.title': 'Ask' } as unknown as Messages);
    await loadArea('booking', 'en');
    expect(i18n.messages[key]).toBeDefined();
    expect(i18n.messages['ask.title']).toBeDefined();
  });

  it('switching language loads the opened areas in the new language before activating it', async () => {
    const key = Object.keys(bookingHi)[0] as keyof typeof bookingHi;
    const seen: string[] = [];
    const off = i18n.on('change', () => {
      if (i18n.locale === 'hi') seen.push(i18n._(key));
    });
    await switchLanguage('hi');
    off();
    expect(i18n.locale).toBe('hi');
    // Every render in Hindi found the area's Hindi words: never the key.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((words) => words === i18n._(key) && words !== key)).toBe(true);
    expect(i18n._(key)).toMatch(/[\u0900-\u097F]/);
  });
});
