import type { LtiCourse, LtiRegistration, LtiRegistrationBody, LtiRegistrationPatch, LtiUsageReport } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';

export interface ToolUrls {
  loginUrl: string;
  launchUrl: string;
  jwksUrl: string;
  registerUrl: string;
}

const registrationsKey = ['lti-registrations'] as const;

export function useLtiRegistrations() {
  return useQuery({ queryKey: registrationsKey, queryFn: () => api.get<{ registrations: LtiRegistration[]; tool: ToolUrls }>('/api/admin/lti/registrations') });
}

export function useCreateLtiRegistration() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: LtiRegistrationBody) => api.post<LtiRegistration>('/api/admin/lti/registrations', body),
    onSuccess: () => client.invalidateQueries({ queryKey: registrationsKey }),
  });
}

export function useUpdateLtiRegistration() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: LtiRegistrationPatch }) => api.patch<LtiRegistration>(`/api/admin/lti/registrations/${id}`, patch),
    onSuccess: () => client.invalidateQueries({ queryKey: registrationsKey }),
  });
}

export function useLtiCourses() {
  return useQuery({ queryKey: ['lti-courses'], queryFn: () => api.get<{ courses: LtiCourse[] }>('/api/lti/courses') });
}

export function useLtiCourse(id: string) {
  return useQuery({ queryKey: ['lti-courses', id], queryFn: () => api.get<LtiCourse>(`/api/lti/courses/${encodeURIComponent(id)}`), enabled: id.length > 0 });
}

/** The course's usage report (course staff); the server refreshes a stale roster before answering. */
export function useLtiUsage(courseId: string, enabled: boolean) {
  return useQuery({ queryKey: ['lti-usage', courseId], queryFn: () => api.get<LtiUsageReport>(`/api/lti/courses/${encodeURIComponent(courseId)}/usage`), enabled: enabled && courseId.length > 0 });
}
