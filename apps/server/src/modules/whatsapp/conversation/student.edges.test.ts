import { describe, expect, it } from 'vitest';
import { decideStudent, parseStudentReplyId, type StudentAction, type StudentEvent, type StudentState, type StudentStateName } from '.';
import {
  t0,
  at,
  iso,
  config,
  ctx,
  joinUrl,
  states,
  type StateLabel,
  ctxIn,
  walk,
  replies,
  textOf,
  allText,
  ofType,
  next,
  conversation,
} from './fixtures.test-support';

// Wave updates, cancel, timeouts, photos mid-flow, status/help/unsupported from every state, events that do not apply.
describe('wave updates are not spam', () => {
  it('a wave every 5 s for 10 minutes gives at most one message a minute, with a growing count', () => {
    const c = conversation({ name: 'waiting', questionId: 'q1', notified: 0, notifiedSent: 0, lastUpdateAt: iso(0) });
    for (let s = 0; s <= 600; s += 5) c.send(s, { type: 'wave', questionId: 'q1', notifiedCount: Math.min(200, 20 * 2 ** Math.floor(s / 15)) });
    const sent = c.log.filter((l) => l.said.length);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThanOrEqual(10);
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.second - sent[i - 1]!.second).toBeGreaterThanOrEqual(60);
    expect(sent[0]!.second).toBeGreaterThanOrEqual(60); // not right after "Finding a tutor…"
    const counts = sent.map((l) => Number(/(\d+) tutors/.exec(l.said[0]!)![1]));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(new Set(counts).size).toBe(counts.length); // the same count is never repeated
  });

  it('a smaller, late count never lowers what is known', () => {
    const d = decideStudent({ ...states.waiting, notified: 50 }, { type: 'wave', questionId: 'q1', notifiedCount: 20 }, ctx(10));
    expect(next(d)).toMatchObject({ notified: 50 });
  });

  it('respects the configured interval', () => {
    const s: StudentState = { name: 'waiting', questionId: 'q1', notified: 0, notifiedSent: 0, lastUpdateAt: iso(0) };
    expect(replies(decideStudent(s, { type: 'wave', questionId: 'q1', notifiedCount: 9 }, ctx(29, { waveUpdateMinIntervalMs: 30_000 })))).toEqual([]);
    expect(replies(decideStudent(s, { type: 'wave', questionId: 'q1', notifiedCount: 9 }, ctx(30, { waveUpdateMinIntervalMs: 30_000 })))).toHaveLength(1);
  });
});

describe('cancel, from each state', () => {
  const cases: [StateLabel, StudentStateName, StudentAction['type'][]][] = [
    ['idle', 'idle', ['reply']],
    ['choosing_subject', 'idle', ['reply']],
    ['confirming', 'idle', ['reply']],
    ['submitting', 'submitting', ['reply']],
    ['waiting', 'idle', ['cancel_question', 'reply']],
    ['in_session', 'idle', ['reply']],
    ['rating', 'idle', ['reply']],
    ['asking_age', 'idle', ['reply']],
    ['awaiting_consent', 'awaiting_consent', ['reply']], // nothing to cancel: what happens next is said again
    ['awaiting_payment', 'idle', ['reply']],
  ];
  it.each(cases)('%s → %s, doing %j', (from, to, actions) => {
    for (const word of ['cancel', 'STOP', ' Cancel. ', 'band karo']) {
      const d = decideStudent(states[from], { type: 'text', text: word }, ctxIn(from, 10));
      expect(next(d).name).toBe(to);
      expect(ofType(d, 'reply').length).toBe(1);
      expect(d.forbidden ? [] : d.actions.map((a) => a.type)).toEqual(actions);
    }
    // The Cancel button on the confirm message is the same as the word.
    expect(decideStudent(states[from], parseStudentReplyId('cancel')!, ctxIn(from, 10))).toEqual(decideStudent(states[from], { type: 'text', text: 'cancel' }, ctxIn(from, 10)));
  });

  it('while the ask is in flight, cancel waits for the question id, then cancels it', () => {
    const c = conversation(states.submitting);
    c.send(1, { type: 'text', text: 'cancel' });
    expect(c.state).toMatchObject({ name: 'submitting', cancelRequested: true });
    expect(c.log[0]!.said[0]).toMatch(/cancelling/);
    const d = c.send(2, { type: 'question_created', requestId: 'req-1', questionId: 'q-7' });
    expect(ofType(d, 'cancel_question')).toEqual([{ type: 'cancel_question', questionId: 'q-7' }]);
    expect(c.state).toEqual({ name: 'idle' });
    expect(c.log[1]!.said[0]).toMatch(/^Cancelled/);
    // A late claim for the cancelled question is not applicable any more.
    expect(c.send(3, { type: 'claimed', questionId: 'q-7', sessionId: 's', tutorName: 'A', joinUrl })).toMatchObject({ forbidden: true, reason: 'not_applicable' });
  });

  it('cancel in a session only stops following it (the session itself is not touched)', () => {
    const d = decideStudent(states.in_session, { type: 'text', text: 'cancel' }, ctx(10));
    expect(ofType(d, 'cancel_question')).toEqual([]);
    expect(allText(d)).toMatch(/Priya stays open/);
  });
});

