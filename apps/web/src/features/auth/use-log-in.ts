import type { LogInBody, Me } from '@tutorline/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { meQueryKey } from './use-me';

export function useLogIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LogInBody) => api.post<{ user: Me }>('/api/auth/login', body).then((r) => r.user),
    onSuccess: (user) => {
      // Nothing cached for a previous account may leak into this one.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== meQueryKey[0] });
      queryClient.setQueryData(meQueryKey, user);
    },
  });
}
