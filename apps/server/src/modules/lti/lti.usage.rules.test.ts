import { describe, expect, it } from 'vitest';
import { activitiesCsv, type Activity, usageReport } from './lti.usage.rules';
import { uuidFromDigest, xapiStatement } from './lti.xapi.rules';

const t = (iso: string) => new Date(iso);
const acts: Activity[] = [
  { kind: 'session', id: 's1', userId: 'u1', title: 'Instant help session', startedAt: t('2026-01-01T10:00:00Z'), endedAt: t('2026-01-01T10:25:00Z') },
  { kind: 'lesson', id: 'l1', userId: 'u1', title: 'Tutoring lesson', startedAt: t('2026-01-02T10:00:00Z'), endedAt: t('2026-01-02T11:00:00Z') },
  { kind: 'session', id: 's2', userId: 'u1', title: 'Instant help session', startedAt: t('2026-01-03T10:00:00Z'), endedAt: null },
  { kind: 'class', id: 'c1', userId: 'u2', title: '=HYPERLINK("x")', startedAt: t('2026-01-01T09:00:00Z'), endedAt: t('2026-01-01T09:45:00Z') },
];

describe('usage report', () => {
  it('counts per learner, minutes of finished activities only, the latest start as last activity, and learners who never launched', () => {
    const rows = usageReport(
      [
        { sub: 'a', name: 'Zed', userId: 'u1' },
        { sub: 'b', name: null, userId: 'u2' },
        { sub: 'c', name: 'Never', userId: null },
      ],
      acts,
      new Map([['u2', 'Bea']]),
      new Map([['u1', 2]]),
    );
    expect(rows).toEqual([
      { name: 'Bea', ltiUserId: 'b', launched: true, sessions: 0, lessons: 0, classes: 1, minutes: 45, lastActivityAt: t('2026-01-01T09:00:00Z'), allowanceUsed: 0 },
      { name: 'Never', ltiUserId: 'c', launched: false, sessions: 0, lessons: 0, classes: 0, minutes: 0, lastActivityAt: null, allowanceUsed: 0 },
      { name: 'Zed', ltiUserId: 'a', launched: true, sessions: 2, lessons: 1, classes: 0, minutes: 85, lastActivityAt: t('2026-01-03T10:00:00Z'), allowanceUsed: 2 },
    ]);
  });

  it('writes CSV oldest first with formulas neutralised', () => {
    const csv = activitiesCsv(acts.map((a) => ({ learner: a.userId, ltiUserId: null, verb: 'attended', activity: a })));
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toBe(`u2,,attended,class,c1,"'=HYPERLINK(""x"")",2026-01-01T09:00:00.000Z,2026-01-01T09:45:00.000Z,45`);
  });
});

describe('xAPI statements', () => {
  it('name the learner by their LMS account, an ADL verb, our activity under the course, and a duration', () => {
    const id = uuidFromDigest('0123456789abcdef0123456789abcdef01234567');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const s = xapiStatement({ id, activity: acts[1]!, learner: { name: 'Zed', issuer: 'https://lms', sub: 'a' }, course: { id: 'k1', title: 'Maths', contextId: 'ctx' }, toolOrigin: 'https://tl' });
    expect(s).toMatchObject({
      id,
      actor: { objectType: 'Agent', name: 'Zed', account: { homePage: 'https://lms', name: 'a' } },
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
      object: { id: 'https://tl/xapi/activities/lesson/l1', definition: { type: 'http://adlnet.gov/expapi/activities/lesson' } },
      result: { completion: true, duration: 'PT60M' },
      context: { contextActivities: { grouping: [{ id: 'https://tl/xapi/courses/k1' }] } },
      timestamp: '2026-01-02T10:00:00.000Z',
    });
  });
});
