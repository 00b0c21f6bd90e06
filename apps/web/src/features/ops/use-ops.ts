import type { OpsJob, OpsSummary } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../../lib/api';
import { useSocket, useSocketEvent } from '../../lib/socket';

const summaryKey = ['ops', 'summary'] as const;
const jobsKey = ['ops', 'jobs'] as const;

/**
 * The dashboard's figures, kept current in place: the page's socket joins the staff room (ops:watch, again after a
 * reconnect) and each throttled ops:changed refetches the summary; a slow poll covers a dropped socket.
 */
export function useOpsSummary() {
  const queryClient = useQueryClient();
  const socket = useSocket();
  const [watching, setWatching] = useState<boolean | null>(null);
  useEffect(() => {
    if (!socket) return;
    const watch = () => void socket.emitWithAck('ops:watch').then((r) => setWatching(r.ok), () => setWatching(false));
    if (socket.connected) watch();
    socket.on('connect', watch);
    return () => {
      socket.off('connect', watch);
    };
  }, [socket]);
  useSocketEvent('ops:changed', () => {
    void queryClient.invalidateQueries({ queryKey: summaryKey });
    void queryClient.invalidateQueries({ queryKey: jobsKey });
  });
  const summary = useQuery({ queryKey: summaryKey, queryFn: () => api.get<OpsSummary>('/api/ops/summary'), refetchInterval: 60_000 });
  return { summary, watching };
}

export function useFailedJobs() {
  return useQuery({ queryKey: jobsKey, queryFn: () => api.get<{ jobs: OpsJob[] }>('/api/ops/jobs').then((r) => r.jobs) });
}

/** An admin's retry of a failed job (refused by the server for one that succeeded). */
export function useRetryJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<{ job: OpsJob }>(`/api/ops/jobs/${encodeURIComponent(id)}/retry`, {}),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: jobsKey }), queryClient.invalidateQueries({ queryKey: summaryKey })]),
  });
}