describe('timeouts', () => {
  it('a draft with no answer for 15 minutes is put aside; activity pushes the timer, and the old timer is then ignored', () => {
    const c = conversation();
    let d = c.send(0, { type: 'photo', media: { mediaId: 'a' }, caption: null });
    expect(ofType(d, 'schedule_timeout')[0]!.at).toBe(iso(900));
    d = c.send(600, { type: 'subject_chosen', subjectId: 'maths', level: 'grade-9-10' });
    expect(ofType(d, 'schedule_timeout')[0]!.at).toBe(iso(1500));
    expect(c.send(900, { type: 'timeout' })).toMatchObject({ forbidden: true, reason: 'timer_superseded', state: 'confirming' });
    d = c.send(1500, { type: 'timeout' });
    expect(c.state).toEqual({ name: 'idle' });
    expect(allText(d)).toMatch(/put your question aside.*Send me a photo/s);
  });

  it('an ask that never answers is given up after submitTimeoutMs', () => {
    const c = conversation(states.confirming);
    const d = c.send(10, { type: 'confirm' });
    expect(ofType(d, 'schedule_timeout')[0]!.at).toBe(new Date(at(10).getTime() + config.submitTimeoutMs).toISOString());
    expect(c.send(20, { type: 'timeout' })).toMatchObject({ forbidden: true, reason: 'timer_superseded' });
    c.send(10 + config.submitTimeoutMs / 1000, { type: 'timeout' });
    expect(c.state).toEqual({ name: 'idle' });
    expect(c.log.at(-1)!.said[0]).toMatch(/went wrong.*Send me a photo/s);
  });

  it('the rating prompt lapses silently', () => {
    const c = conversation(states.in_session);
    const d = c.send(0, { type: 'session_ended', questionId: 'q1' });
    const due = ofType(d, 'schedule_timeout')[0]!.at;
    expect(due).toBe(new Date(at(0).getTime() + config.ratingTimeoutMs).toISOString());
    const lapse = c.send((Date.parse(due) - t0.getTime()) / 1000, { type: 'timeout' });
    expect(lapse).toEqual({ forbidden: false, state: { name: 'idle' }, actions: [] });
  });

  it('no timer runs while waiting or in a session (the question and the session end those)', () => {
    for (const s of [states.idle, states.waiting, states.in_session]) {
      expect(decideStudent(s, { type: 'timeout' }, ctx(1e6))).toMatchObject({ forbidden: true, reason: 'not_applicable' });
    }
  });
});

