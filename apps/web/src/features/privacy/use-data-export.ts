import type { DataExportState } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';

const exportKey = (userId: string | null) => ['privacy', 'export', userId ?? 'me'] as const;
const exportPath = (userId: string | null) => (userId ? `/api/privacy/export?userId=${userId}` : '/api/privacy/export');

/** The latest export (mine, or a child's); checked every few seconds while it is being prepared. */
export function useDataExport(userId: string | null) {
  return useQuery({
    queryKey: exportKey(userId),
    queryFn: () => api.get<DataExportState>(exportPath(userId)),
    refetchInterval: (q) => (q.state.data?.latest?.status === 'pending' ? 3000 : false),
  });
}

export function useRequestExport(userId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<DataExportState>('/api/privacy/export', userId ? { userId } : {}),
    onSuccess: (state) => queryClient.setQueryData(exportKey(userId), state),
  });
}
