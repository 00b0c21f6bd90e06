import type { TutorQuality, TutorStanding } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';

export function useTutorQuality(tutorId: string, days: number) {
  return useQuery({
    queryKey: ['admin', 'tutor-quality', tutorId, days],
    queryFn: () => api.get<TutorQuality>(`/api/admin/tutors/${encodeURIComponent(tutorId)}/quality?days=${days}`),
    enabled: tutorId.length > 0,
  });
}

/** What ops can do to a tutor's standing from the quality page; each needs a reason (it goes to the audit log). */
export type StandingChange = { kind: 'suspend' } | { kind: 'reinstate' } | { kind: 'probation'; onProbation: boolean };

export function useChangeStanding(tutorId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ change, reason }: { change: StandingChange; reason: string }) => {
      const base = `/api/admin/tutors/${encodeURIComponent(tutorId)}`;
      if (change.kind === 'probation') return api.post<TutorStanding>(`${base}/probation`, { onProbation: change.onProbation, reason });
      return api.post<TutorStanding>(`${base}/${change.kind}`, { reason });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin'] }),
  });
}
