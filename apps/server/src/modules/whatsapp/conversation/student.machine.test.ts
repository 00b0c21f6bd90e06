import { describe, expect, it } from 'vitest';
import {
  messageLimitProblems,
  type Outcome,
  parseStudentReplyId,
  type StudentEvent,
  studentEventKind,
  studentEventKinds,
  studentEventTypes,
  type StudentStateName,
  studentStateNames,
  studentStateSchema,
  studentTransitions,
} from '.';
import { states, type StateLabel, events, type EventLabel, walk, replies, replyIds } from './fixtures.test-support';

// The student machine, every state × event kind, against the transition table derived from its handlers.
// ---------- the exhaustive table ----------

/**
 * Every state × event kind, with a sample event; rows with a variant in brackets cover the other outcomes
 * the transition table allows for that pair. "(stale)" rows are buttons from an earlier message.
 */
const table: [StateLabel, EventLabel, Outcome][] = [
  // idle
  ['idle', 'photo', 'choosing_subject'],
  ['idle', 'photo (no age on record)', 'asking_age'],
  ['idle', 'photo (under 13, no consent)', 'awaiting_consent'],
  ['idle', 'cancel', 'idle'],
  ['idle', 'help', 'idle'],
  ['idle', 'status', 'idle'],
  ['idle', 'yes', 'idle'],
  ['idle', '4', 'idle'],
  ['idle', 'free text', 'idle'],
  ['idle', 'text question (text-only on)', 'choosing_subject'],
  ['idle', 'text question (text-only on, no age on record)', 'asking_age'],
  ['idle', 'text question (text-only on, under 13, no consent)', 'awaiting_consent'],
  ['idle', 'subject_page', 'idle'],
  ['idle', 'subject_picked', 'idle'],
  ['idle', 'subject_chosen', 'idle'],
  ['idle', 'confirm', 'idle'],
  ['idle', 'change_subject', 'idle'],
  ['idle', 'rating', 'idle'],
  ['idle', 'unsupported', 'idle'],
  ['idle', 'timeout', 'forbidden'],
  ['idle', 'question_created', 'forbidden'],
  ['idle', 'question_failed', 'forbidden'],
  ['idle', 'wave', 'forbidden'],
  ['idle', 'claimed', 'forbidden'],
  ['idle', 'expired', 'forbidden'],
  ['idle', 'cancelled', 'forbidden'],
  ['idle', 'age_recorded', 'forbidden'],
  ['idle', 'paid', 'forbidden'],
  ['idle', 'session_ended', 'forbidden'],
  // choosing_subject
  ['choosing_subject', 'photo', 'choosing_subject'],
  ['choosing_subject', 'cancel', 'idle'],
  ['choosing_subject', 'help', 'choosing_subject'],
  ['choosing_subject', 'status', 'choosing_subject'],
  ['choosing_subject', 'yes', 'choosing_subject'],
  ['choosing_subject', '4', 'choosing_subject'],
  ['choosing_subject', 'free text', 'choosing_subject'],
  ['choosing_subject', 'subject typed (Physics)', 'choosing_subject'],
  ['choosing_subject', 'subject typed (one level)', 'confirming'],
  ['choosing_subject', 'subject_page', 'choosing_subject'],
  ['choosing_subject', 'subject_picked', 'choosing_subject'],
  ['choosing_subject', 'subject_picked (one level)', 'confirming'],
  ['choosing_subject', 'subject_picked (unknown)', 'choosing_subject'],
  ['choosing_subject', 'subject_chosen', 'confirming'],
  ['choosing_subject', 'subject_chosen (unknown)', 'choosing_subject'],
  ['choosing_subject', 'confirm', 'choosing_subject'],
  ['choosing_subject', 'change_subject', 'choosing_subject'],
  ['choosing_subject', 'rating', 'choosing_subject'],
  ['choosing_subject', 'unsupported', 'choosing_subject'],
  ['choosing_subject', 'timeout', 'idle'],
  ['choosing_subject (timer not due)', 'timeout', 'forbidden'],
  ['choosing_subject', 'question_created', 'forbidden'],
  ['choosing_subject', 'question_failed', 'forbidden'],
  ['choosing_subject', 'wave', 'forbidden'],
  ['choosing_subject', 'claimed', 'forbidden'],
  ['choosing_subject', 'expired', 'forbidden'],
  ['choosing_subject', 'cancelled', 'forbidden'],
  ['choosing_subject', 'age_recorded', 'forbidden'],
  ['choosing_subject', 'paid', 'forbidden'],
  ['choosing_subject', 'session_ended', 'forbidden'],
  // confirming
  ['confirming', 'photo', 'confirming'],
  ['confirming', 'cancel', 'idle'],
  ['confirming', 'help', 'confirming'],
  ['confirming', 'status', 'confirming'],
  ['confirming', 'yes', 'submitting'],
  ['confirming', '4', 'confirming'],
  ['confirming', 'free text', 'confirming'],
  ['confirming', 'subject_page', 'choosing_subject'],
  ['confirming', 'subject_picked', 'choosing_subject'],
  ['confirming', 'subject_picked (one level)', 'confirming'],
  ['confirming', 'subject_chosen', 'confirming'],
  ['confirming', 'subject_chosen (unknown)', 'choosing_subject'],
  ['confirming', 'confirm', 'submitting'],
  ['confirming', 'change_subject', 'choosing_subject'],
  ['confirming', 'rating', 'confirming'],
  ['confirming', 'unsupported', 'confirming'],
  ['confirming', 'timeout', 'idle'],
  ['confirming (timer not due)', 'timeout', 'forbidden'],
  ['confirming', 'question_created', 'forbidden'],
  ['confirming', 'question_failed', 'forbidden'],
  ['confirming', 'wave', 'forbidden'],
  ['confirming', 'claimed', 'forbidden'],
  ['confirming', 'expired', 'forbidden'],
  ['confirming', 'cancelled', 'forbidden'],
  ['confirming', 'age_recorded', 'forbidden'],
  ['confirming', 'paid', 'forbidden'],
  ['confirming', 'session_ended', 'forbidden'],
  // submitting
  ['submitting', 'photo', 'submitting'],
  ['submitting', 'cancel', 'submitting'],
  ['submitting', 'help', 'submitting'],
  ['submitting', 'status', 'submitting'],
  ['submitting', 'yes', 'submitting'],
  ['submitting', '4', 'submitting'],
  ['submitting', 'free text', 'submitting'],
  ['submitting', 'subject_page', 'submitting'],
  ['submitting', 'subject_picked', 'submitting'],
  ['submitting', 'subject_chosen', 'submitting'],
  ['submitting', 'confirm', 'submitting'],
  ['submitting', 'change_subject', 'submitting'],
  ['submitting', 'rating', 'submitting'],
  ['submitting', 'unsupported', 'submitting'],
  ['submitting', 'timeout', 'idle'],
  ['submitting (timer not due)', 'timeout', 'forbidden'],
  ['submitting', 'question_created', 'waiting'],
  ['submitting (cancel requested)', 'question_created', 'idle'],
  ['submitting', 'question_created (other request)', 'forbidden'],
  ['submitting', 'question_failed', 'idle'],
  ['submitting', 'question_failed (no plan or credits)', 'awaiting_payment'],
  ['submitting', 'question_failed (other request)', 'forbidden'],
  ['submitting', 'wave', 'forbidden'],
  ['submitting', 'claimed', 'forbidden'],
  ['submitting', 'expired', 'forbidden'],
  ['submitting', 'cancelled', 'forbidden'],
  ['submitting', 'age_recorded', 'forbidden'],
  ['submitting', 'paid', 'forbidden'],
  ['submitting', 'session_ended', 'forbidden'],
  // waiting
  ['waiting', 'photo', 'waiting'],
  ['waiting', 'cancel', 'idle'],
  ['waiting', 'help', 'waiting'],
  ['waiting', 'status', 'waiting'],
  ['waiting', 'yes', 'waiting'],
  ['waiting', '4', 'waiting'],
  ['waiting', 'free text', 'waiting'],
  ['waiting', 'subject_page', 'waiting'],
  ['waiting', 'subject_picked', 'waiting'],
  ['waiting', 'subject_chosen', 'waiting'],
  ['waiting', 'confirm', 'waiting'],
  ['waiting', 'change_subject', 'waiting'],
  ['waiting', 'rating', 'waiting'],
  ['waiting', 'unsupported', 'waiting'],
  ['waiting', 'timeout', 'forbidden'],
  ['waiting', 'question_created', 'forbidden'],
  ['waiting', 'question_failed', 'forbidden'],
  ['waiting', 'wave', 'waiting'],
  ['waiting', 'wave (other question)', 'forbidden'],
  ['waiting', 'claimed', 'in_session'],
  ['waiting', 'claimed (other question)', 'forbidden'],
  ['waiting', 'expired', 'idle'],
  ['waiting', 'expired (other question)', 'forbidden'],
  ['waiting', 'cancelled', 'idle'],
  ['waiting', 'cancelled (other question)', 'forbidden'],
  ['waiting', 'age_recorded', 'forbidden'],
  ['waiting', 'paid', 'forbidden'],
  ['waiting', 'session_ended', 'forbidden'],
  // in_session
  ['in_session', 'photo', 'in_session'],
  ['in_session', 'cancel', 'idle'],
  ['in_session', 'help', 'in_session'],
  ['in_session', 'status', 'in_session'],
  ['in_session', 'yes', 'in_session'],
  ['in_session', '4', 'in_session'],
  ['in_session', 'free text', 'in_session'],
  ['in_session', 'subject_page', 'in_session'],
  ['in_session', 'subject_picked', 'in_session'],
  ['in_session', 'subject_chosen', 'in_session'],
  ['in_session', 'confirm', 'in_session'],
  ['in_session', 'change_subject', 'in_session'],
  ['in_session', 'rating', 'in_session'],
  ['in_session', 'unsupported', 'in_session'],
  ['in_session', 'timeout', 'forbidden'],
  ['in_session', 'question_created', 'forbidden'],
  ['in_session', 'question_failed', 'forbidden'],
  ['in_session', 'wave', 'forbidden'],
  ['in_session', 'claimed', 'forbidden'],
  ['in_session', 'expired', 'forbidden'],
  ['in_session', 'cancelled', 'forbidden'],
  ['in_session', 'age_recorded', 'forbidden'],
  ['in_session', 'paid', 'forbidden'],
  ['in_session', 'session_ended', 'rating'],
  ['in_session', 'session_ended (other question)', 'forbidden'],
  // rating
  ['rating', 'photo', 'choosing_subject'],
  ['rating', 'photo (no age on record)', 'asking_age'],
  ['rating', 'photo (under 13, no consent)', 'awaiting_consent'],
  ['rating', 'cancel', 'idle'],
  ['rating', 'help', 'rating'],
  ['rating', 'status', 'rating'],
  ['rating', 'yes', 'rating'],
  ['rating', '4', 'idle'],
  ['rating', 'free text', 'rating'],
  ['rating', 'subject_page', 'rating'],
  ['rating', 'subject_picked', 'rating'],
  ['rating', 'subject_chosen', 'rating'],
  ['rating', 'confirm', 'rating'],
  ['rating', 'change_subject', 'rating'],
  ['rating', 'rating', 'idle'],
  ['rating', 'unsupported', 'rating'],
  ['rating', 'timeout', 'idle'],
  ['rating (timer not due)', 'timeout', 'forbidden'],
  ['rating', 'question_created', 'forbidden'],
  ['rating', 'question_failed', 'forbidden'],
  ['rating', 'wave', 'forbidden'],
  ['rating', 'claimed', 'forbidden'],
  ['rating', 'expired', 'forbidden'],
  ['rating', 'cancelled', 'forbidden'],
  ['rating', 'age_recorded', 'forbidden'],
  ['rating', 'paid', 'forbidden'],
  ['rating', 'session_ended', 'forbidden'],
  // asking_age: a new student's age, before the first question
  ['asking_age', 'photo', 'asking_age'],
  ['asking_age', 'cancel', 'idle'],
  ['asking_age', 'help', 'asking_age'],
  ['asking_age', 'status', 'asking_age'],
  ['asking_age', 'yes', 'asking_age'],
  ['asking_age', '4', 'asking_age'],
  ['asking_age', 'age "14"', 'asking_age'],
  ['asking_age', 'free text', 'asking_age'],
  ['asking_age', 'subject_page', 'asking_age'],
  ['asking_age', 'subject_picked', 'asking_age'],
  ['asking_age', 'subject_chosen', 'asking_age'],
  ['asking_age', 'confirm', 'asking_age'],
  ['asking_age', 'change_subject', 'asking_age'],
  ['asking_age', 'rating', 'asking_age'],
  ['asking_age', 'unsupported', 'asking_age'],
  ['asking_age', 'timeout', 'idle'],
  ['asking_age (no draft)', 'timeout', 'idle'],
  ['asking_age (timer not due)', 'timeout', 'forbidden'],
  ['asking_age', 'question_created', 'forbidden'],
  ['asking_age', 'question_failed', 'forbidden'],
  ['asking_age', 'wave', 'forbidden'],
  ['asking_age', 'claimed', 'forbidden'],
  ['asking_age', 'expired', 'forbidden'],
  ['asking_age', 'cancelled', 'forbidden'],
  ['asking_age', 'session_ended', 'forbidden'],
  ['asking_age', 'age_recorded', 'choosing_subject'],
  ['asking_age (no draft)', 'age_recorded', 'idle'],
  ['asking_age', 'age_recorded (under 13)', 'awaiting_consent'],
  ['asking_age', 'paid', 'forbidden'],
  // awaiting_consent: under 13, no guardian's consent on record (or recorded since: then as idle)
  ['awaiting_consent', 'photo', 'awaiting_consent'],
  ['awaiting_consent (consent since recorded)', 'photo', 'choosing_subject'],
  ['awaiting_consent', 'cancel', 'awaiting_consent'],
  ['awaiting_consent (consent since recorded)', 'cancel', 'idle'],
  ['awaiting_consent', 'help', 'awaiting_consent'],
  ['awaiting_consent (consent since recorded)', 'help', 'idle'],
  ['awaiting_consent', 'status', 'awaiting_consent'],
  ['awaiting_consent (consent since recorded)', 'status', 'idle'],
  ['awaiting_consent', 'yes', 'awaiting_consent'],
  ['awaiting_consent (consent since recorded)', 'yes', 'idle'],
  ['awaiting_consent', '4', 'awaiting_consent'],
  ['awaiting_consent (consent since recorded)', '4', 'idle'],
  ['awaiting_consent', 'free text', 'awaiting_consent'],
  ['awaiting_consent', 'guardian email', 'awaiting_consent'],
  ['awaiting_consent (consent since recorded)', 'free text', 'idle'],
  ['awaiting_consent (consent since recorded)', 'text question (text-only on)', 'choosing_subject'],
  ['awaiting_consent', 'subject_page', 'awaiting_consent'],
  ['awaiting_consent (consent since recorded)', 'subject_page', 'idle'],
  ['awaiting_consent', 'subject_picked', 'awaiting_consent'],
  ['awaiting_consent (consent since recorded)', 'subject_picked', 'idle'],
  ['awaiting_consent', 'subject_chosen', 'awaiting_consent'],
  ['awaiting_consent (consent since recorded)', 'subject_chosen', 'idle'],
  ['awaiting_consent', 'confirm', 'awaiting_consent'],
  ['awaiting_consent (consent since recorded)', 'confirm', 'idle'],
  ['awaiting_consent', 'change_subject', 'awaiting_consent'],
  ['awaiting_consent (consent since recorded)', 'change_subject', 'idle'],
  ['awaiting_consent', 'rating', 'awaiting_consent'],
  ['awaiting_consent (consent since recorded)', 'rating', 'idle'],
  ['awaiting_consent', 'unsupported', 'awaiting_consent'],
  ['awaiting_consent (consent since recorded)', 'unsupported', 'idle'],
  ['awaiting_consent', 'timeout', 'forbidden'],
  ['awaiting_consent', 'question_created', 'forbidden'],
  ['awaiting_consent', 'question_failed', 'forbidden'],
  ['awaiting_consent', 'wave', 'forbidden'],
  ['awaiting_consent', 'claimed', 'forbidden'],
  ['awaiting_consent', 'expired', 'forbidden'],
  ['awaiting_consent', 'cancelled', 'forbidden'],
  ['awaiting_consent', 'session_ended', 'forbidden'],
  ['awaiting_consent', 'age_recorded', 'forbidden'],
  ['awaiting_consent', 'paid', 'forbidden'],
  // awaiting_payment: the question is kept until billing says it is paid
  ['awaiting_payment', 'photo', 'awaiting_payment'],
  ['awaiting_payment', 'cancel', 'idle'],
  ['awaiting_payment', 'help', 'awaiting_payment'],
  ['awaiting_payment', 'status', 'awaiting_payment'],
  ['awaiting_payment', 'yes', 'submitting'],
  ['awaiting_payment', '4', 'awaiting_payment'],
  ['awaiting_payment', 'free text', 'awaiting_payment'],
  ['awaiting_payment', 'subject_page', 'awaiting_payment'],
  ['awaiting_payment', 'subject_picked', 'awaiting_payment'],
  ['awaiting_payment', 'subject_chosen', 'awaiting_payment'],
  ['awaiting_payment', 'confirm', 'submitting'],
  ['awaiting_payment', 'change_subject', 'awaiting_payment'],
  ['awaiting_payment', 'rating', 'awaiting_payment'],
  ['awaiting_payment', 'unsupported', 'awaiting_payment'],
  ['awaiting_payment', 'timeout', 'idle'],
  ['awaiting_payment (timer not due)', 'timeout', 'forbidden'],
  ['awaiting_payment', 'question_created', 'forbidden'],
  ['awaiting_payment', 'question_failed', 'forbidden'],
  ['awaiting_payment', 'wave', 'forbidden'],
  ['awaiting_payment', 'claimed', 'forbidden'],
  ['awaiting_payment', 'expired', 'forbidden'],
  ['awaiting_payment', 'cancelled', 'forbidden'],
  ['awaiting_payment', 'session_ended', 'forbidden'],
  ['awaiting_payment', 'age_recorded', 'forbidden'],
  ['awaiting_payment', 'paid', 'submitting'],
];

