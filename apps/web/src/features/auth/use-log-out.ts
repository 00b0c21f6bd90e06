import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, ApiError } from '../../lib/api';
import { disconnectSocket } from '../../lib/socket';
import { meQueryKey } from './use-me';

export function useLogOut() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const finish = () => {
    disconnectSocket();
    queryClient.clear();
    // The service worker's offline copies of this user's reads (decision 072) must not outlive the log-in.
    if (typeof caches !== 'undefined') void caches.delete('tutorline-offline-reads').catch(() => undefined);
    queryClient.setQueryData(meQueryKey, null);
    void navigate('/login', { replace: true });
  };
  return useMutation({
    // No body and so no content-type: the server refuses a JSON content-type with an empty body.
    mutationFn: () => api.post<void>('/api/auth/logout'),
    onSuccess: finish,
    onError: (error) => {
      // Already logged out on the server (expired or revoked): finish locally too.
      if (error instanceof ApiError && error.status === 401) finish();
    },
  });
}
