import type { AdminSession, TutoringSession } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';

const key = ['admin', 'sessions'] as const;

/** Open sessions, oldest first, refreshed every half minute (a stuck one stands out by its age and last activity). */
export function useOpenSessions() {
  return useQuery({ queryKey: key, queryFn: () => api.get<{ sessions: AdminSession[] }>('/api/admin/sessions').then((r) => r.sessions), refetchInterval: 30_000 });
}

export function useEndSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ sessionId, reason }: { sessionId: string; reason: string }) => api.post<TutoringSession>(`/api/admin/sessions/${encodeURIComponent(sessionId)}/end`, { reason }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}
