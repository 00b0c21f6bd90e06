import type { Application, ApplicationDecision, ApplicationDraft, ApplicationQueueItem, ApplicationStatus, DocumentKind, OnboardingDocument, StaffApplication } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { uploadFile } from '../../lib/upload';

const mineKey = ['onboarding', 'mine'] as const;
const staffKey = ['admin', 'onboarding'] as const;

/** The signed-in tutor's application (null before they start one). */
export function useMyApplication() {
  return useQuery({ queryKey: mineKey, queryFn: () => api.get<{ application: Application | null }>('/api/onboarding/application').then((r) => r.application) });
}

export function useSaveApplication() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (draft: ApplicationDraft) => api.put<Application>('/api/onboarding/application', draft),
    onSuccess: (application) => queryClient.setQueryData(mineKey, application),
  });
}

export function useSubmitApplication() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<Application>('/api/onboarding/application/submit'),
    onSuccess: (application) => queryClient.setQueryData(mineKey, application),
  });
}

/** Uploads one document with progress (XHR), then refreshes the application. */
export function useUploadDocument() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { kind: DocumentKind; file: File; onProgress(fraction: number): void }) =>
      uploadFile<OnboardingDocument>(`/api/onboarding/documents?kind=${input.kind}`, 'file', input.file, { onProgress: input.onProgress }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mineKey }),
  });
}

export function useRemoveDocument() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<Application>(`/api/onboarding/documents/${encodeURIComponent(id)}`),
    onSuccess: (application) => queryClient.setQueryData(mineKey, application),
  });
}

export function useApplicationQueue(status: ApplicationStatus | undefined) {
  return useQuery({
    queryKey: [...staffKey, status ?? 'all'],
    queryFn: () => api.get<{ applications: ApplicationQueueItem[] }>(`/api/admin/onboarding/applications${status ? `?status=${status}` : ''}`).then((r) => r.applications),
    refetchInterval: 30_000,
  });
}

export function useStaffApplication(id: string) {
  return useQuery({ queryKey: [...staffKey, 'one', id], queryFn: () => api.get<StaffApplication>(`/api/admin/onboarding/applications/${encodeURIComponent(id)}`), enabled: id.length > 0 });
}

export type ReviewAction =
  | { kind: 'review' }
  | { kind: 'request-info'; missing: string[]; message: string; reason: string }
  | { kind: 'decision'; body: ApplicationDecision & { version: number } };

export function useReviewAction(id: string) {
  const queryClient = useQueryClient();
  const base = `/api/admin/onboarding/applications/${encodeURIComponent(id)}`;
  return useMutation({
    mutationFn: (action: ReviewAction) => {
      if (action.kind === 'review') return api.post<StaffApplication>(`${base}/review`, {});
      if (action.kind === 'request-info') return api.post<StaffApplication>(`${base}/request-info`, { missing: action.missing, message: action.message, reason: action.reason });
      return api.post<StaffApplication>(`${base}/decision`, action.body);
    },
    onSuccess: (application) => {
      queryClient.setQueryData([...staffKey, 'one', id], application);
      return queryClient.invalidateQueries({ queryKey: staffKey });
    },
    // A 409 means someone else changed it: show their decision.
    onError: () => queryClient.invalidateQueries({ queryKey: [...staffKey, 'one', id] }),
  });
}
