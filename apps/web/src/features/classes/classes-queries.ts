import type { Attendance, ClassCreateBody, ClassList, ClassRoster, ClassView, EnrolmentView } from '@tutorline/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';

export const classesQueryRoot = 'classes';
export const classKeys = {
  list: (params: string) => [classesQueryRoot, 'list', params] as const,
  one: (id: string) => [classesQueryRoot, 'one', id] as const,
  mine: [classesQueryRoot, 'mine'] as const,
  ofTutor: (id: string) => [classesQueryRoot, 'tutor', id] as const,
  roster: (id: string) => [classesQueryRoot, 'roster', id] as const,
  attendance: (id: string) => [classesQueryRoot, 'attendance', id] as const,
};

export interface ClassFilters {
  subjectId: string;
  level: string;
  language: string;
  price: '' | 'free' | 'paid';
  /** Local calendar dates (YYYY-MM-DD) in the viewer's zone; empty for any. */
  from: string;
  to: string;
}
export const emptyClassFilters: ClassFilters = { subjectId: '', level: '', language: '', price: '', from: '', to: '' };

/**
 * The query string of a search. Dates are days on the viewer's clock: the server is asked for a day more on each side
 * (no zone is more than 14 hours from UTC), and inLocalRange keeps the classes whose local date (the server gives it
 * in the viewer's zone) falls inside.
 */
export function classSearchParams(f: ClassFilters, zone: string, seriesId?: string | null): URLSearchParams {
  const p = new URLSearchParams({ timeZone: zone });
  if (seriesId) p.set('seriesId', seriesId);
  if (f.subjectId) p.set('subjectId', f.subjectId);
  if (f.level) p.set('level', f.level);
  if (f.language.trim()) p.set('language', f.language.trim());
  if (f.price) p.set('price', f.price);
  if (f.from) p.set('from', `${shiftDay(f.from, -1)}T00:00:00Z`);
  if (f.to) p.set('to', `${shiftDay(f.to, 2)}T00:00:00Z`);
  return p;
}

export function inLocalRange(c: Pick<ClassView, 'local'>, f: Pick<ClassFilters, 'from' | 'to'>): boolean {
  return (!f.from || c.local.date >= f.from) && (!f.to || c.local.date <= f.to);
}

export function shiftDay(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function useClassSearch(params: URLSearchParams) {
  return useQuery({ queryKey: classKeys.list(params.toString()), queryFn: () => api.get<ClassList>(`/api/classes?${params.toString()}`).then((r) => r.classes), placeholderData: keepPreviousData });
}

/** One class; `following` a payment, read again every second while the seat is still held. */
export function useClass(id: string, zone: string, following = false) {
  return useQuery({
    queryKey: classKeys.one(id),
    queryFn: () => api.get<ClassView>(`/api/classes/${encodeURIComponent(id)}?timeZone=${encodeURIComponent(zone)}`),
    refetchInterval: (q) => (following && q.state.data?.mine === 'held' ? 1000 : false),
  });
}

export function useMyClasses(enabled = true) {
  return useQuery({ queryKey: classKeys.mine, queryFn: () => api.get<ClassList>('/api/classes/mine').then((r) => r.classes), enabled });
}

export function useTutorClasses(tutorId: string, zone: string) {
  return useQuery({ queryKey: classKeys.ofTutor(tutorId), queryFn: () => api.get<ClassList>(`/api/tutors/${encodeURIComponent(tutorId)}/classes?timeZone=${encodeURIComponent(zone)}`).then((r) => r.classes) });
}

export function useRoster(id: string, enabled: boolean) {
  return useQuery({ queryKey: classKeys.roster(id), queryFn: () => api.get<ClassRoster>(`/api/classes/${encodeURIComponent(id)}/enrolments`).then((r) => r.learners), enabled });
}

export function useAttendance(id: string, enabled: boolean) {
  return useQuery({ queryKey: classKeys.attendance(id), queryFn: () => api.get<Attendance>(`/api/classes/${encodeURIComponent(id)}/attendance`), enabled, retry: false });
}

/** Enrol, leave or cancel: every class list and the class itself are read again afterwards. */
function useClassAction<T>(path: (id: string) => string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<T>(path(id)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: [classesQueryRoot] }),
  });
}

/** Takes a seat; from a course's class or series link the seat names the course (#16). */
export function useEnrol(course?: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<EnrolmentView>(`/api/classes/${encodeURIComponent(id)}/enrol`, course ? { course } : undefined),
    onSettled: () => queryClient.invalidateQueries({ queryKey: [classesQueryRoot] }),
  });
}
export const useLeave = () => useClassAction<EnrolmentView>((id) => `/api/classes/${encodeURIComponent(id)}/leave`);
export const useCancelClass = () => useClassAction<ClassView>((id) => `/api/classes/${encodeURIComponent(id)}/cancel`);

export function useCreateClass() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ClassCreateBody) => api.post<{ classes: ClassView[] }>('/api/classes', body).then((r) => r.classes),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [classesQueryRoot] }),
  });
}
