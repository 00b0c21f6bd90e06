import type { RecommendationHome, RecommendationSettings, SimilarTutors } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';

export const recommendationKeys = {
  home: ['recommendations', 'home'] as const,
  settings: ['recommendations', 'settings'] as const,
  alsoBooked: (tutorId: string) => ['recommendations', 'also-booked', tutorId] as const,
};

export function useRecommendationHome(enabled = true) {
  return useQuery({ queryKey: recommendationKeys.home, queryFn: () => api.get<RecommendationHome>('/api/recommendations/home'), enabled, staleTime: 5 * 60_000 });
}

export function useRecommendationSettings() {
  return useQuery({ queryKey: recommendationKeys.settings, queryFn: () => api.get<RecommendationSettings>('/api/recommendations/settings') });
}

/** Personalisation on or off: the lists are asked for again with the new setting. */
export function useSaveRecommendationSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (s: RecommendationSettings) => api.put<RecommendationSettings>('/api/recommendations/settings', s),
    // The switch moves at once; it goes back if the server says no.
    onMutate: (s) => {
      const before = queryClient.getQueryData<RecommendationSettings>(recommendationKeys.settings);
      queryClient.setQueryData(recommendationKeys.settings, s);
      return { before };
    },
    onError: (_error, _s, context) => queryClient.setQueryData(recommendationKeys.settings, context?.before),
    onSuccess: (s) => {
      queryClient.setQueryData(recommendationKeys.settings, s);
      void queryClient.invalidateQueries({ queryKey: recommendationKeys.home });
    },
  });
}

export function useAlsoBooked(tutorId: string) {
  return useQuery({ queryKey: recommendationKeys.alsoBooked(tutorId), queryFn: () => api.get<SimilarTutors>(`/api/tutors/${encodeURIComponent(tutorId)}/also-booked`), staleTime: 10 * 60_000 });
}

/** Tells the server a student opened a profile (a view that leads to a booking teaches the model); failures are ignored. */
export function recordProfileView(tutorId: string): void {
  api.post('/api/recommendations/views', { tutorId }).catch(() => {});
}
