import { describe, expect, it } from 'vitest';
import { checksBySplit, openBySubject } from './ops.rules';

describe('ops.rules: the new tiles’ figures', () => {
  const now = new Date('2026-12-07T10:00:00Z');

  it('sets each subject’s open questions against its tutors online and free, listing a subject with tutors and no demand', () => {
    const rows = openBySubject(
      [{ subjectId: 'maths', askedAt: new Date('2026-12-07T09:59:00Z') }, { subjectId: 'maths', askedAt: new Date('2026-12-07T09:58:30Z') }],
      [{ dim: 'maths', value: 3 }],
      now,
      [{ subjectId: 'maths', online: 2, free: 1 }, { subjectId: 'physics', online: 4, free: 4 }],
    );
    expect(rows).toEqual([
      { subjectId: 'maths', open: 2, oldestWaitingSeconds: 90, askedLastHour: 3, tutorsOnline: 2, tutorsFree: 1 },
      { subjectId: 'physics', open: 0, oldestWaitingSeconds: 0, askedLastHour: 0, tutorsOnline: 4, tutorsFree: 4 },
    ]);
  });

  it('counts /check reports per network and device by verdict, networks first, and skips a malformed split', () => {
    const rows = checksBySplit([
      { dim: 'device:phone|fail', value: 5 },
      { dim: 'network:relay-tcp|warn', value: 1 },
      { dim: 'network:direct|pass', value: 3 },
      { dim: 'network:direct|pass', value: 2 },
      { dim: 'network:direct|fail', value: 1 },
      { dim: 'network:blocked', value: 9 },
      { dim: 'network:blocked|maybe', value: 9 },
    ]);
    expect(rows).toEqual([
      { split: 'network:direct', total: 6, pass: 5, warn: 0, fail: 1, skipped: 0 },
      { split: 'network:relay-tcp', total: 1, pass: 0, warn: 1, fail: 0, skipped: 0 },
      { split: 'device:phone', total: 5, pass: 0, warn: 0, fail: 5, skipped: 0 },
    ]);
  });
});
