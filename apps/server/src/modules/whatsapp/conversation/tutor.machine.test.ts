import { describe, expect, it } from 'vitest';
import { type ClaimRefusal, claimRefusals } from '../../help/help.rules';
import {
  claimRefused,
  classifyTutorText,
  decideTutor,
  messageLimitProblems,
  parseTutorReplyId,
  type TutorEvent,
  tutorEventKind,
  tutorEventKinds,
  tutorEventTypes,
  tutorQuestionAlert,
  tutorTransitions,
} from '.';
import { joinUrl, textOf, replyIds } from './fixtures.test-support';

// ---------- tutors ----------

describe('tutor numbers (stateless: always ready)', () => {
  const ready = { name: 'ready' } as const;
  const samples: [string, TutorEvent, string[], RegExp][] = [
    ['online', { type: 'text', text: 'Online' }, ['set_availability', 'reply'], /You're online/],
    ['offline', { type: 'text', text: ' offline ' }, ['set_availability', 'reply'], /You're offline/],
    ['help', { type: 'text', text: 'help' }, ['reply'], /Accept button/],
    ['other text', { type: 'text', text: 'is anyone there' }, ['reply'], /Send online/],
    ['unsupported', { type: 'unsupported' }, ['reply'], /only read text/],
    ['accept', { type: 'accept', questionId: 'q1' }, ['claim'], /^$/],
    ['claim won', { type: 'claim_result', questionId: 'q1', result: 'won', joinUrl }, ['reply'], /It's yours! Join the student here: https:\/\/tutorline\.test/],
    ['claim taken', { type: 'claim_result', questionId: 'q1', result: 'taken' }, ['reply'], /Another tutor accepted this one first/],
    ['claim expired', { type: 'claim_result', questionId: 'q1', result: 'expired' }, ['reply'], /has closed/],
    ['claim not eligible', { type: 'claim_result', questionId: 'q1', result: 'not_eligible' }, ['reply'], /outside your approved subjects/],
    ['claim busy', { type: 'claim_result', questionId: 'q1', result: 'busy' }, ['reply'], /Finish your current session/],
  ];
  it.each(samples)('%s', (_label, event, actions, said) => {
    const d = decideTutor(ready, event);
    expect(d.state).toEqual(ready);
    expect(tutorTransitions.ready[tutorEventKind(event)]).toContain(d.state.name);
    expect(d.actions.map((a) => a.type)).toEqual(actions);
    const text = d.actions.flatMap((a) => (a.type === 'reply' ? [textOf(a.message)] : [])).join('\n');
    expect(text).toMatch(said);
    for (const a of d.actions) if (a.type === 'reply') expect(messageLimitProblems(a.message)).toEqual([]);
  });

  it('online/offline set availability', () => {
    expect(decideTutor(ready, { type: 'text', text: 'online' }).actions[0]).toEqual({ type: 'set_availability', online: true });
    expect(decideTutor(ready, { type: 'text', text: 'OFF' }).actions[0]).toEqual({ type: 'set_availability', online: false });
    expect(classifyTutorText('stop')).toBe('offline');
    expect(classifyTutorText('status')).toBe('help');
  });

  it('every kind is in the table and is covered by a sample', () => {
    expect(Object.keys(tutorTransitions.ready).sort()).toEqual([...tutorEventKinds].sort());
    expect(new Set(samples.map(([, e]) => tutorEventKind(e)))).toEqual(new Set(tutorEventKinds));
    expect(new Set(samples.map(([, e]) => e.type))).toEqual(new Set(tutorEventTypes));
  });

  it('the new-question alert fits WhatsApp, and its Accept button claims', () => {
    const alert = tutorQuestionAlert({ questionId: 'q-42', subjectName: 'Mathematics', levelName: 'Grade 9–10', text: 'y'.repeat(2000), photoCount: 2 });
    expect(messageLimitProblems(alert)).toEqual([]);
    expect(textOf(alert)).toMatch(/New question: Mathematics · Grade 9–10\n📷 2 photos/);
    const [accept, pause] = replyIds(alert).map((id) => parseTutorReplyId(id)!);
    expect(decideTutor(ready, accept!).actions).toEqual([{ type: 'claim', questionId: 'q-42' }]);
    expect(decideTutor(ready, pause!).actions[0]).toEqual({ type: 'set_availability', online: false });
    expect(parseTutorReplyId('rate:5')).toBeNull();
  });
});

// ---------- help's claim reasons (decision 039) ----------

describe("help's reasons an Accept did not win, as the tutor reads them", () => {
  const ready = { name: 'ready' } as const;
  /** Today's words for each reason (the web's 409s and 404s read differently: help.http.ts). */
  const expected: Record<ClaimRefusal, string> = {
    not_found: 'Another tutor accepted this one first. The next question will come here — keep an eye out!',
    taken: 'Another tutor accepted this one first. The next question will come here — keep an eye out!',
    expired: 'This question has closed, so it can no longer be accepted.',
    cancelled: 'This question has closed, so it can no longer be accepted.',
    not_eligible: "This question isn't one you can take (it's outside your approved subjects).",
    busy: 'Finish your current session before accepting another question.',
  };

  it.each(claimRefusals)('%s: one reply, chosen by the reason alone', (reason) => {
    for (const questionId of ['q1', '3f0c1f2e-0000-4000-8000-000000000000']) {
      expect(decideTutor(ready, { type: 'claim_result', questionId, result: reason })).toEqual({ forbidden: false, state: ready, actions: [{ type: 'reply', message: { kind: 'text', text: expected[reason] } }] });
    }
    expect(claimRefused[reason]).toBe(expected[reason]);
  });

  it("a claim result carries help's reason, never its words, so rewording help cannot change the reply", () => {
    // @ts-expect-error: the event has no place for help's message; the reply cannot depend on it.
    const worded: TutorEvent = { type: 'claim_result', questionId: 'q1', result: 'busy', message: 'This question has expired.' };
    expect(decideTutor(ready, worded)).toEqual(decideTutor(ready, { type: 'claim_result', questionId: 'q1', result: 'busy' }));
    expect(Object.keys(claimRefused).sort()).toEqual([...claimRefusals].sort());
  });
});
