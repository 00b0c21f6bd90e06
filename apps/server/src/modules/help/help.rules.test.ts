import { questionStatuses } from '@tutorline/contracts';
import { describe, expect, it } from 'vitest';
import {
  type DispatchConfig,
  defaultDispatchConfig,
  ineligibility,
  mayClaim,
  heldForProbation,
  nextWave,
  type QuestionEvent,
  type QuestionFacts,
  questionTransitions,
  rankTutors,
  type TutorFacts,
  transition,
  splitAnswerable,
} from './help.rules';

const t0 = new Date('2026-11-22T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

const question = (over: Partial<QuestionFacts> = {}): QuestionFacts => ({
  id: 'q1',
  studentId: 's1',
  subjectId: 'maths',
  level: 'grade-9-10',
  status: 'open',
  createdAt: t0,
  expiresAt: at(600),
  wave: 0,
  notifiedCount: 0,
  ...over,
});

const tutor = (id: string, over: Partial<TutorFacts> = {}): TutorFacts => ({
  id,
  approved: true,
  teaches: [{ subjectId: 'maths', level: 'grade-9-10' }],
  online: true,
  notifyWhenOffline: false,
  inSession: false,
  blockedByStudent: false,
  alreadyNotified: false,
  preferredByStudent: false,
  ratingSum: 0,
  ratingCount: 0,
  notifiedCount: 0,
  acceptedCount: 0,
  meanResponseSeconds: null,
  lastNotifiedAt: null,
  teachesScarceSubject: false,
  onProbation: false,
  ...over,
});

describe('question state machine', () => {
  const events: QuestionEvent[] = ['wave', 'claim', 'cancel', 'expire', 'answer'];
  const allowed = new Set(['open|wave', 'open|claim', 'open|cancel', 'open|expire', 'claimed|answer']);

  it('allows exactly the listed transitions and forbids every other pair', () => {
    for (const from of questionStatuses) {
      for (const event of events) {
        const to = transition(from, event);
        if (allowed.has(`${from}|${event}`)) expect(to, `${from} × ${event}`).not.toBeNull();
        else expect(to, `${from} × ${event} must be forbidden`).toBeNull();
      }
    }
    expect(transition('open', 'claim')).toBe('claimed');
    expect(transition('claimed', 'answer')).toBe('answered');
    expect(Object.keys(questionTransitions).sort()).toEqual([...questionStatuses].sort());
  });
});

describe('eligibility', () => {
  const q = question();
  it('names the first reason a tutor is left out', () => {
    expect(ineligibility(q, tutor('a'))).toBeNull();
    expect(ineligibility(q, tutor('a', { approved: false }))).toBe('not_approved');
    expect(ineligibility(q, tutor('a', { teaches: [{ subjectId: 'maths', level: 'university' }] }))).toBe('wrong_subject');
    expect(ineligibility(q, tutor('a', { online: false }))).toBe('unreachable');
    expect(ineligibility(q, tutor('a', { online: false, notifyWhenOffline: true }))).toBeNull();
    expect(ineligibility(q, tutor('a', { inSession: true }))).toBe('in_session');
    expect(ineligibility(q, tutor('a', { blockedByStudent: true }))).toBe('blocked');
    expect(ineligibility(q, tutor('a', { alreadyNotified: true }))).toBe('already_notified');
  });
  it('a claim needs approval, the subject at that level, and no block', () => {
    expect(mayClaim(q, tutor('a'))).toBe(true);
    expect(mayClaim(q, tutor('a', { approved: false }))).toBe(false);
    expect(mayClaim(q, tutor('a', { blockedByStudent: true }))).toBe(false);
    expect(mayClaim(q, tutor('a', { teaches: [] }))).toBe(false);
  });
});

describe('ranking', () => {
  it('puts the student’s preferred tutors first, then quality, then those waiting longest', () => {
    const good = tutor('good', { ratingSum: 50, ratingCount: 10, acceptedCount: 8, notifiedCount: 10, meanResponseSeconds: 5, lastNotifiedAt: at(-3600) });
    const weak = tutor('weak', { ratingSum: 20, ratingCount: 10, acceptedCount: 1, notifiedCount: 10, meanResponseSeconds: 120, lastNotifiedAt: at(-3600) });
    const fav = tutor('fav', { preferredByStudent: true, ratingSum: 30, ratingCount: 10 });
    expect(rankTutors([weak, good, fav], t0).map((t) => t.id)).toEqual(['fav', 'good', 'weak']);
  });
  it('gives a turn to an equal tutor who was notified less recently', () => {
    const recent = tutor('recent', { lastNotifiedAt: at(-60) });
    const idle = tutor('idle', { lastNotifiedAt: at(-3000) });
    expect(rankTutors([recent, idle], t0).map((t) => t.id)).toEqual(['idle', 'recent']);
  });
});

describe('waves through time', () => {
  const cfg: DispatchConfig = { ...defaultDispatchConfig, firstWave: 2, waveSeconds: 15, expiryMinutes: 1, cooldownSeconds: 0, scarceHoldBackShare: 0 };
  const pool = Array.from({ length: 9 }, (_, i) => tutor(`t${i}`));

  it('widens every T seconds (2, then 4, then the rest) until everyone is notified, then expires at M', () => {
    let q = question({ expiresAt: at(60) });
    const notified = new Set<string>();
    const timeline: { second: number; wave: number; count: number }[] = [];
    for (let second = 0; ; second += 15) {
      const d = nextWave(q, pool.map((t) => ({ ...t, alreadyNotified: notified.has(t.id) })), at(second), cfg);
      if (d.kind === 'expire') {
        timeline.push({ second, wave: -1, count: notified.size });
        break;
      }
      if (d.kind !== 'notify') throw new Error('unexpected stop');
      for (const id of d.tutorIds) {
        expect(notified.has(id)).toBe(false); // never twice
        notified.add(id);
      }
      timeline.push({ second, wave: d.wave, count: notified.size });
      q = { ...q, wave: d.wave };
      if (second >= 45) expect(d.nextWaveAt).toBeNull();
      else expect(d.nextWaveAt).toEqual(at(second + 15));
    }
    expect(timeline).toEqual([
      { second: 0, wave: 1, count: 2 },
      { second: 15, wave: 2, count: 6 },
      { second: 30, wave: 3, count: 9 },
      { second: 45, wave: 3, count: 9 },
      { second: 60, wave: -1, count: 9 },
    ]);
  });

  it('stops for a question that is no longer open', () => {
    for (const status of ['claimed', 'answered', 'expired', 'cancelled'] as const) {
      expect(nextWave(question({ status }), pool, t0, cfg)).toEqual({ kind: 'stop' });
    }
  });

  it('lets a tutor who came online later in a later wave', () => {
    const q = question({ wave: 3 });
    const d = nextWave(q, [tutor('late')], at(100), cfg);
    expect(d).toMatchObject({ kind: 'notify', tutorIds: ['late'], wave: 4 });
  });

  it('holds a tutor in cooldown back until the cooldown has passed', () => {
    const c = { ...cfg, cooldownSeconds: 30 };
    const busy = tutor('busy', { lastNotifiedAt: at(-10) });
    expect(nextWave(question(), [busy], t0, c)).toMatchObject({ tutorIds: [], coolingDown: 1 });
    expect(nextWave(question(), [{ ...busy }], at(25), c)).toMatchObject({ tutorIds: ['busy'] });
  });

  it('holds a configured share of scarce-subject tutors back from the first waves of other questions', () => {
    const c = { ...cfg, firstWave: 100, scarceHoldBackShare: 0.5, scarceHoldBackWaves: 1 };
    const scarce = Array.from({ length: 40 }, (_, i) => tutor(`s${i}`, { teachesScarceSubject: true }));
    const first = nextWave(question(), scarce.concat(pool), t0, c);
    if (first.kind !== 'notify') throw new Error();
    expect(first.heldBack).toBeGreaterThan(8);
    expect(first.heldBack).toBeLessThan(32);
    expect(first.tutorIds.length).toBe(49 - first.heldBack);
    // From wave 2 nobody is held back.
    const later = nextWave(question({ wave: 1 }), scarce, at(15), c);
    expect(later).toMatchObject({ heldBack: 0 });
    // A question in the scarce subject itself holds nobody back.
    expect(nextWave(question(), scarce, t0, c)).toMatchObject({ heldBack: 0 });
  });
});

describe('tutors on probation (issue #18)', () => {
  const cfg: DispatchConfig = { ...defaultDispatchConfig, firstWave: 10, cooldownSeconds: 0, scarceHoldBackShare: 0, probationWaves: 2, waveSeconds: 15 };
  const regular = [tutor('r1'), tutor('r2')];
  const onProbation = tutor('p1', { onProbation: true, ratingSum: 50, ratingCount: 10 });

  it('keeps a tutor on probation out of the first waves, however well they rank, and counts them as waiting', () => {
    const first = nextWave(question(), [onProbation, ...regular], t0, cfg);
    expect(first).toMatchObject({ kind: 'notify', wave: 1, tutorIds: ['r1', 'r2'], onProbation: 1, waiting: 1 });
    const second = nextWave(question({ wave: 1, notifiedCount: 2 }), [onProbation, ...regular.map((t) => ({ ...t, alreadyNotified: true }))], at(10), cfg);
    expect(second).toMatchObject({ tutorIds: [], onProbation: 1 });
  });

  it('asks them from the wave after the probation waves, or once that many wave periods have passed', () => {
    expect(nextWave(question({ wave: 2, notifiedCount: 2 }), [onProbation, ...regular], at(20), cfg)).toMatchObject({ tutorIds: ['p1', 'r1', 'r2'], onProbation: 0 });
    // Wave 1 found everyone else; no second wave was sent, but two wave periods have passed.
    const asked = regular.map((t) => ({ ...t, alreadyNotified: true }));
    expect(nextWave(question({ wave: 1, notifiedCount: 2 }), [onProbation, ...asked], at(29), cfg)).toMatchObject({ tutorIds: [], onProbation: 1 });
    expect(nextWave(question({ wave: 1, notifiedCount: 2 }), [onProbation, ...asked], at(30), cfg)).toMatchObject({ tutorIds: ['p1'], onProbation: 0 });
  });

  it('never leaves a student unasked: with nobody else being asked, probation does not hold them', () => {
    expect(nextWave(question(), [onProbation], t0, cfg)).toMatchObject({ tutorIds: ['p1'], onProbation: 0 });
    expect(heldForProbation(question(), t0, false, cfg)).toBe(false);
    expect(heldForProbation(question(), t0, true, cfg)).toBe(true);
    expect(heldForProbation(question({ wave: 2 }), t0, true, cfg)).toBe(false);
    expect(heldForProbation(question({ wave: 1 }), at(29), true, cfg)).toBe(true);
    expect(heldForProbation(question({ wave: 1 }), at(30), true, cfg)).toBe(false);
  });
});

describe('a question nobody can answer', () => {
  const cfg: DispatchConfig = { ...defaultDispatchConfig, firstWave: 2, cooldownSeconds: 0, scarceHoldBackShare: 0 };

  it('is closed at once when no approved tutor (not blocked by the student) teaches it', () => {
    expect(nextWave(question(), [], t0, cfg)).toEqual({ kind: 'unanswerable' });
    const nobody = [tutor('blocked', { blockedByStudent: true }), tutor('pending', { approved: false }), tutor('other', { teaches: [{ subjectId: 'maths', level: 'university' }] })];
    expect(nextWave(question(), nobody, t0, cfg)).toEqual({ kind: 'unanswerable' });
  });

  it('waits while a tutor who teaches it is offline or busy: they may come back before it expires', () => {
    expect(nextWave(question(), [tutor('off', { online: false })], t0, cfg)).toMatchObject({ kind: 'notify', tutorIds: [], waiting: 0 });
    expect(nextWave(question(), [tutor('busy', { inSession: true })], t0, cfg)).toMatchObject({ kind: 'notify', tutorIds: [], waiting: 0 });
  });

  it('is not closed early once someone was notified; expiry decides', () => {
    expect(nextWave(question({ notifiedCount: 1, wave: 1 }), [], t0, cfg)).toMatchObject({ kind: 'notify', tutorIds: [] });
  });

  it('counts the eligible tutors a later wave may still ask', () => {
    const pool = Array.from({ length: 5 }, (_, i) => tutor(`t${i}`));
    const cooling = tutor('cool', { lastNotifiedAt: at(-5) });
    expect(nextWave(question(), [...pool, cooling], t0, { ...cfg, cooldownSeconds: 30 })).toMatchObject({ tutorIds: ['t0', 't1'], coolingDown: 1, waiting: 4 });
  });
});

describe('what can be asked', () => {
  it('offers only the levels some approved tutor teaches, in catalogue order, and lists the rest as not yet taught', () => {
    const catalogue = [
      { id: 'maths', name: 'Mathematics', levels: ['grade-6-8', 'grade-9-10', 'university'] },
      { id: 'hindi', name: 'Hindi', levels: ['grade-6-8'] },
    ];
    const taught = [
      { subjectId: 'maths', level: 'university' },
      { subjectId: 'maths', level: 'grade-6-8' },
      { subjectId: 'physics', level: 'grade-6-8' },
    ];
    expect(splitAnswerable(catalogue, taught)).toEqual({
      answerable: [{ id: 'maths', name: 'Mathematics', levels: ['grade-6-8', 'university'] }],
      notYet: [
        { id: 'maths', name: 'Mathematics', levels: ['grade-9-10'] },
        { id: 'hindi', name: 'Hindi', levels: ['grade-6-8'] },
      ],
    });
  });
});
