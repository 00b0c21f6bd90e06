// The interface's words (issue #21): the catalog, the current language and the hooks components use.
export { hasMessage, translate, type MessageKey, type MessageValues } from './catalog';
export { currentLanguage, languageStorageKey, startingLanguage, switchLanguage } from './language';
export { isUiLanguage, languages, preferredLanguage } from './languages';
export { T, useT, type TFunction } from './use-t';
export { i18n } from './catalog';
export { areas, lazyWithArea, loadArea, type Area } from './areas';
export { AccountLanguage } from './account-language';
export { LanguageSelect } from './language-select';
export { LanguageCard } from './language-card';
