import { describe, expect, it } from 'vitest';
import { type AskRefusal, askRefusals, type UploadRefusal, uploadRefusals } from '../../help/help.rules';
import { decideStudent, parseStudentReplyId, questionFailureOf, type StudentDecision, type StudentEvent, type StudentState } from '.';
import {
  t0,
  at,
  iso,
  config,
  type StudentFacts,
  adult,
  ctx,
  draft,
  aPhoto,
  states,
  ctxIn,
  replies,
  textOf,
  allText,
  ofType,
  next,
  replyIds,
  conversation,
} from './fixtures.test-support';

// Whole conversations through time: a question end to end, the age gate, a question held for payment.
describe('a whole question, in time', () => {
  it('photo → subject list → level → confirm → finding → throttled waves → accepted → ended → rating → idle', () => {
    const c = conversation();

    // 1. A photo arrives: "Which subject?" as a list (the catalogue has 13 here: page 1 of 2).
    let d = c.send(0, { type: 'photo', media: { mediaId: 'wa-1' }, caption: 'Q 4 please' });
    expect(c.state).toMatchObject({ name: 'choosing_subject', draft: { requestId: 'req-new', photoMediaRefs: [{ mediaId: 'wa-1' }], text: 'Q 4 please' } });
    const list = replies(d)[0]!;
    expect(list).toMatchObject({ kind: 'list', button: 'Choose subject' });
    expect(replyIds(list)).toHaveLength(10);
    expect(replyIds(list).at(-1)).toBe('subjects:page:1');
    expect(ofType(d, 'schedule_timeout')).toEqual([{ type: 'schedule_timeout', at: iso(15 * 60) }]);

    // The second photo of an album, a second later: added without another message.
    d = c.send(1, { type: 'photo', media: { mediaId: 'wa-2' }, caption: null });
    expect(replies(d)).toEqual([]);
    expect(c.state).toMatchObject({ name: 'choosing_subject', draft: { photoMediaRefs: [{ mediaId: 'wa-1' }, { mediaId: 'wa-2' }] } });

    // 2. Choose Mathematics, then the level (two list replies).
    d = c.send(20, parseStudentReplyId('subject:maths')!);
    expect(replyIds(replies(d)[0]!)).toEqual([
      'subject:maths:grade-1-5',
      'subject:maths:grade-6-8',
      'subject:maths:grade-9-10',
      'subject:maths:grade-11-12',
      'subject:maths:university',
      'subjects:page:0',
    ]);
    d = c.send(25, parseStudentReplyId('subject:maths:grade-9-10')!);

    // 3. Confirm, with buttons.
    expect(c.state).toMatchObject({ name: 'confirming', subjectId: 'maths', level: 'grade-9-10' });
    const confirm = replies(d)[0]!;
    expect(confirm).toMatchObject({ kind: 'buttons' });
    expect(textOf(confirm)).toContain('Mathematics · Grade 9–10');
    expect(textOf(confirm)).toContain('2 photos');
    expect(replyIds(confirm)).toEqual(['confirm', 'change_subject', 'cancel']);
    d = c.send(30, parseStudentReplyId('confirm')!);
    expect(ofType(d, 'ask_question')).toEqual([
      {
        type: 'ask_question',
        requestId: 'req-new',
        subjectId: 'maths',
        level: 'grade-9-10',
        draft: expect.objectContaining({ photoMediaRefs: [{ mediaId: 'wa-1' }, { mediaId: 'wa-2' }], text: 'Q 4 please' }),
      },
    ]);
    expect(replies(d)).toEqual([]); // "Finding a tutor…" comes with the question id, a moment later

    // 4. "Finding a tutor…", then at most one update a minute, and only when more tutors have seen it.
    d = c.send(31, { type: 'question_created', requestId: 'req-new', questionId: 'q-42' });
    expect(allText(d)).toMatch(/^Finding a tutor/);
    for (const [second, count] of [
      [31, 20],
      [46, 60],
      [61, 140],
      [91, 140],
      [106, 150],
      [121, 150],
      [136, 150],
      [151, 152],
      [166, 152],
      [181, 160],
    ] as const) {
      c.send(second, { type: 'wave', questionId: 'q-42', notifiedCount: count });
    }
    const updates = c.log.filter((l) => l.event === 'wave' && l.said.length).map((l) => ({ second: l.second, said: l.said[0] }));
    expect(updates).toEqual([
      { second: 91, said: expect.stringContaining('140 tutors have seen your question') },
      { second: 151, said: expect.stringContaining('152 tutors have seen your question') },
    ]);

    // 5. Accepted.
    d = c.send(200, { type: 'claimed', questionId: 'q-42', sessionId: 'sess-9', tutorName: 'Asha', joinUrl: 'https://tutorline.test/s/sess-9' });
    expect(allText(d)).toBe('🎉 Asha accepted your question!\nJoin here: https://tutorline.test/s/sess-9\nTap the link to start.');
    // …and never a wave update after the question left 'waiting'.
    expect(c.send(201, { type: 'wave', questionId: 'q-42', notifiedCount: 170 })).toMatchObject({ forbidden: true, state: 'in_session', event: 'wave' });

    // 6. The session ends: a rating prompt with 1 to 5 (a list: WhatsApp allows only 3 reply buttons).
    d = c.send(1800, { type: 'session_ended', questionId: 'q-42' });
    expect(c.state).toMatchObject({ name: 'rating', questionId: 'q-42' });
    expect(replyIds(replies(d)[0]!)).toEqual(['rate:5', 'rate:4', 'rate:3', 'rate:2', 'rate:1']);
    d = c.send(1830, parseStudentReplyId('rate:4')!);
    expect(ofType(d, 'record_rating')).toEqual([{ type: 'record_rating', questionId: 'q-42', stars: 4 }]);
    expect(c.state).toEqual({ name: 'idle' });

    expect(c.log.map((l) => `${l.event}→${l.to}`)).toEqual([
      'photo→choosing_subject',
      'photo→choosing_subject',
      'subject_picked→choosing_subject',
      'subject_chosen→confirming',
      'confirm→submitting',
      'question_created→waiting',
      ...Array(10).fill('wave→waiting'),
      'claimed→in_session',
      'wave→forbidden',
      'session_ended→rating',
      'rating→idle',
    ]);
  });

  it('a rating typed as text counts too', () => {
    const d = decideStudent(states.rating, { type: 'text', text: ' 2 stars ' }, ctx(0));
    expect(ofType(d, 'record_rating')).toEqual([{ type: 'record_rating', questionId: 'q1', stars: 2 }]);
    expect(next(d)).toEqual({ name: 'idle' });
  });

  it('a subject can be typed by name, and a one-level subject skips the level list', () => {
    const c = conversation(states.choosing_subject);
    c.send(100, { type: 'text', text: 'Olympiad Maths' });
    expect(c.state).toMatchObject({ name: 'confirming', subjectId: 'olympiad', level: 'grade-9-10' });
  });

  it('"yes" typed while confirming sends the question', () => {
    const d = decideStudent(states.confirming, { type: 'text', text: 'OK' }, ctx(10));
    expect(ofType(d, 'ask_question')).toHaveLength(1);
  });

  it('the ask is refused: the student is told why and what to do', () => {
    const c = conversation(states.submitting);
    c.send(10, { type: 'question_failed', requestId: 'req-1', reason: 'consent_required' });
    expect(c.state).toEqual({ name: 'idle' });
    expect(c.log[0]!.said[0]).toMatch(/parent or guardian/);
  });

  it.each([...askRefusals, ...uploadRefusals])("help refuses the ask or an upload with %s: the student is told by the reason alone (decision 039)", (reason) => {
    const words: Record<AskRefusal | UploadRefusal, RegExp> = {
      consent_required: /^A parent or guardian needs to say yes before you can ask\./,
      guardian_limit: /^Your guardian's limits don't allow a question right now/,
      payment_required: /^You need a plan or question credits to ask\./,
      rate_limited: /^You've asked a lot of questions just now\./,
      photo_rejected: /^Sorry, I couldn't use that photo\./,
      unknown_photo: /^Sorry, I couldn't use that photo\./,
      not_in_course: /^Sorry, that subject is not available right now\./,
      unknown_subject: /^Sorry, that subject is not available right now\./,
    };
    const c = conversation(states.submitting);
    c.send(10, { type: 'question_failed', requestId: 'req-1', reason: questionFailureOf[reason] });
    expect(c.state.name).toBe(reason === 'payment_required' ? 'awaiting_payment' : 'idle');
    expect(c.log[0]!.said[0]).toMatch(words[reason]);
  });

  it('no plan or credits: the student gets the server\'s next step and a link to choose a plan', () => {
    const c = conversation(states.submitting);
    c.send(10, { type: 'question_failed', requestId: 'req-1', reason: 'payment_required', next: 'You have no plan or question credits. Choose a plan, or buy a pack of 5 questions.', link: 'https://t.example/l/abc' });
    // The question is kept (see "a question held for payment" below), and the student is told so.
    expect(c.state).toMatchObject({ name: 'awaiting_payment', draft, subjectId: 'maths', level: 'grade-9-10', link: 'https://t.example/l/abc' });
    expect(c.log[0]!.said[0]).toMatch(/no plan or question credits.*\n.*https:\/\/t\.example\/l\/abc/s);
    expect(c.log[0]!.said[1]).toMatch(/kept your question.*as soon as you've paid/);
    const bare = conversation(states.submitting);
    bare.send(10, { type: 'question_failed', requestId: 'req-1', reason: 'payment_required' });
    expect(bare.log[0]!.said[0]).toBe('You need a plan or question credits to ask.');
  });

  it('the question expires unclaimed, or is cancelled on the website', () => {
    const expired = decideStudent(states.waiting, { type: 'expired', questionId: 'q1' }, ctx(600));
    expect(next(expired)).toEqual({ name: 'idle' });
    expect(allText(expired)).toMatch(/no tutor was free.*Send me a photo/s);
    const cancelled = decideStudent(states.waiting, { type: 'cancelled', questionId: 'q1' }, ctx(60));
    expect(allText(cancelled)).toMatch(/was cancelled.*Send me a photo/s);
    expect(ofType(cancelled, 'cancel_question')).toEqual([]); // already cancelled
  });
});

describe('the age gate (a new WhatsApp student)', () => {
  /** A conversation whose student facts change as identity records them. */
  function withFacts(start: StudentState, facts: Partial<StudentFacts>) {
    let state = start;
    const f: StudentFacts = { ...adult, ...facts };
    return {
      facts: f,
      get state() {
        return state;
      },
      send(second: number, event: StudentEvent): StudentDecision {
        const d = decideStudent(state, event, ctx(second, {}, f));
        if (!d.forbidden) state = d.state;
        return d;
      },
    };
  }

  it('is asked their age before the first question; the photo waits in the draft and goes on once the age is on record', () => {
    const c = withFacts({ name: 'idle' }, { ageKnown: false });
    let d = c.send(0, aPhoto('p1'));
    expect(c.state).toMatchObject({ name: 'asking_age', draft: { requestId: 'req-new', photoMediaRefs: [{ mediaId: 'p1' }] } });
    expect(allText(d)).toBe('Got your photo 📸 How old are you? 🎂 Please type your age in years (for example 15).');
    expect(ofType(d, 'schedule_timeout')).toEqual([{ type: 'schedule_timeout', at: iso(15 * 60) }]);
    // Something that is not an age is asked again; another photo joins the draft.
    d = c.send(20, { type: 'text', text: 'maths please' });
    expect(allText(d)).toMatch(/^Sorry, I didn't get that\. How old are you\?/);
    c.send(40, aPhoto('p2'));
    expect(c.state).toMatchObject({ name: 'asking_age', draft: { photoMediaRefs: [{ mediaId: 'p1' }, { mediaId: 'p2' }] } });
    // "15": the youngest birth date it allows is recorded; the answer comes with identity's verdict.
    d = c.send(60, { type: 'text', text: 'I am 15' });
    expect(d).toEqual({ forbidden: false, state: c.state, actions: [{ type: 'record_age', birthDate: '2011-11-22' }] });
    c.facts.ageKnown = true;
    d = c.send(61, { type: 'age_recorded', mayAsk: true });
    expect(c.state).toMatchObject({ name: 'choosing_subject', draft: { photoMediaRefs: [{ mediaId: 'p1' }, { mediaId: 'p2' }] } });
    expect(allText(d)).toMatch(/^Thank you! Which subject is your question\?/);
    // Later questions are not asked it again.
    expect(next(decideStudent({ name: 'idle' }, aPhoto('p3'), ctx(0, {}, c.facts))).name).toBe('choosing_subject');
  });

  it('a year of birth counts too, and "hi" on its own does not start anything', () => {
    expect(ofType(decideStudent(states['asking_age (no draft)'], { type: 'text', text: '2012' }, ctxIn('asking_age (no draft)', 0)), 'record_age')).toEqual([{ type: 'record_age', birthDate: '2012-12-31' }]);
    const hi = decideStudent({ name: 'idle' }, { type: 'text', text: 'hi' }, ctx(0, {}, { ageKnown: false }));
    expect(next(hi)).toEqual({ name: 'idle' });
    const ageOnly = decideStudent(states['asking_age (no draft)'], { type: 'age_recorded', mayAsk: true }, ctxIn('asking_age (no draft)', 0));
    expect(next(ageOnly)).toEqual({ name: 'idle' });
    expect(allText(ageOnly)).toMatch(/Thank you! Send me a photo/);
  });

  it('under 13: nothing is taken; the student is told what happens next and gives a guardian\'s contact; after consent a photo asks', () => {
    const c = withFacts({ name: 'idle' }, { ageKnown: false });
    c.send(0, aPhoto('p1'));
    expect(ofType(c.send(10, { type: 'text', text: '11' }), 'record_age')).toEqual([{ type: 'record_age', birthDate: '2015-11-22' }]);
    Object.assign(c.facts, { ageKnown: true, mayAsk: false });
    let d = c.send(11, { type: 'age_recorded', mayAsk: false });
    expect(c.state).toEqual({ name: 'awaiting_consent' }); // the photo is dropped, never downloaded
    expect(allText(d)).toMatch(/^Thank you\. Because you're under 13, a parent or guardian must agree.*send their phone number or email address.*our team will contact them.*send your question here again/s);
    // A photo is not taken; the guardian's phone number is recorded.
    d = c.send(20, aPhoto('p2'));
    expect(c.state).toEqual({ name: 'awaiting_consent' });
    expect(ofType(d, 'ask_question')).toEqual([]);
    expect(allText(d)).toMatch(/under 13/);
    d = c.send(30, { type: 'text', text: '+91 98765-43210' });
    expect(ofType(d, 'record_guardian')).toEqual([{ type: 'record_guardian', contact: '+919876543210' }]);
    expect(allText(d)).toMatch(/contact your parent or guardian at \+919876543210/);
    c.facts.guardianContact = '+919876543210';
    expect(allText(c.send(40, { type: 'text', text: 'status' }))).toMatch(/Our team will contact them at \+919876543210/);
    // Consent recorded by the team: the next photo starts a question.
    c.facts.mayAsk = true;
    c.send(50, aPhoto('p3'));
    expect(c.state).toMatchObject({ name: 'choosing_subject', draft: { photoMediaRefs: [{ mediaId: 'p3' }] } });
  });

  it('a web student under 13 who linked WhatsApp is told the same at their first photo', () => {
    const d = decideStudent({ name: 'idle' }, aPhoto('p1'), ctx(0, {}, { mayAsk: false, guardianContact: 'mum@example.com' }));
    expect(next(d)).toEqual({ name: 'awaiting_consent' });
    expect(allText(d)).toMatch(/Our team will contact them at mum@example\.com/);
  });
});

describe('a question held for payment', () => {
  const failed: StudentEvent = { type: 'question_failed', requestId: 'req-1', reason: 'payment_required', next: 'You have no plan or question credits.', link: 'https://t.example/l/pay' };

  it('goes out by itself once billing says it is paid, with a message, as the same question (same request id)', () => {
    const c = conversation(states.submitting);
    c.send(10, failed);
    expect(c.state.name).toBe('awaiting_payment');
    let d = c.send(300, { type: 'paid' });
    expect(c.state).toMatchObject({ name: 'submitting', draft, subjectId: 'maths', level: 'grade-9-10', cancelRequested: false, afterPayment: true });
    expect(ofType(d, 'ask_question')).toEqual([{ type: 'ask_question', requestId: 'req-1', draft, subjectId: 'maths', level: 'grade-9-10' }]);
    expect(allText(decideStudent(c.state, { type: 'text', text: 'status' }, ctx(300)))).toMatch(/^Payment received ✅ I'm sending your question to tutors/);
    // The payment is acknowledged with the question id, in one message (two back to back may arrive in either order).
    d = c.send(301, { type: 'question_created', requestId: 'req-1', questionId: 'q-9' });
    expect(c.state).toMatchObject({ name: 'waiting', questionId: 'q-9' });
    expect(replies(d)).toHaveLength(1);
    expect(allText(d)).toMatch(/^Payment received ✅ Finding a tutor for you… 🔎/);
    // A second word from billing (a renewal, say) no longer applies.
    expect(c.send(302, { type: 'paid' })).toMatchObject({ forbidden: true, state: 'waiting', event: 'paid' });
  });

  it('the earlier "Yes, send it" asks again instead of "That button is from an earlier message"', () => {
    const c = conversation(states.submitting);
    c.send(10, failed);
    const d = c.send(20, parseStudentReplyId('confirm')!);
    expect(c.state.name).toBe('submitting');
    expect(ofType(d, 'ask_question')).toHaveLength(1);
    expect(allText(d)).not.toMatch(/earlier message/);
  });

  it('is dropped, and the student told, when no payment comes in time; cancel drops it at once', () => {
    const c = conversation(states.submitting);
    const d = c.send(10, failed);
    const due = ofType(d, 'schedule_timeout')[0]!.at;
    expect(due).toBe(new Date(at(10).getTime() + config.paymentWaitMs).toISOString());
    c.send((Date.parse(due) - t0.getTime()) / 1000, { type: 'timeout' });
    expect(c.state).toEqual({ name: 'idle' });
    expect(c.log.at(-1)!.said[0]).toMatch(/waited a long time for a payment.*Send me a photo/s);
    const cancelled = decideStudent(states.awaiting_payment, { type: 'text', text: 'cancel' }, ctx(10));
    expect(next(cancelled)).toEqual({ name: 'idle' });
  });
});

