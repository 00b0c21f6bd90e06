import type { TutorQuality } from '@tutorline/contracts';
import type { StandingChange } from './use-tutor-quality';

export interface StandingAction {
  change: StandingChange;
  label: string;
  pendingLabel: string;
  variant: 'primary' | 'secondary' | 'danger';
}

/** The standing changes that apply to a tutor now: suspend or reinstate, and probation on or off (not while suspended). */
export function standingActions(t: Pick<TutorQuality, 'approvalStatus' | 'onProbation'>): StandingAction[] {
  const out: StandingAction[] = [];
  if (t.approvalStatus === 'suspended') out.push({ change: { kind: 'reinstate' }, label: 'Reinstate', pendingLabel: 'Reinstating…', variant: 'primary' });
  else {
    out.push(
      t.onProbation
        ? { change: { kind: 'probation', onProbation: false }, label: 'End probation', pendingLabel: 'Ending probation…', variant: 'secondary' }
        : { change: { kind: 'probation', onProbation: true }, label: 'Put on probation', pendingLabel: 'Saving…', variant: 'secondary' },
    );
    out.push({ change: { kind: 'suspend' }, label: 'Suspend', pendingLabel: 'Suspending…', variant: 'danger' });
  }
  return out;
}
