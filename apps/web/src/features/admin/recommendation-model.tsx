import type { RecommendationModelStatus } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../lib/api';
import { formatDateTime, plural } from '../../lib/format';
import { Button } from '../../ui/button';

const key = ['admin', 'recommendations'] as const;

/** The recommendation model in use (or why suggestions are on cold start), and a button to train a new one now. */
export function RecommendationModel() {
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: key, queryFn: () => api.get<RecommendationModelStatus>('/api/admin/recommendations') });
  const train = useMutation({
    mutationFn: () => api.post<RecommendationModelStatus>('/api/admin/recommendations/train'),
    onSuccess: (s) => queryClient.setQueryData(key, s),
  });
  const loaded = status.data?.loaded;
  return (
    <section className="card" aria-labelledby="rec-model-title" data-testid="admin-recommendations">
      <h2 id="rec-model-title">Tutor recommendations</h2>
      {status.error && <p className="muted">{errorMessage(status.error)}</p>}
      {status.data && (
        <p>
          {loaded ? (
            <>
              Model <strong>{loaded.version}</strong>, trained {formatDateTime(loaded.trainedAt)} on {plural(loaded.tutors, { one: '# tutor', other: '# tutors' })}.
            </>
          ) : (
            <>Suggestions use popularity only: {status.data.coldStartReason}.</>
          )}
        </p>
      )}
      <Button onClick={() => train.mutate()} disabled={train.isPending || status.data?.training} data-testid="train-recommendations">
        {status.data?.training ? 'Training…' : 'Train now'}
      </Button>
      {train.isSuccess && <p className="muted">Training has started; it runs in the background and the new model is used as soon as it is ready.</p>}
      {train.error && <p className="field-error">{errorMessage(train.error)}</p>}
    </section>
  );
}
