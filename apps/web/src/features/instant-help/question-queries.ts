import type { AskQuestionBody, Question, rateQuestionBodySchema } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../../lib/api';
import { helpKeys } from './help-keys';

export type RateQuestionBody = (typeof rateQuestionBodySchema)['_output'];

const path = (id: string) => `/api/help/questions/${encodeURIComponent(id)}`;

/** The student's questions, newest first. */
export function useMyQuestions() {
  return useQuery({
    queryKey: helpKeys.questions,
    queryFn: () => api.get<{ questions: Question[] }>('/api/help/questions').then((r) => r.questions),
  });
}

export function useQuestion(id: string, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: helpKeys.question(id),
    queryFn: () => api.get<Question>(path(id)),
    enabled: options.enabled ?? true,
    // A safety net under the socket: while the question waits, look again now and then in case an event was lost.
    refetchInterval: (query) => (query.state.data?.status === 'open' ? 15_000 : false),
  });
}

function isNetworkError(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status >= 502);
}

/** Asking is idempotent by `requestId`, so a request lost to a bad network is retried with the same id. */
export function useAskQuestion() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AskQuestionBody) => api.post<Question>('/api/help/questions', body),
    retry: (failures, error) => isNetworkError(error) && failures < 3,
    retryDelay: (attempt) => 1000 * 2 ** attempt,
    onSuccess: (question) => {
      queryClient.setQueryData(helpKeys.question(question.id), question);
      void queryClient.invalidateQueries({ queryKey: helpKeys.questions });
    },
  });
}

function useQuestionAction<TVariables>(post: (id: string, variables: TVariables) => Promise<Question>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...variables }: { id: string } & TVariables) => post(id, variables as TVariables),
    onSuccess: (question) => {
      queryClient.setQueryData(helpKeys.question(question.id), question);
      void queryClient.invalidateQueries({ queryKey: helpKeys.questions });
    },
  });
}

export function useCancelQuestion() {
  // No body, so no content-type header.
  return useQuestionAction<object>((id) => api.post<Question>(`${path(id)}/cancel`));
}

export function useRateQuestion() {
  return useQuestionAction<{ rating: RateQuestionBody }>((id, { rating }) => api.post<Question>(`${path(id)}/rating`, rating));
}

export function useMarkAnswered() {
  return useQuestionAction<object>((id) => api.post<Question>(`${path(id)}/answered`));
}
