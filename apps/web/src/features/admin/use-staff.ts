import type { AuditEntry, StaffMember, StaffRole } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';

const staffKey = ['admin', 'staff'] as const;

/** Staff accounts and the staff roles each holds (admins only). */
export function useStaff() {
  return useQuery({ queryKey: staffKey, queryFn: () => api.get<{ staff: StaffMember[] }>('/api/admin/staff').then((r) => r.staff) });
}

/** Grants or revokes one staff role, with a reason (audited on the server). */
export function useChangeStaffRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role, reason, grant }: { userId: string; role: StaffRole; reason: string; grant: boolean }) =>
      api.post<StaffMember>(`/api/admin/staff/${encodeURIComponent(userId)}/roles${grant ? '' : '/revoke'}`, { role, reason }),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: staffKey }), queryClient.invalidateQueries({ queryKey: ['admin', 'audit'] })]),
  });
}

export interface AuditFilter {
  actorId?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
}

/** The audit search's query string, without empty fields. */
export function auditQueryString(filter: AuditFilter): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The newest audit entries matching the filter. */
export function useAuditLog(filter: AuditFilter) {
  return useQuery({ queryKey: ['admin', 'audit', filter], queryFn: () => api.get<{ entries: AuditEntry[] }>(`/api/admin/audit${auditQueryString(filter)}`).then((r) => r.entries) });
}
