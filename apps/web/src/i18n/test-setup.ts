import { i18n, type Messages } from '@lingui/core';
import en from './locales/en.json';

// Unit tests read the English words synchronously, as a page does once main.tsx has loaded its language.
i18n.load('en', en as unknown as Messages);
i18n.activate('en');
