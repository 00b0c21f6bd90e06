import { describe, expect, it } from 'vitest';
import { subjectsCatalogue } from '../identity/subjects.catalogue';
import {
  classifyText,
  classifyTutorText,
  decideStudent,
  decideTutor,
  defaultWhatsAppFlowConfig,
  type Draft,
  fit,
  levelLabel,
  messageLimitProblems,
  type OutboundMessageSpec,
  type Outcome,
  parseStudentReplyId,
  parseTutorReplyId,
  type StudentAction,
  type StudentContext,
  type StudentDecision,
  type StudentEvent,
  studentEventKind,
  studentEventKinds,
  studentEventTypes,
  type StudentState,
  type StudentStateName,
  studentStateNames,
  studentStateSchema,
  studentTransitions,
  type TutorEvent,
  tutorEventKind,
  tutorEventKinds,
  tutorEventTypes,
  tutorQuestionAlert,
  tutorTransitions,
  toMenuSubjects,
  type WhatsAppFlowConfig,
} from './whatsapp.rules';

// ---------- fixtures ----------

const t0 = new Date('2026-11-22T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const iso = (seconds: number) => at(seconds).toISOString();

// The real catalogue (12 subjects, so the menu paginates) plus one subject with a single level.
const subjects = toMenuSubjects([...subjectsCatalogue, { id: 'olympiad', name: 'Olympiad maths', levels: ['grade-9-10'] }]);
const config: WhatsAppFlowConfig = { ...defaultWhatsAppFlowConfig, waveUpdateMinIntervalMs: 60_000, draftTimeoutMs: 15 * 60_000, burstMs: 15_000 };
type StudentFacts = StudentContext['student'];
/** A student whose age is on record and who may ask (the usual case); rows and states override it. */
const adult: StudentFacts = { ageKnown: true, mayAsk: true, guardianContact: null };
const ctx = (seconds: number, over: Partial<WhatsAppFlowConfig> = {}, student: Partial<StudentFacts> = {}): StudentContext => ({
  now: at(seconds),
  subjects,
  newRequestId: 'req-new',
  config: { ...config, ...over },
  student: { ...adult, ...student },
});

const draft: Draft = { requestId: 'req-1', photoMediaRefs: [{ mediaId: 'm1' }], text: null, startedAt: iso(0), droppedPhotos: 0 };
const joinUrl = 'https://tutorline.test/s/sess-1';
const aPhoto = (id: string): StudentEvent => ({ type: 'photo', media: { mediaId: id }, caption: null });

/** Sample states; "(timer not due)" ones have an `expiresAt` after the walk's clock (second 100). */
const states = {
  idle: { name: 'idle' },
  choosing_subject: { name: 'choosing_subject', draft, expiresAt: iso(50), promptedAt: iso(0) },
  'choosing_subject (timer not due)': { name: 'choosing_subject', draft, expiresAt: iso(500), promptedAt: iso(0) },
  confirming: { name: 'confirming', draft, subjectId: 'maths', level: 'grade-9-10', expiresAt: iso(50), promptedAt: iso(0) },
  'confirming (timer not due)': { name: 'confirming', draft, subjectId: 'maths', level: 'grade-9-10', expiresAt: iso(500), promptedAt: iso(0) },
  submitting: { name: 'submitting', draft, subjectId: 'maths', level: 'grade-9-10', cancelRequested: false, expiresAt: iso(50) },
  'submitting (cancel requested)': { name: 'submitting', draft, subjectId: 'maths', level: 'grade-9-10', cancelRequested: true, expiresAt: iso(50) },
  'submitting (timer not due)': { name: 'submitting', draft, subjectId: 'maths', level: 'grade-9-10', cancelRequested: false, expiresAt: iso(500) },
  waiting: { name: 'waiting', questionId: 'q1', notified: 5, notifiedSent: 0, lastUpdateAt: iso(0) },
  in_session: { name: 'in_session', questionId: 'q1', sessionId: 'sess-1', tutorName: 'Priya', joinUrl },
  rating: { name: 'rating', questionId: 'q1', tutorName: 'Priya', expiresAt: iso(50) },
  'rating (timer not due)': { name: 'rating', questionId: 'q1', tutorName: 'Priya', expiresAt: iso(500) },
  asking_age: { name: 'asking_age', draft, expiresAt: iso(50), promptedAt: iso(0) },
  'asking_age (timer not due)': { name: 'asking_age', draft, expiresAt: iso(500), promptedAt: iso(0) },
  'asking_age (no draft)': { name: 'asking_age', draft: null, expiresAt: iso(50), promptedAt: iso(0) },
  awaiting_consent: { name: 'awaiting_consent' },
  'awaiting_consent (consent since recorded)': { name: 'awaiting_consent' },
  awaiting_payment: { name: 'awaiting_payment', draft, subjectId: 'maths', level: 'grade-9-10', link: 'https://tutorline.test/l/pay', expiresAt: iso(50) },
  'awaiting_payment (timer not due)': { name: 'awaiting_payment', draft, subjectId: 'maths', level: 'grade-9-10', link: 'https://tutorline.test/l/pay', expiresAt: iso(500) },
} satisfies Record<string, StudentState>;
type StateLabel = keyof typeof states;
/** What identity says of the student in a sample state (the rest: `adult`). */
const stateFacts: Partial<Record<StateLabel, Partial<StudentFacts>>> = {
  asking_age: { ageKnown: false },
  'asking_age (timer not due)': { ageKnown: false },
  'asking_age (no draft)': { ageKnown: false },
  awaiting_consent: { mayAsk: false },
};
const ctxIn = (s: StateLabel, seconds: number, over: Partial<WhatsAppFlowConfig> = {}, student: Partial<StudentFacts> = {}) => ctx(seconds, over, { ...stateFacts[s], ...student });

/** Sample events; `config` switches an option for that row. */
const events = {
  photo: { e: { type: 'photo', media: { mediaId: 'm2' }, caption: null } },
  cancel: { e: { type: 'text', text: ' Cancel ' } },
  help: { e: { type: 'text', text: 'HELP' } },
  status: { e: { type: 'text', text: 'status' } },
  yes: { e: { type: 'text', text: 'haan' } },
  '4': { e: { type: 'text', text: '4' } },
  'free text': { e: { type: 'text', text: 'question 5 please' } },
  'text question (text-only on)': { e: { type: 'text', text: 'What is the derivative of x squared?' }, config: { textOnlyQuestions: true } },
  'subject typed (Physics)': { e: { type: 'text', text: 'physics' } },
  'subject typed (one level)': { e: { type: 'text', text: 'Olympiad Maths' } },
  subject_page: { e: { type: 'subject_page', page: 1 } },
  subject_picked: { e: { type: 'subject_picked', subjectId: 'physics' } },
  'subject_picked (one level)': { e: { type: 'subject_picked', subjectId: 'olympiad' } },
  'subject_picked (unknown)': { e: { type: 'subject_picked', subjectId: 'astrology' } },
  subject_chosen: { e: { type: 'subject_chosen', subjectId: 'physics', level: 'grade-11-12' } },
  'subject_chosen (unknown)': { e: { type: 'subject_chosen', subjectId: 'maths', level: 'kindergarten' } },
  confirm: { e: { type: 'confirm' } },
  change_subject: { e: { type: 'change_subject' } },
  rating: { e: { type: 'rating', stars: 5 } },
  unsupported: { e: { type: 'unsupported' } },
  timeout: { e: { type: 'timeout' } },
  question_created: { e: { type: 'question_created', requestId: 'req-1', questionId: 'q1' } },
  'question_created (other request)': { e: { type: 'question_created', requestId: 'req-0', questionId: 'q0' } },
  question_failed: { e: { type: 'question_failed', requestId: 'req-1', reason: 'photo_rejected' } },
  'question_failed (other request)': { e: { type: 'question_failed', requestId: 'req-0', reason: 'error' } },
  wave: { e: { type: 'wave', questionId: 'q1', notifiedCount: 12 } },
  'wave (other question)': { e: { type: 'wave', questionId: 'q0', notifiedCount: 12 } },
  claimed: { e: { type: 'claimed', questionId: 'q1', sessionId: 'sess-1', tutorName: 'Priya', joinUrl } },
  'claimed (other question)': { e: { type: 'claimed', questionId: 'q0', sessionId: 'sess-0', tutorName: 'Ravi', joinUrl } },
  expired: { e: { type: 'expired', questionId: 'q1' } },
  'expired (other question)': { e: { type: 'expired', questionId: 'q0' } },
  cancelled: { e: { type: 'cancelled', questionId: 'q1' } },
  'cancelled (other question)': { e: { type: 'cancelled', questionId: 'q0' } },
  session_ended: { e: { type: 'session_ended', questionId: 'q1' } },
  'session_ended (other question)': { e: { type: 'session_ended', questionId: 'q0' } },
  // The age gate and payment: what identity and billing say.
  'photo (no age on record)': { e: { type: 'photo', media: { mediaId: 'm2' }, caption: null }, student: { ageKnown: false } },
  'photo (under 13, no consent)': { e: { type: 'photo', media: { mediaId: 'm2' }, caption: null }, student: { mayAsk: false } },
  'text question (text-only on, no age on record)': { e: { type: 'text', text: 'What is the derivative of x squared?' }, config: { textOnlyQuestions: true }, student: { ageKnown: false } },
  'text question (text-only on, under 13, no consent)': { e: { type: 'text', text: 'What is the derivative of x squared?' }, config: { textOnlyQuestions: true }, student: { mayAsk: false } },
  'age "14"': { e: { type: 'text', text: '14' } },
  'guardian email': { e: { type: 'text', text: 'Mum@Example.com' } },
  age_recorded: { e: { type: 'age_recorded', mayAsk: true } },
  'age_recorded (under 13)': { e: { type: 'age_recorded', mayAsk: false } },
  'question_failed (no plan or credits)': { e: { type: 'question_failed', requestId: 'req-1', reason: 'payment_required', next: 'You have no plan or question credits.', link: 'https://tutorline.test/l/pay' } },
  paid: { e: { type: 'paid' } },
} satisfies Record<string, { e: StudentEvent; config?: Partial<WhatsAppFlowConfig>; student?: Partial<StudentFacts> }>;
type EventLabel = keyof typeof events;

const WALK_AT = 100;
const walk = (s: StateLabel, e: EventLabel): StudentDecision => {
  const sample: { e: StudentEvent; config?: Partial<WhatsAppFlowConfig>; student?: Partial<StudentFacts> } = events[e];
  return decideStudent(states[s], sample.e, ctxIn(s, WALK_AT, sample.config, sample.student));
};

const replies = (d: StudentDecision): OutboundMessageSpec[] =>
  d.forbidden ? [] : d.actions.flatMap((a) => (a.type === 'reply' ? [a.message] : []));
const textOf = (m: OutboundMessageSpec) => (m.kind === 'text' ? m.text : m.body);
const allText = (d: StudentDecision) => replies(d).map(textOf).join('\n---\n');
const ofType = <T extends StudentAction['type']>(d: StudentDecision, type: T) =>
  (d.forbidden ? [] : d.actions.filter((a) => a.type === type)) as Extract<StudentAction, { type: T }>[];
const next = (d: StudentDecision): StudentState => {
  if (d.forbidden) throw new Error(`forbidden: ${d.reason} (${d.state} × ${d.event})`);
  return d.state;
};
const replyIds = (m: OutboundMessageSpec): string[] =>
  m.kind === 'text' ? [] : m.kind === 'buttons' ? m.buttons.map((b) => b.id) : m.sections.flatMap((s) => s.rows.map((r) => r.id));

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

// ---------- scenarios through time ----------

/** Applies events one after another, like the caller would, and keeps a transcript. */
function conversation(start: StudentState = { name: 'idle' }) {
  let state = start;
  const log: { second: number; event: StudentEvent['type']; to: StudentStateName | 'forbidden'; said: string[]; actions: StudentAction[] }[] = [];
  return {
    get state() {
      return state;
    },
    log,
    send(second: number, event: StudentEvent, over: Partial<WhatsAppFlowConfig> = {}): StudentDecision {
      const d = decideStudent(state, event, ctx(second, over));
      if (!d.forbidden) state = d.state;
      log.push({ second, event: event.type, to: d.forbidden ? 'forbidden' : d.state.name, said: replies(d).map(textOf), actions: d.forbidden ? [] : d.actions });
      return d;
    },
  };
}

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

describe('free text', () => {
  const cases: [string, string][] = [
    ['cancel', 'cancel'],
    ['  CANCEL!! ', 'cancel'],
    ['Stop', 'cancel'],
    ['band karo', 'cancel'],
    ['रद्द', 'cancel'],
    ['help', 'help'],
    ['Menu', 'help'],
    ['madad', 'help'],
    ['मदद', 'help'],
    ['Hi', 'help'],
    ['namaste', 'help'],
    ['status', 'status'],
    ['Status?', 'status'],
    ['kya hua', 'status'],
    ['yes', 'yes'],
    ['Haan', 'yes'],
    ['theek hai', 'yes'],
    ['3', 'stars'],
    ['5 stars', 'stars'],
    ['⭐⭐⭐⭐', 'stars'],
    ['6', 'other'],
    ['0', 'other'],
    ['12', 'other'],
    ['cancel my maths question', 'other'],
    ['please help with q5', 'other'],
    ['', 'other'],
  ];
  it.each(cases)('%j → %s', (raw, intent) => {
    expect(classifyText(raw).intent).toBe(intent);
  });
  it('reads the stars', () => {
    expect(classifyText('⭐⭐⭐⭐')).toEqual({ intent: 'stars', stars: 4 });
    expect(classifyText(' 1 star')).toEqual({ intent: 'stars', stars: 1 });
  });
  it('a digit outside the rating prompt is not a rating', () => {
    const d = decideStudent(states.idle, { type: 'text', text: '5' }, ctx(0));
    expect(ofType(d, 'record_rating')).toEqual([]);
  });
  it('text alone starts a question only when text-only questions are on, and only when long enough', () => {
    const q = { type: 'text', text: 'How do I find the area of a circle?' } as const;
    expect(next(decideStudent(states.idle, q, ctx(0))).name).toBe('idle');
    expect(next(decideStudent(states.idle, q, ctx(0, { textOnlyQuestions: true })))).toMatchObject({
      name: 'choosing_subject',
      draft: { photoMediaRefs: [], text: 'How do I find the area of a circle?' },
    });
    expect(next(decideStudent(states.idle, { type: 'text', text: 'thanks' }, ctx(0, { textOnlyQuestions: true }))).name).toBe('idle');
  });
  it('caps the question text at the ask limit', () => {
    const d = decideStudent(states.choosing_subject, { type: 'text', text: 'x'.repeat(3000) }, ctx(100));
    expect((next(d) as Extract<StudentState, { name: 'choosing_subject' }>).draft.text!.length).toBe(2000);
  });
});

describe('the subject menu', () => {
  const openMenu = (subs = subjects) => {
    const d = decideStudent(states.idle, { type: 'photo', media: { mediaId: 'a' }, caption: null }, { ...ctx(0), subjects: subs });
    return { state: next(d), list: replies(d)[0]! };
  };
  /** Follows every "more" row and every subject, collecting the (subject, level) pairs the student can reach. */
  const reachable = (subs = subjects) => {
    const pairs = new Set<string>();
    const pages = new Set<number>();
    const visit = (m: OutboundMessageSpec, s: StudentState, second: number) => {
      expect(messageLimitProblems(m)).toEqual([]);
      for (const id of replyIds(m)) {
        const e = parseStudentReplyId(id)!;
        if (e.type === 'subject_chosen') pairs.add(`${e.subjectId}:${e.level}`);
        else if (e.type === 'subject_page' && !pages.has(e.page)) {
          pages.add(e.page);
          const d = decideStudent(s, e, { ...ctx(second), subjects: subs });
          visit(replies(d)[0]!, next(d), second + 1);
        } else if (e.type === 'subject_picked') {
          const d = decideStudent(s, e, { ...ctx(second), subjects: subs });
          for (const lid of replyIds(replies(d)[0]!)) {
            const le = parseStudentReplyId(lid)!;
            if (le.type === 'subject_chosen') pairs.add(`${le.subjectId}:${le.level}`);
          }
        }
      }
    };
    const { state, list } = openMenu(subs);
    visit(list, state, 1);
    return { pairs, pages };
  };

  it('pages the 13 subjects 9 + 4, with a row to move between pages, and reaches every subject × level', () => {
    const { list } = openMenu();
    expect(list).toMatchObject({ kind: 'list', sections: [{ title: 'Subjects (1 of 2)' }] });
    const { pairs, pages } = reachable();
    expect([...pages].sort()).toEqual([0, 1]);
    const all = subjects.flatMap((s) => s.levels.map((l) => `${s.id}:${l.id}`));
    expect([...pairs].sort()).toEqual(all.sort());
  });

  it('shows up to 10 subjects on one page without a "more" row', () => {
    const few = subjects.slice(0, 10);
    const { list } = openMenu(few);
    expect(replyIds(list)).toHaveLength(10);
    expect(replyIds(list).some((id) => id.startsWith('subjects:page'))).toBe(false);
  });

  it('pages 25 subjects 9 + 9 + 7, wrapping back to the start', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ id: `s${i}`, name: `A subject with a very long name number ${i}`, levels: [{ id: 'l', name: 'L' }, { id: 'm', name: 'M' }] }));
    const { pairs, pages } = reachable(many);
    expect([...pages].sort()).toEqual([0, 1, 2]);
    expect(pairs.size).toBe(50);
    const last = decideStudent(openMenu(many).state, { type: 'subject_page', page: 2 }, { ...ctx(1), subjects: many });
    const rows = (replies(last)[0] as Extract<OutboundMessageSpec, { kind: 'list' }>).sections[0]!.rows;
    expect(rows).toHaveLength(8);
    expect(rows.at(-1)).toMatchObject({ id: 'subjects:page:0', title: '⬅️ Back to the start' });
    expect(rows[0]!.title.length).toBeLessThanOrEqual(24);
    // A page number past the end shows the last page.
    const past = decideStudent(openMenu(many).state, { type: 'subject_page', page: 99 }, { ...ctx(1), subjects: many });
    expect(replies(past)[0]).toEqual(replies(last)[0]);
  });

  it('says so when no subject is open', () => {
    expect(textOf(openMenu([]).list)).toMatch(/no subjects are open right now/);
  });

  it('labels levels like the web app', () => {
    expect(levelLabel('grade-9-10')).toBe('Grade 9–10');
    expect(levelLabel('grade-3')).toBe('Grade 3');
    expect(levelLabel('university')).toBe('University');
    expect(levelLabel('competitive-exams')).toBe('Competitive exams');
  });
});

