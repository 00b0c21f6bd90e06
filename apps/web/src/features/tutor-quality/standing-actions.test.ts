import { describe, expect, it } from 'vitest';
import { standingActions } from './standing-actions';

describe('standing actions on the tutor quality page', () => {
  it('offers only what applies: reinstate a suspended tutor; probation and suspend otherwise', () => {
    expect(standingActions({ approvalStatus: 'suspended', onProbation: false }).map((a) => a.label)).toEqual(['Reinstate']);
    expect(standingActions({ approvalStatus: 'approved', onProbation: false }).map((a) => a.label)).toEqual(['Put on probation', 'Suspend']);
    expect(standingActions({ approvalStatus: 'approved', onProbation: true }).map((a) => a.label)).toEqual(['End probation', 'Suspend']);
    expect(standingActions({ approvalStatus: 'pending', onProbation: false }).map((a) => a.change.kind)).toEqual(['probation', 'suspend']);
  });
});
