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
