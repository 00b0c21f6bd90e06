import type { Question } from '@tutorline/contracts';
import { secondsUntil } from '../../lib/durations';
import { translate } from '../../i18n/catalog';
import { formatCountdown } from '../../lib/format';

export interface WaitingStatus {
  title: string;
  /** No tutor was told and no later wave could tell one: the panel says so instead of counting tutors. */
  nobodyReachable: boolean;
  /** The line under the progress bar: when more tutors will be asked, that all were, or nothing (null). */
  next: string | null;
}

type WaitingFacts = Pick<Question, 'createdAt' | 'expiresAt' | 'nextWaveAt' | 'notifiedCount' | 'waitingTutors'>;

/**
 * What the waiting panel says about an open question at `nowMs`. It never counts down to a wave that would ask
 * nobody: "More tutors will be asked" only while some eligible tutor is still waiting for a later wave.
 */
export function waitingStatus(q: WaitingFacts, nowMs: number): WaitingStatus {
  const timeUp = secondsUntil(q.expiresAt, nowMs) === 0;
  // The first wave has looked once the next look is later than the ask (or there is none).
  const looked = Date.parse(q.nextWaveAt ?? q.expiresAt) > Date.parse(q.createdAt);
  const n = q.notifiedCount;
  const nobodyReachable = looked && n === 0 && q.waitingTutors === 0;
  const title = translate(timeUp ? 'waiting.timeUp' : nobodyReachable ? 'waiting.nobodyOnline' : n === 0 ? 'waiting.looking' : 'waiting.waiting');
  const nextIn = q.nextWaveAt ? secondsUntil(q.nextWaveAt, nowMs) : 0;
  const next = timeUp ? null : nextIn > 0 && q.waitingTutors > 0 ? translate('waiting.nextWave', { time: formatCountdown(nextIn) }) : n > 0 ? translate('waiting.allAsked') : null;
  return { title, nobodyReachable, next };
}
