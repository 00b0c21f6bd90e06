import type { BookingReviewView, BookingView, LessonRoom, NoticesView, PublicTutor, RescheduleBody, ReviewBookingBody } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { schedulingKeys, schedulingQueryRoot } from './scheduling-queries';

const booking = (id: string) => `/api/bookings/${encodeURIComponent(id)}`;

/** Server paths used by My lessons, in one place. */
export const lessonPaths = {
  room: (id: string) => `${booking(id)}/room`,
  reschedule: (id: string) => `${booking(id)}/reschedule`,
  review: (id: string) => `${booking(id)}/review`,
  invite: (id: string) => `${booking(id)}/invite.ics`,
  cancelSeries: (seriesId: string) => `/api/bookings/series/${encodeURIComponent(seriesId)}/cancel`,
  calendarFeed: '/api/me/calendar-feed',
  notifications: '/api/notifications',
  notificationsRead: '/api/notifications/read',
};

export const notificationsKey = [schedulingQueryRoot, 'notifications'] as const;

export function useOpenRoom() {
  return useMutation({ mutationFn: (bookingId: string) => api.post<LessonRoom>(lessonPaths.room(bookingId)) });
}

export function useReschedule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ bookingId, body }: { bookingId: string; body: RescheduleBody }) => api.post<BookingView>(lessonPaths.reschedule(bookingId), body),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: schedulingKeys.bookings });
      void queryClient.invalidateQueries({ queryKey: [schedulingQueryRoot, 'slots'] });
    },
  });
}

export function useReview() {
  return useMutation({
    mutationFn: ({ bookingId, body }: { bookingId: string; body: ReviewBookingBody }) => api.post<BookingReviewView>(lessonPaths.review(bookingId), body),
  });
}

export function useNotifications() {
  return useQuery({ queryKey: notificationsKey, queryFn: () => api.get<NoticesView>(lessonPaths.notifications), refetchInterval: 60_000 });
}

export function useMarkNoticesRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (upTo: number) => api.post<{ marked: number }>(lessonPaths.notificationsRead, { upTo }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: notificationsKey }),
  });
}

/** The tutor's free-cancellation hours from their public profile, read only when a cancel dialog opens (null: unknown). */
export function useCancelFreeHours(tutorId: string, enabled: boolean) {
  return useQuery({
    queryKey: [schedulingQueryRoot, 'cancel-terms', tutorId] as const,
    queryFn: () => api.get<PublicTutor>(`/api/tutors/${encodeURIComponent(tutorId)}`),
    select: (t) => t.cancelFreeHours,
    enabled,
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export function useCreateCalendarFeed() {
  return useMutation({ mutationFn: () => api.post<{ url: string }>(lessonPaths.calendarFeed) });
}
