import type { Me, UiLanguage } from '@tutorline/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { meQueryKey } from '../features/auth';
import { api, errorMessage } from '../lib/api';
import { Alert } from '../ui/alert';
import { LanguageSelect } from './language-select';
import { useT } from './use-t';

/** Settings' "Language": saved on the account, so every device and the WhatsApp conversation follow it. */
export function LanguageCard() {
  const t = useT();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (language: UiLanguage) => api.patch<Me>('/api/me', { language }),
    // AccountLanguage switches the interface once the account says so.
    onSuccess: (me) => queryClient.setQueryData(meQueryKey, me),
  });
  return (
    <section className="card" data-testid="language-card" aria-labelledby="language-title">
      <h2 id="language-title">{t('settings.languageTitle')}</h2>
      <div className="field">
        <div className="field-label-row">
          <label htmlFor="settings-language">{t('settings.languageLabel')}</label>
        </div>
        <LanguageSelect id="settings-language" className="input select" onChoose={(language) => save.mutate(language)} />
      </div>
      {save.isError && <Alert tone="error">{errorMessage(save.error)}</Alert>}
    </section>
  );
}