describe('a new photo in the middle of a flow', () => {
  const photo = (id: string, caption: string | null = null): StudentEvent => ({ type: 'photo', media: { mediaId: id }, caption });

  it('is added to the draft while choosing or confirming, up to 4; the 5th gets a polite "up to 4"', () => {
    const c = conversation(states.confirming); // 1 photo; last prompt at second 0
    c.send(20, photo('m2', 'the second part'));
    expect(c.log.at(-1)!.said[0]).toMatch(/^Got it — 2 photos\./);
    expect(c.state).toMatchObject({ name: 'confirming', subjectId: 'maths', draft: { text: 'the second part' } });
    c.send(40, photo('m3'));
    c.send(60, photo('m4'));
    c.send(80, photo('m5'));
    expect(c.log.at(-1)!.said[0]).toMatch(/^You can send up to 4 photos — I kept the first 4\./);
    const s = c.state as Extract<StudentState, { name: 'confirming' }>;
    expect(s.draft.photoMediaRefs.map((m) => m.mediaId)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(s.draft.droppedPhotos).toBe(1);
    // A 6th right after (same album): no second notice. A 7th later: told again.
    c.send(81, photo('m6'));
    expect(c.log.at(-1)!.said).toEqual([]);
    c.send(200, photo('m7'));
    expect(c.log.at(-1)!.said[0]).toMatch(/up to 4 photos/);
    expect((c.state as Extract<StudentState, { name: 'confirming' }>).draft.photoMediaRefs).toHaveLength(4);
  });

  it('an album of 4 gets one subject list, not four', () => {
    const c = conversation();
    for (let i = 0; i < 4; i++) c.send(i, photo(`p${i}`));
    expect(c.log.map((l) => l.said.length)).toEqual([1, 0, 0, 0]);
    expect(c.state).toMatchObject({ name: 'choosing_subject', draft: { photoMediaRefs: [{}, {}, {}, {}] } });
  });

  it('words sent after the photo are added to the question', () => {
    const c = conversation(states.choosing_subject);
    c.send(5, { type: 'text', text: 'only part b' }); // within the burst: quiet
    c.send(100, { type: 'text', text: 'and part c' });
    expect(c.state).toMatchObject({ draft: { text: 'only part b\nand part c' } });
    expect(c.log.map((l) => l.said.length)).toEqual([0, 1]);
    expect(c.log[1]!.said[0]).toMatch(/^Got it, I added that/);
  });

  it.each(['submitting', 'waiting', 'in_session'] as const)('while %s it says a question is already open', (from) => {
    const d = decideStudent(states[from], photo('x'), ctx(10));
    expect(next(d)).toEqual(states[from]);
    expect(allText(d)).toMatch(/already have a question open.*send cancel to start over/is);
  });

  it('while rating, it starts a new question (the rating is skipped)', () => {
    const d = decideStudent(states.rating, photo('x'), ctx(10));
    expect(next(d)).toMatchObject({ name: 'choosing_subject', draft: { requestId: 'req-new', photoMediaRefs: [{ mediaId: 'x' }] } });
    expect(ofType(d, 'record_rating')).toEqual([]);
  });
});

describe('status, help and unsupported messages, from every state', () => {
  const expectations: [StateLabel, RegExp][] = [
    ['idle', /don't have a question open.*Send me a photo/s],
    ['choosing_subject', /1 photo so far.*Which subject/s],
    ['confirming', /ready to send.*Mathematics · Grade 9–10.*Send it to a tutor\?/s],
    ['submitting', /sending your question/],
    ['submitting (cancel requested)', /cancelling your question/],
    ['waiting', /Still looking.*5 tutors have seen.*Send cancel to stop/s],
    ['in_session', /Priya is your tutor\. Join here: https:\/\/tutorline\.test\/s\/sess-1/],
    ['rating', /session has ended.*How was your session with Priya/s],
    ['asking_age', /1 photo so far.*How old are you\?/s],
    ['asking_age (no draft)', /^How old are you\?/],
    ['awaiting_consent', /under 13, a parent or guardian must agree.*send their phone number or email/s],
    ['awaiting_payment', /question is saved.*as soon as you've paid.*https:\/\/tutorline\.test\/l\/pay.*send cancel/is],
  ];
  it.each(expectations)('status in %s', (from, said) => {
    for (const word of ['status', 'STATUS ', 'kya hua']) {
      const d = decideStudent(states[from], { type: 'text', text: word }, ctxIn(from, 10));
      expect(next(d)).toBe(states[from]); // unchanged, not even the timers
      expect(replies(d)).toHaveLength(1);
      expect(allText(d)).toMatch(said);
    }
  });

  // (Once consent is on record, awaiting_consent answers as idle: that row is in the table above.)
  const asStored = (Object.keys(states) as StateLabel[]).filter((l) => l !== 'awaiting_consent (consent since recorded)');
  it.each(asStored)('help in %s: how it works, then where you are', (from) => {
    const d = decideStudent(states[from], { type: 'text', text: 'madad' }, ctxIn(from, 10));
    expect(next(d)).toBe(states[from]);
    expect(textOf(replies(d)[0]!)).toMatch(/Send a photo of your question/);
    expect(replies(d)).toHaveLength(states[from].name === 'idle' ? 1 : 2);
  });

  it.each(asStored)('a voice note or sticker in %s: only text and photos, nothing changes', (from) => {
    const d = decideStudent(states[from], { type: 'unsupported' }, ctxIn(from, 10));
    expect(next(d)).toBe(states[from]);
    expect(allText(d)).toMatch(/only read text and photos/);
  });
});

describe('system events that do not apply are forbidden, with fields to log', () => {
  it('claimed while idle (the student had cancelled)', () => {
    expect(decideStudent(states.idle, { type: 'claimed', questionId: 'q1', sessionId: 's', tutorName: 'A', joinUrl }, ctx(0))).toEqual({
      forbidden: true,
      reason: 'not_applicable',
      state: 'idle',
      event: 'claimed',
    });
  });
  it("another question's events while waiting for this one", () => {
    for (const e of ['wave (other question)', 'claimed (other question)', 'expired (other question)', 'cancelled (other question)'] as const) {
      expect(walk('waiting', e)).toMatchObject({ forbidden: true, reason: 'other_question' });
    }
    expect(walk('in_session', 'session_ended (other question)')).toMatchObject({ forbidden: true, reason: 'other_question' });
    expect(walk('submitting', 'question_created (other request)')).toMatchObject({ forbidden: true, reason: 'other_request' });
  });
});

