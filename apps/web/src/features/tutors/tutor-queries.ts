import type { FavouriteState, PublicTutor, TutorReviewsPage, TutorSearchResult } from '@tutorline/contracts';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { searchParamsFor, type SearchFilters } from './search-filters';

export const tutorsQueryRoot = 'tutors';
export const tutorKeys = {
  search: (params: string) => [tutorsQueryRoot, 'search', params] as const,
  profile: (id: string) => [tutorsQueryRoot, 'profile', id] as const,
  reviews: (id: string) => [tutorsQueryRoot, 'reviews', id] as const,
};

/** Search with "Load more": each page is fetched once and appended. */
export function useTutorSearch(filters: SearchFilters, zone: string) {
  const params = searchParamsFor(filters, zone);
  return useInfiniteQuery({
    queryKey: tutorKeys.search(params.toString()),
    queryFn: ({ pageParam }) => {
      const page = new URLSearchParams(params);
      page.set('page', String(pageParam));
      return api.get<TutorSearchResult>(`/api/tutors?${page.toString()}`);
    },
    initialPageParam: 1,
    getNextPageParam: (last) => last.nextPage ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useTutorProfile(id: string) {
  return useQuery({ queryKey: tutorKeys.profile(id), queryFn: () => api.get<PublicTutor>(`/api/tutors/${encodeURIComponent(id)}`) });
}

export function useMoreReviews(id: string, firstCursor: string | null) {
  return useInfiniteQuery({
    queryKey: tutorKeys.reviews(id),
    queryFn: ({ pageParam }) => api.get<TutorReviewsPage>(`/api/tutors/${encodeURIComponent(id)}/reviews?cursor=${encodeURIComponent(pageParam)}`),
    initialPageParam: firstCursor ?? '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: false,
  });
}

/** Favourite on/off, shown at once everywhere the tutor appears; put back if the server says no. */
export function useToggleFavourite() {
  const queryClient = useQueryClient();
  const apply = (tutorId: string, favourite: boolean) => {
    queryClient.setQueriesData<InfiniteData<TutorSearchResult>>({ queryKey: [tutorsQueryRoot, 'search'] }, (data) =>
      data ? { ...data, pages: data.pages.map((p) => ({ ...p, tutors: p.tutors.map((t) => (t.id === tutorId ? { ...t, favourite } : t)) })) } : data,
    );
    queryClient.setQueryData<PublicTutor>(tutorKeys.profile(tutorId), (t) => (t ? { ...t, favourite } : t));
  };
  return useMutation({
    mutationFn: ({ tutorId, favourite }: { tutorId: string; favourite: boolean }) => {
      const path = `/api/tutors/${encodeURIComponent(tutorId)}/favourite`;
      return favourite ? api.put<FavouriteState>(path) : api.delete<FavouriteState>(path);
    },
    onMutate: ({ tutorId, favourite }) => apply(tutorId, favourite),
    onError: (_error, { tutorId, favourite }) => apply(tutorId, !favourite),
    onSuccess: (state) => {
      apply(state.tutorId, state.favourite);
      // A "favourites only" search may now list a different set.
      void queryClient.invalidateQueries({ queryKey: [tutorsQueryRoot, 'search'], refetchType: 'none' });
    },
  });
}