describe('student state machine: every state × event', () => {
  it.each(table)('%s × %s → %s', (from, ev, expected) => {
    const d = walk(from, ev);
    const kind = studentEventKind(events[ev].e);
    const outcome: Outcome = d.forbidden ? 'forbidden' : d.state.name;
    expect(outcome).toBe(expected);
    expect(studentTransitions[states[from].name][kind]).toContain(outcome);
    if (d.forbidden) {
      // Structured, for the caller's log line.
      expect(d).toMatchObject({ state: states[from].name, event: kind, reason: expect.any(String) });
      return;
    }
    // The new state can be stored and read back.
    expect(studentStateSchema.parse(JSON.parse(JSON.stringify(d.state)))).toEqual(d.state);
    // Every message fits WhatsApp, and every button or row it offers is one the machine understands.
    for (const m of replies(d)) {
      expect(messageLimitProblems(m), JSON.stringify(m)).toEqual([]);
      for (const id of replyIds(m)) expect(parseStudentReplyId(id), id).not.toBeNull();
    }
    // A student who writes or taps always gets an answer (except the photos of an album, see below, and
    // "Yes, send it", which the next message answers: "Finding a tutor…" or why the ask was refused).
    const fromStudent = ['photo', 'text', 'subject_page', 'subject_picked', 'subject_chosen', 'confirm', 'change_subject', 'rating', 'unsupported'];
    // Likewise an age, answered once identity has it on record (age_recorded), and a retried ask from a held question.
    const answeredLater =
      (d.state.name === 'submitting' && ['confirming', 'awaiting_payment'].includes(states[from].name)) || d.actions.some((a) => a.type === 'record_age');
    if (fromStudent.includes(events[ev].e.type)) {
      if (answeredLater) expect(replies(d)).toEqual([]);
      else expect(replies(d).length, 'a reply').toBeGreaterThan(0);
    }
  });

  it('the rows cover every pair, and every outcome the table allows for it', () => {
    const seen = new Map<string, Set<Outcome>>();
    for (const [from, ev, expected] of table) {
      const key = `${states[from].name} × ${studentEventKind(events[ev].e)}`;
      seen.set(key, (seen.get(key) ?? new Set()).add(expected));
    }
    const missing: string[] = [];
    for (const s of studentStateNames) {
      for (const k of studentEventKinds) {
        const got = [...(seen.get(`${s} × ${k}`) ?? [])].sort();
        const want = [...studentTransitions[s][k]].sort();
        if (JSON.stringify(got) !== JSON.stringify(want)) missing.push(`${s} × ${k}: rows ${got.join('|') || '—'}, table ${want.join('|')}`);
      }
    }
    expect(missing).toEqual([]);
    expect(seen.size).toBe(studentStateNames.length * studentEventKinds.length); // 10 × 24
  });

  it('lists every state, event type and kind exactly once', () => {
    const schemaNames = studentStateSchema.options.map((o) => o.shape.name.value).sort();
    expect([...studentStateNames].sort()).toEqual(schemaNames);
    expect(Object.keys(studentTransitions).sort()).toEqual([...studentStateNames].sort());
    expect(new Set(studentEventKinds).size).toBe(studentEventKinds.length);
    expect(studentEventKinds).toHaveLength(studentEventTypes.length - 1 + 6); // 'text' splits into six intents
    // Compile-time: the exported lists name every member of the unions.
    const allTypes: [Exclude<StudentEvent['type'], (typeof studentEventTypes)[number]>] extends [never] ? true : false = true;
    const allStates: [Exclude<StudentStateName, (typeof studentStateNames)[number]>] extends [never] ? true : false = true;
    expect(allTypes && allStates).toBe(true);
  });
});
