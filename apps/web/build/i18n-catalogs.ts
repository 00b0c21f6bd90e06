import type { Plugin } from 'vite';
import { compileMessageOrThrow } from '@lingui/message-utils/compileMessage';

/** Translation catalogs: JSON files of ICU messages, one per language: the core (src/i18n/locales/<lang>.json) and each area's (locales/<area>/<lang>.json). */
export const catalogPattern = /\/src\/i18n\/locales\/(?:[a-z-]+\/)?[a-z]{2,3}\.json$/;

/** A catalog's messages compiled for @lingui/core; a message that does not parse throws, naming its key. */
export function compileCatalog(messages: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(messages).map(([key, message]) => {
      try {
        return [key, compileMessageOrThrow(message)];
      } catch (err) {
        throw new Error(`i18n message "${key}" is not valid ICU MessageFormat: ${(err as Error).message}`, { cause: err });
      }
    }),
  );
}

/**
 * Compiles the catalogs at build time (decision 081): the page gets ready-made message trees and never ships an ICU
 * parser, which keeps the first download within the JS budget. The translator edits plain JSON; the output is JSON too,
 * so Vite's own JSON handling still makes it a module.
 */
export function i18nCatalogs(): Plugin {
  return {
    name: 'tutorline-i18n-catalogs',
    enforce: 'pre',
    transform(code, id) {
      if (!catalogPattern.test(id.split('?')[0] ?? '')) return null;
      return { code: JSON.stringify(compileCatalog(JSON.parse(code) as Record<string, string>)), map: null };
    },
  };
}