describe('message limits', () => {
  it('reports every broken limit', () => {
    expect(messageLimitProblems({ kind: 'buttons', body: 'x', buttons: [1, 2, 3, 4].map((i) => ({ id: `b${i}`, title: 'A title longer than twenty' })) })).toHaveLength(5);
    expect(messageLimitProblems({ kind: 'list', body: '', button: 'ok', sections: [{ title: 's', rows: [] }] })).toEqual(['body is empty', '0 rows']);
  });
  it('shortens without splitting an emoji', () => {
    expect(fit('abc', 3)).toBe('abc');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('ab😀cd', 4)).toBe('ab…');
  });
  it('reply ids parse back, and unknown ones do not', () => {
    expect(parseStudentReplyId('subject:maths:grade-9-10')).toEqual({ type: 'subject_chosen', subjectId: 'maths', level: 'grade-9-10' });
    expect(parseStudentReplyId('subject:maths')).toEqual({ type: 'subject_picked', subjectId: 'maths' });
    expect(parseStudentReplyId('subjects:page:2')).toEqual({ type: 'subject_page', page: 2 });
    expect(parseStudentReplyId('rate:3')).toEqual({ type: 'rating', stars: 3 });
    for (const bad of ['rate:6', 'rate:0', 'subject:', 'subject:a:b:c', 'accept:q1', 'hello', '']) expect(parseStudentReplyId(bad), bad).toBeNull();
  });
});

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
