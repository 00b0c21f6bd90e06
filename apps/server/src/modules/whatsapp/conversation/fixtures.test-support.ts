import { subjectsCatalogue } from '../../identity';
import {
  decideStudent,
  defaultWhatsAppFlowConfig,
  type Draft,
  type OutboundMessageSpec,
  type StudentAction,
  type StudentContext,
  type StudentDecision,
  type StudentEvent,
  type StudentState,
  type StudentStateName,
  toMenuSubjects,
  type WhatsAppFlowConfig,
} from '.';

/** Samples and helpers shared by the conversation's tests (the student machine's table, its flows, menus, tutors). */
// ---------- fixtures ----------

export const t0 = new Date('2026-11-22T10:00:00Z');
export const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
export const iso = (seconds: number) => at(seconds).toISOString();

// The real catalogue (12 subjects, so the menu paginates) plus one subject with a single level.
export const subjects = toMenuSubjects([...subjectsCatalogue, { id: 'olympiad', name: 'Olympiad maths', levels: ['grade-9-10'] }]);
export const config: WhatsAppFlowConfig = { ...defaultWhatsAppFlowConfig, waveUpdateMinIntervalMs: 60_000, draftTimeoutMs: 15 * 60_000, burstMs: 15_000 };
export type StudentFacts = StudentContext['student'];
/** A student whose age is on record and who may ask (the usual case); rows and states override it. */
export const adult: StudentFacts = { ageKnown: true, mayAsk: true, guardianContact: null };
export const ctx = (seconds: number, over: Partial<WhatsAppFlowConfig> = {}, student: Partial<StudentFacts> = {}): StudentContext => ({
  now: at(seconds),
  subjects,
  newRequestId: 'req-new',
  config: { ...config, ...over },
  student: { ...adult, ...student },
});

export const draft: Draft = { requestId: 'req-1', photoMediaRefs: [{ mediaId: 'm1' }], text: null, startedAt: iso(0), droppedPhotos: 0 };
export const joinUrl = 'https://tutorline.test/s/sess-1';
export const aPhoto = (id: string): StudentEvent => ({ type: 'photo', media: { mediaId: id }, caption: null });

/** Sample states; "(timer not due)" ones have an `expiresAt` after the walk's clock (second 100). */
export const states = {
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
export type StateLabel = keyof typeof states;
/** What identity says of the student in a sample state (the rest: `adult`). */
export const stateFacts: Partial<Record<StateLabel, Partial<StudentFacts>>> = {
  asking_age: { ageKnown: false },
  'asking_age (timer not due)': { ageKnown: false },
  'asking_age (no draft)': { ageKnown: false },
  awaiting_consent: { mayAsk: false },
};
export const ctxIn = (s: StateLabel, seconds: number, over: Partial<WhatsAppFlowConfig> = {}, student: Partial<StudentFacts> = {}) => ctx(seconds, over, { ...stateFacts[s], ...student });

/** Sample events; `config` switches an option for that row. */
export const events = {
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
export type EventLabel = keyof typeof events;

export const WALK_AT = 100;
export const walk = (s: StateLabel, e: EventLabel): StudentDecision => {
  const sample: { e: StudentEvent; config?: Partial<WhatsAppFlowConfig>; student?: Partial<StudentFacts> } = events[e];
  return decideStudent(states[s], sample.e, ctxIn(s, WALK_AT, sample.config, sample.student));
};

export const replies = (d: StudentDecision): OutboundMessageSpec[] =>
  d.forbidden ? [] : d.actions.flatMap((a) => (a.type === 'reply' ? [a.message] : []));
export const textOf = (m: OutboundMessageSpec) => (m.kind === 'text' ? m.text : m.body);
export const allText = (d: StudentDecision) => replies(d).map(textOf).join('\n---\n');
export const ofType = <T extends StudentAction['type']>(d: StudentDecision, type: T) =>
  (d.forbidden ? [] : d.actions.filter((a) => a.type === type)) as Extract<StudentAction, { type: T }>[];
export const next = (d: StudentDecision): StudentState => {
  if (d.forbidden) throw new Error(`forbidden: ${d.reason} (${d.state} × ${d.event})`);
  return d.state;
};
export const replyIds = (m: OutboundMessageSpec): string[] =>
  m.kind === 'text' ? [] : m.kind === 'buttons' ? m.buttons.map((b) => b.id) : m.sections.flatMap((s) => s.rows.map((r) => r.id));

/** Applies events one after another, like the caller would, and keeps a transcript. */
export function conversation(start: StudentState = { name: 'idle' }) {
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
