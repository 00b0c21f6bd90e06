import type { TutorProfile, updateTutorProfileBodySchema } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';

/** Contracts exports the schema but not its type; `_output` is zod's inferred type, without importing zod here. */
export type UpdateTutorProfileBody = (typeof updateTutorProfileBodySchema)['_output'];

const profileKey = ['tutor-profile', 'me'] as const;

export function useMyTutorProfile() {
  return useQuery({ queryKey: profileKey, queryFn: () => api.get<TutorProfile>('/api/tutors/me/profile') });
}

export function useSaveTutorProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateTutorProfileBody) => api.put<TutorProfile>('/api/tutors/me/profile', body),
    onSuccess: (profile) => queryClient.setQueryData(profileKey, profile),
  });
}
