import type { Question } from '@tutorline/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useSocketEvent } from '../../lib/socket';
import { helpKeys } from './help-keys';

/**
 * Keeps the student's cached questions current from socket events: the waiting screen and the history list both read them.
 * Lost events are covered by the refetch on reconnect.
 */
export function useLiveQuestions(): void {
  const queryClient = useQueryClient();

  const update = (questionId: string, change: (q: Question) => Question) => {
    queryClient.setQueryData<Question>(helpKeys.question(questionId), (q) => (q ? change(q) : q));
    queryClient.setQueryData<Question[]>(helpKeys.questions, (list) => list?.map((q) => (q.id === questionId ? change(q) : q)));
  };

  useSocketEvent('help:progress', (p) => {
    update(p.questionId, (q) =>
      // Waves only go up; an older event arriving late must not undo a newer one.
      q.status === 'open' && p.wave >= q.wave
        ? { ...q, wave: p.wave, notifiedCount: p.notifiedCount, nextWaveAt: p.nextWaveAt, expiresAt: p.expiresAt, waitingTutors: p.waitingTutors }
        : q,
    );
    // Then read the server's state: an event can arrive while a fetch that started before the wave is still in flight,
    // and that fetch would otherwise land after it and put the count back. Invalidating cancels and restarts it.
    void queryClient.invalidateQueries({ queryKey: helpKeys.question(p.questionId) });
  });

  useSocketEvent('help:claimed', (p) => {
    update(p.questionId, (q) =>
      q.status === 'open' ? { ...q, status: 'claimed', sessionId: p.sessionId, tutor: p.tutor, nextWaveAt: null, claimedAt: new Date().toISOString() } : q,
    );
    // Fill in what the event does not carry (claimedAt from the server, the timeline).
    void queryClient.invalidateQueries({ queryKey: helpKeys.question(p.questionId) });
  });

  useSocketEvent('help:closed', (p) => {
    update(p.questionId, (q) => (q.status === 'open' ? { ...q, status: p.status, nextWaveAt: null, closeReason: p.reason ?? null } : q));
    void queryClient.invalidateQueries({ queryKey: helpKeys.question(p.questionId) });
  });
}
