import type { ReportProblem, StaffTicket, Ticket, TicketQueueItem, TicketStatus } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';

const mineKey = ['support', 'mine'] as const;
const queueKey = ['admin', 'support'] as const;

/** The signed-in user's reported problems. */
export function useMyTickets() {
  return useQuery({ queryKey: mineKey, queryFn: () => api.get<{ tickets: Ticket[] }>('/api/support/tickets').then((r) => r.tickets) });
}

export function useMyTicket(id: string) {
  return useQuery({ queryKey: [...mineKey, id], queryFn: () => api.get<Ticket>(`/api/support/tickets/${encodeURIComponent(id)}`), enabled: id.length > 0 });
}

export function useReportProblem() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ReportProblem) => api.post<Ticket>('/api/support/tickets', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mineKey }),
  });
}

export function useWriteToSupport(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: string) => api.post<Ticket>(`/api/support/tickets/${encodeURIComponent(id)}/messages`, { body }),
    onSuccess: (ticket) => {
      queryClient.setQueryData([...mineKey, id], ticket);
      return queryClient.invalidateQueries({ queryKey: mineKey, exact: true });
    },
  });
}

export interface QueueFilter {
  status?: TicketStatus | undefined;
  assignee?: 'me' | 'none' | undefined;
}

/** Support's queue, refreshed every 30 s so a new report shows up without a reload. */
export function useTicketQueue(filter: QueueFilter) {
  const qs = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  return useQuery({
    queryKey: [...queueKey, qs],
    queryFn: () => api.get<{ tickets: TicketQueueItem[] }>(`/api/admin/support/tickets${qs ? `?${qs}` : ''}`).then((r) => r.tickets),
    refetchInterval: 30_000,
  });
}

export function useStaffTicket(id: string) {
  return useQuery({ queryKey: [...queueKey, 'ticket', id], queryFn: () => api.get<StaffTicket>(`/api/admin/support/tickets/${encodeURIComponent(id)}`), enabled: id.length > 0 });
}

type StaffAction = { kind: 'note'; body: string; reply: boolean } | { kind: 'assign'; assigneeId: string | null } | { kind: 'status'; status: TicketStatus; reason?: string };

export function useTicketAction(id: string) {
  const queryClient = useQueryClient();
  const base = `/api/admin/support/tickets/${encodeURIComponent(id)}`;
  return useMutation({
    mutationFn: (action: StaffAction) => {
      switch (action.kind) {
        case 'note':
          return api.post<StaffTicket>(`${base}/notes`, { body: action.body, reply: action.reply });
        case 'assign':
          return api.post<StaffTicket>(`${base}/assign`, { assigneeId: action.assigneeId });
        case 'status':
          return api.post<StaffTicket>(`${base}/status`, action.reason ? { status: action.status, reason: action.reason } : { status: action.status });
      }
    },
    onSuccess: (ticket) => {
      queryClient.setQueryData([...queueKey, 'ticket', id], ticket);
      return queryClient.invalidateQueries({ queryKey: queueKey });
    },
  });
}
