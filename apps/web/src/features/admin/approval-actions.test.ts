import { approvalStatuses } from '@tutorline/contracts';
import { describe, expect, it } from 'vitest';
import { approvalActions } from './approval-actions';

describe('the actions offered on a tutor in the admin list', () => {
  it('are only those that change the tutor’s status', () => {
    expect(approvalActions('pending').map((a) => a.label)).toEqual(['Approve', 'Suspend']);
    expect(approvalActions('approved').map((a) => a.label)).toEqual(['Suspend']);
    expect(approvalActions('suspended').map((a) => a.label)).toEqual(['Reinstate']);
    for (const status of approvalStatuses) {
      const actions = approvalActions(status);
      expect(actions.length).toBeGreaterThan(0);
      // Never a no-op button (the greyed Approve on an approved tutor).
      for (const a of actions) expect(a.to).not.toBe(status);
    }
  });
});
