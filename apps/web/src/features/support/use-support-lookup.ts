import type { SupportSearchResult, SupportSessionPage, SupportTimeline } from '@tutorline/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';

/** Support's search (#18): runs once the text has 2 characters or more. */
export function useSupportSearch(q: string) {
  const text = q.trim();
  return useQuery({
    queryKey: ['admin', 'support-search', text],
    queryFn: () => api.get<SupportSearchResult>(`/api/admin/support/search?q=${encodeURIComponent(text)}`),
    enabled: text.length >= 2,
    placeholderData: keepPreviousData,
  });
}

export function usePersonTimeline(id: string) {
  return useQuery({ queryKey: ['admin', 'person-timeline', id], queryFn: () => api.get<SupportTimeline>(`/api/admin/support/people/${encodeURIComponent(id)}/timeline`), enabled: id.length > 0 });
}

export function useSupportSession(id: string) {
  return useQuery({ queryKey: ['admin', 'support-session', id], queryFn: () => api.get<SupportSessionPage>(`/api/admin/support/sessions/${encodeURIComponent(id)}`), enabled: id.length > 0 });
}
