import { useEffect } from 'react';

/** Sets the document title for a page, so history entries and screen readers name it. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Tutorline` : 'Tutorline';
  }, [title]);
}
