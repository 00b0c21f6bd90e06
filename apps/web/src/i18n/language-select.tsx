import type { UiLanguage } from '@tutorline/contracts';
import { useState } from 'react';
import { currentLanguage, switchLanguage } from './language';
import { isUiLanguage, languages } from './languages';
import { useT } from './use-t';

/**
 * A choice of interface language. Without onChoose it switches at once (logged-out pages: remembered on this device);
 * with it, the caller decides (the sign-up form sends it with the account, settings saves it).
 */
export function LanguageSelect({ id, className, onChoose }: { id?: string; className?: string; onChoose?(language: UiLanguage): void }) {
  const t = useT();
  const [value, setValue] = useState<UiLanguage>(currentLanguage);
  return (
    <select
      id={id}
      className={className}
      aria-label={id ? undefined : t('language.label')}
      data-testid="language-select"
      value={value}
      onChange={(e) => {
        const next = e.target.value;
        if (!isUiLanguage(next)) return;
        setValue(next);
        if (onChoose) onChoose(next);
        else void switchLanguage(next);
      }}
    >
      {languages.map((l) => (
        <option key={l.code} value={l.code} lang={l.code}>
          {l.name}
        </option>
      ))}
    </select>
  );
}
