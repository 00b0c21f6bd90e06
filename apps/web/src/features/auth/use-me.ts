import type { Me } from '@tutorline/contracts';
import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../../lib/api';

export const meQueryKey = ['me'] as const;

/** The logged-in user, or null when logged out (401). */
async function fetchMe(): Promise<Me | null> {
  try {
    return await api.get<Me>('/api/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function useMe() {
  return useQuery({ queryKey: meQueryKey, queryFn: fetchMe, staleTime: 60_000 });
}
