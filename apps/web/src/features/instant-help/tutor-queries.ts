import type { FeedItem, availabilitySchema, tutorTodaySchema } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { useSocketEvent } from '../../lib/socket';
import { helpKeys } from './help-keys';

export type Availability = (typeof availabilitySchema)['_output'];
/** The two switches a tutor sets (the open session is the server's to say). */
export type AvailabilitySwitches = Pick<Availability, 'online' | 'notifyWhenOffline'>;
export type TutorToday = (typeof tutorTodaySchema)['_output'];

const path = (id: string) => `/api/help/questions/${encodeURIComponent(id)}`;

export function useFeed() {
  return useQuery({
    queryKey: helpKeys.feed,
    queryFn: () => api.get<{ items: FeedItem[] }>('/api/help/feed').then((r) => r.items),
  });
}

export function useAvailability() {
  return useQuery({ queryKey: helpKeys.availability, queryFn: () => api.get<Availability>('/api/help/availability') });
}

export function useSetAvailability() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AvailabilitySwitches) => api.put<Availability>('/api/help/availability', body),
    onSuccess: (availability) => {
      queryClient.setQueryData(helpKeys.availability, availability);
      // Going online may bring questions that are already waiting.
      void queryClient.invalidateQueries({ queryKey: helpKeys.feed });
    },
  });
}

/** Keeps the tutor's status current: a session of theirs opened or ended (claimed, ended, swept), or another tab moved the switch. */
export function useLiveAvailability(): void {
  const queryClient = useQueryClient();
  useSocketEvent('help:availability', (availability) => {
    queryClient.setQueryData(helpKeys.availability, availability);
    // Free again: questions that are already waiting may be offered now.
    if (!availability.activeSession) void queryClient.invalidateQueries({ queryKey: helpKeys.feed });
  });
}

export function useTutorToday() {
  return useQuery({ queryKey: helpKeys.today, queryFn: () => api.get<TutorToday>('/api/help/tutor/today') });
}

/** Removes one question from the cached feed (taken, skipped, expired). */
export function removeFromFeed(items: FeedItem[] | undefined, questionId: string): FeedItem[] | undefined {
  return items?.filter((item) => item.questionId !== questionId);
}

export function useAcceptQuestion() {
  return useMutation({
    mutationFn: (questionId: string) => api.post<{ questionId: string; sessionId: string }>(`${path(questionId)}/accept`),
  });
}

export function useSkipQuestion() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (questionId: string) => api.post<void>(`${path(questionId)}/skip`),
    onMutate: (questionId) => {
      queryClient.setQueryData<FeedItem[]>(helpKeys.feed, (items) => removeFromFeed(items, questionId));
    },
    // The skip may not have been saved: show the feed as the server has it.
    onError: () => void queryClient.invalidateQueries({ queryKey: helpKeys.feed }),
  });
}
