import type { NotificationChannels } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';

const channelsKey = ['notifications', 'channels'] as const;

/** Which channels the user wants to be told things on (#21). */
export function useChannels() {
  return useQuery({ queryKey: channelsKey, queryFn: () => api.get<NotificationChannels>('/api/notifications/channels') });
}

export function useChooseChannels() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: Partial<NotificationChannels>) => api.put<NotificationChannels>('/api/notifications/channels', change),
    onSuccess: (saved) => queryClient.setQueryData(channelsKey, saved),
  });
}
