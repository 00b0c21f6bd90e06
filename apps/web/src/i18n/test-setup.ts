import { i18n, type Messages } from '@lingui/core';
import bookingEn from './locales/booking/en.json';
import en from './locales/en.json';

// Unit tests read the English words synchronously, as a page does once main.tsx has loaded its language and the
// route its area (i18n/areas.ts).
i18n.load('en', { ...(en as unknown as Messages), ...(bookingEn as unknown as Messages) });
i18n.activate('en');
