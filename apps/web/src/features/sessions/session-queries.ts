import type { TutoringSession } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';

/** Everything under `sessions` is refetched when the socket (re)connects. */
export const sessionsQueryRoot = 'sessions';
export const sessionKey = (id: string) => [sessionsQueryRoot, id] as const;

const path = (id: string) => `/api/sessions/${encodeURIComponent(id)}`;

export function useTutoringSession(id: string, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: sessionKey(id),
    queryFn: () => api.get<TutoringSession>(path(id)),
    enabled: options.enabled ?? true,
    // There is no "session ended" event yet, so an active session looks again now and then to notice the other side ending it.
    refetchInterval: (query) => (query.state.data?.status === 'active' ? 20_000 : false),
  });
}

export function useEndSession() {
  const queryClient = useQueryClient();
  return useMutation({
    // No body, so no content-type header.
    mutationFn: (id: string) => api.post<TutoringSession>(`${path(id)}/end`),
    onSuccess: (session) => queryClient.setQueryData(sessionKey(session.id), session),
  });
}
