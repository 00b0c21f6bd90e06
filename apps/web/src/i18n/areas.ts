import type { Messages } from '@lingui/core';
import type { UiLanguage } from '@tutorline/contracts';
import { lazy, type ComponentType } from 'react';
import { i18n } from './catalog';

type CatalogModule = Promise<{ default: unknown }>;

/**
 * The catalogs of an area of the app (decision 081, addendum): the words of pages most visits never open, each area
 * a chunk per language that loads with the area's routes, so the first download holds only the core catalog. An
 * area's keys start with its name ('booking.…'). Adding an area: locales/<area>/<lang>.json for every language, and
 * its loaders here.
 */
const areaLoaders = {
  booking: { en: () => import('./locales/booking/en.json'), hi: () => import('./locales/booking/hi.json') },
} satisfies Record<string, Record<UiLanguage, () => CatalogModule>>;

export type Area = keyof typeof areaLoaders;
export const areas = Object.keys(areaLoaders) as Area[];

/** Loads done or under way, per area and language; a failed load is forgotten so the next visit tries again. */
const loads = new Map<string, Promise<void>>();
/** The areas this visit has opened: a language switch brings their words along before it shows the new language. */
const opened = new Set<Area>();

/** Merges an area's messages into Lingui's catalog for a language (the current one unless named); loads once. */
export function loadArea(area: Area, language: UiLanguage = i18n.locale as UiLanguage): Promise<void> {
  opened.add(area);
  const key = `${area}:${language}`;
  let load = loads.get(key);
  if (!load) {
    load = areaLoaders[area][language]().then((catalog) => i18n.load(language, catalog.default as Messages));
    load.catch(() => loads.delete(key));
    loads.set(key, load);
  }
  return load;
}

/** The opened areas' catalogs in a language: switchLanguage awaits this before activating it (no flash of keys). */
export async function loadOpenedAreas(language: UiLanguage): Promise<void> {
  await Promise.all([...opened].map((area) => loadArea(area, language)));
}

/**
 * A lazy route whose chunk and area catalog load together: the page renders only once its words are in Lingui's
 * messages, and the Suspense fallback (a skeleton) shows meanwhile.
 */
// The same bound as React.lazy's own: any component, whatever its props.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function lazyWithArea<T extends ComponentType<any>>(area: Area, load: () => Promise<{ default: T }>) {
  return lazy<T>(async () => {
    const [page] = await Promise.all([load(), loadArea(area)]);
    return page;
  });
}
