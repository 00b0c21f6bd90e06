import type { ActiveHoldsView, AvailabilityPolicyBody, AvailabilityPolicyView, BookBody, BookingView, LearnerSlotView, MyBookingView, SlotsView } from '@tutorline/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiErrorFrom, ApiError, networkError } from '../../lib/api';
import { recordServerDate } from '../../lib/server-clock';

/** Query keys of scheduled tutoring. */
export const schedulingQueryRoot = 'scheduling';
export const schedulingKeys = {
  availability: [schedulingQueryRoot, 'availability'] as const,
  slotsOf: (tutorId: string) => [schedulingQueryRoot, 'slots', tutorId] as const,
  slots: (tutorId: string, from: string, to: string, duration: number, zone: string) => [schedulingQueryRoot, 'slots', tutorId, from, to, duration, zone] as const,
  bookings: [schedulingQueryRoot, 'bookings'] as const,
  holds: (tutorId: string) => [schedulingQueryRoot, 'holds', tutorId] as const,
};

/** The learner's holds with a tutor still awaiting payment, as the server has them (they outlive the page). */
export function useActiveHolds(tutorId: string, enabled = true) {
  return useQuery({
    queryKey: schedulingKeys.holds(tutorId),
    queryFn: () => api.get<ActiveHoldsView>(`/api/bookings/holds?${new URLSearchParams({ tutorId }).toString()}`).then((r) => r.holds),
    enabled,
  });
}

export function useMyAvailability(enabled = true) {
  return useQuery({ queryKey: schedulingKeys.availability, queryFn: () => api.get<AvailabilityPolicyView>('/api/tutors/me/availability'), enabled });
}

export function useSaveAvailability(tutorId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AvailabilityPolicyBody) => api.put<AvailabilityPolicyView>('/api/tutors/me/availability', body),
    onSuccess: (policy) => {
      queryClient.setQueryData(schedulingKeys.availability, policy);
      void queryClient.invalidateQueries({ queryKey: schedulingKeys.slotsOf(tutorId) });
    },
  });
}

export function slotsPath(tutorId: string, q: { from: string; to: string; duration: number; zone: string }): string {
  const params = new URLSearchParams({ from: q.from, to: q.to, duration: String(q.duration), zone: q.zone });
  return `/api/tutors/${encodeURIComponent(tutorId)}/slots?${params.toString()}`;
}

/** Bookable slots in [from, to); `from`/`to` are ISO instants chosen by the caller (stable across renders). */
export function useSlots(tutorId: string, q: { from: string; to: string; duration: number; zone: string }, enabled = true) {
  return useQuery({
    queryKey: schedulingKeys.slots(tutorId, q.from, q.to, q.duration, q.zone),
    queryFn: () => api.get<SlotsView>(slotsPath(tutorId, q)),
    enabled: enabled && q.duration > 0,
    // Switching duration keeps the old list on screen (dimmed) instead of flashing a spinner.
    placeholderData: keepPreviousData,
  });
}

/** A 409 from booking: the slot went to someone else; `slots` are that day's fresh slots, from the error body. */
export class SlotTakenError extends ApiError {
  readonly slots: LearnerSlotView[];
  constructor(base: ApiError, slots: LearnerSlotView[]) {
    super(base.status, base.code, base.message, base.fields, base.requestId);
    this.slots = slots;
  }
}

function slotsFromErrorBody(body: unknown): LearnerSlotView[] | null {
  const details = (body as { error?: { details?: { slots?: unknown } } } | undefined)?.error?.details;
  return Array.isArray(details?.slots) ? (details.slots as LearnerSlotView[]) : null;
}

/** POST /api/bookings by hand: the shared client drops error details, and a 409's fresh slots are in them. */
export async function postBooking(body: BookBody): Promise<BookingView> {
  let response: Response;
  try {
    response = await fetch('/api/bookings', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw networkError();
  }
  recordServerDate(response.headers.get('date'));
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    parsed = undefined;
  }
  if (response.ok) return parsed as BookingView;
  const error = apiErrorFrom(response.status, parsed, response.headers.get('x-request-id'));
  const slots = response.status === 409 ? slotsFromErrorBody(parsed) : null;
  throw slots ? new SlotTakenError(error, slots) : error;
}

export function useMyBookings(enabled = true) {
  return useQuery({
    queryKey: schedulingKeys.bookings,
    queryFn: () => api.get<{ bookings: MyBookingView[] }>('/api/bookings').then((r) => r.bookings),
    enabled,
  });
}

export function useCancelBooking() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (bookingId: string) => api.post<BookingView>(`/api/bookings/${encodeURIComponent(bookingId)}/cancel`),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: schedulingKeys.bookings });
      void queryClient.invalidateQueries({ queryKey: [schedulingQueryRoot, 'slots'] });
      void queryClient.invalidateQueries({ queryKey: [schedulingQueryRoot, 'holds'] });
    },
  });
}

/** A fresh idempotency key. randomUUID exists only on secure origins; getRandomValues also on plain-http LAN test setups. */
export function newAttemptKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
