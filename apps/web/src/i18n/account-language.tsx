import { useEffect } from 'react';
import { useMe } from '../features/auth';
import { switchLanguage } from './language';

/** Logged in, the interface speaks the account's language (chosen at sign-up or in settings), on every device. */
export function AccountLanguage() {
  const language = useMe().data?.language;
  useEffect(() => {
    if (language) void switchLanguage(language);
  }, [language]);
  return null;
}
