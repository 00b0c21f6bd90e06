import type { CreateReport, SafetyFlag, SafetyReport, StaffSafetyReport } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';

const blocksKey = ['safety', 'blocks'] as const;
const queueKey = ['admin', 'safety'] as const;

export interface BlockedTutor {
  tutorId: string;
  displayName: string;
  createdAt: string;
}

/** Report the other person in a session (and, for a student, block them with it). */
export function useReportPerson() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateReport) => api.post<SafetyReport>('/api/safety/reports', body),
    onSuccess: (report) => (report.blocked ? queryClient.invalidateQueries({ queryKey: blocksKey }) : undefined),
  });
}

/** The tutors the signed-in student blocked. */
export function useBlockedTutors() {
  return useQuery({ queryKey: blocksKey, queryFn: () => api.get<{ blocks: BlockedTutor[] }>('/api/safety/blocks').then((r) => r.blocks) });
}

export function useUnblock() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tutorId: string) => api.delete<{ tutorId: string }>(`/api/safety/blocks/${encodeURIComponent(tutorId)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: blocksKey }),
  });
}

/** Ops' report queue (severe first, then oldest), refreshed every 30 s so a new report shows without a reload. */
export function useSafetyQueue(status: 'open' | 'closed') {
  return useQuery({
    queryKey: [...queueKey, 'reports', status],
    queryFn: () => api.get<{ reports: SafetyReport[] }>(`/api/admin/safety/reports?status=${status}`).then((r) => r.reports),
    refetchInterval: 30_000,
  });
}

export function useSafetyReport(id: string) {
  return useQuery({ queryKey: [...queueKey, 'report', id], queryFn: () => api.get<StaffSafetyReport>(`/api/admin/safety/reports/${encodeURIComponent(id)}`), enabled: id.length > 0 });
}

export function useCloseReport(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (resolution: string) => api.post<SafetyReport>(`/api/admin/safety/reports/${encodeURIComponent(id)}/close`, { resolution }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queueKey }),
  });
}

export function useSafetyFlags() {
  return useQuery({ queryKey: [...queueKey, 'flags'], queryFn: () => api.get<{ flags: SafetyFlag[] }>('/api/admin/safety/flags').then((r) => r.flags), refetchInterval: 60_000 });
}
