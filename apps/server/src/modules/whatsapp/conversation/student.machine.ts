import { birthDateFromAnswer, parseGuardianContact } from '../whatsapp.age.rules';
import { expiredWords, failureMessage, HELD_FOR_PAYMENT, RATING_EXPIRED, say, STALE } from './copy';
import { classifyText, norm } from './intents';
import { text } from './limits';
import { statusLead } from './student.prompts';
import {
  type EventOf,
  type Outcome,
  type StateOf,
  type StudentContext,
  type StudentDecision,
  type StudentEvent,
  studentEventKind,
  studentEventKinds,
  type StudentEventKind,
  type StudentState,
  type StudentStateName,
  studentStateNames,
} from './student.state';
import { reply, type Steps, stepsFor } from './student.steps';

/**
 * The student's conversation, written once as state → event kind → handler. Each handler says where it can lead
 * (`to`, beside the code that gets there) and what it does; a pair with no handler is forbidden (ignored and logged).
 * The transition table the exhaustive tests walk is derived from this map (`studentTransitions`), not restated.
 *
 * Rules the caller relies on:
 * - Apply the events of one number one at a time, in order (row lock on the stored state).
 * - `{ forbidden: true }` means "this event does not apply now" (a late system event, a superseded timer,
 *   another question's event): log it with the returned fields and change nothing.
 * - `schedule_timeout` may be coalesced (one timer per number): a `timeout` that fires early is forbidden
 *   because the state carries its own `expiresAt`.
 */
export interface Handler<S extends StudentStateName, E extends StudentEvent> {
  /** Every state this handler can lead to ('forbidden': it may refuse the event). */
  readonly to: readonly Outcome[];
  readonly run: (state: StateOf<S>, event: E, step: Steps) => StudentDecision;
}
/** The handler of kind K in state S (K's event: a `text:…` kind handles a text event). */
type On<S extends StudentStateName, K extends StudentEventKind> = Handler<S, EventOf<K>>;
type StateHandlers<S extends StudentStateName> = { readonly [K in StudentEventKind]?: On<S, K> };
export type StudentMachine = { readonly [S in StudentStateName]: StateHandlers<S> };

type Kinds<K extends StudentEventKind, S extends StudentStateName> = { readonly [P in K]: On<S, P> };

/** Answered the same way in every state, and never change it: a voice note, "status", "help". */
const everywhere = <S extends StudentStateName>(name: S, also: readonly Outcome[] = []): Kinds<'unsupported' | 'text:status' | 'text:help', S> => ({
  unsupported: { to: [name, ...also], run: (_s, _e, step) => step.same(say.unsupported) },
  'text:status': { to: [name, ...also], run: (s, _e, step) => step.same(statusLead(s)) },
  'text:help': { to: [name, ...also], run: (_s, _e, step) => step.help() },
});
/** A button from an earlier message: explained, nothing changes. */
const staleButtons = <S extends StudentStateName>(name: S): Kinds<'subject_page' | 'subject_picked' | 'subject_chosen' | 'confirm' | 'change_subject', S> => {
  const stale: On<S, 'subject_page' | 'subject_picked' | 'subject_chosen' | 'confirm' | 'change_subject'> = { to: [name], run: (_s, _e, step) => step.same(STALE) };
  return { subject_page: stale, subject_picked: stale, subject_chosen: stale, confirm: stale, change_subject: stale };
};
/** Words that mean nothing here: the state's prompt again. */
const otherWords = <S extends StudentStateName>(name: S, lead = ''): Kinds<'text:yes' | 'text:stars' | 'text:other', S> => {
  const again: On<S, 'text:yes' | 'text:stars' | 'text:other'> = { to: [name], run: (_s, _e, step) => step.same(lead) };
  return { 'text:yes': again, 'text:stars': again, 'text:other': again };
};
const ratingExpired = <S extends StudentStateName>(name: S): Kinds<'rating', S> => ({ rating: { to: [name], run: (_s, _e, step) => step.same(RATING_EXPIRED) } });
/** A draft's timer: put aside when due; an earlier timer that was replaced does not apply. */
const draftTimeout = <S extends 'choosing_subject' | 'confirming'>(): Kinds<'timeout', S> => ({
  timeout: { to: ['idle', 'forbidden'], run: (s, _e, step) => (step.due(s) ? step.toIdle(say.putAside) : step.no('timer_superseded')) },
});
/** An event about one question: it applies only to the question the state is about. */
const forThisQuestion =
  <S extends StudentStateName, K extends StudentEventKind>(run: On<S, K>['run']): On<S, K>['run'] =>
  (s, e, step) =>
    (e as { questionId?: string }).questionId === (s as { questionId?: string }).questionId ? run(s, e, step) : step.no('other_question');

const idle: StateHandlers<'idle'> = {
  // A first question: the age is asked first when none is on record; under 13 without consent, nothing is taken.
  photo: { to: ['choosing_subject', 'asking_age', 'awaiting_consent'], run: (_s, e, step) => step.startDraft(step.photoDraft(e), say.gotPhoto) },
  'text:cancel': { to: ['idle'], run: (_s, _e, step) => step.same(say.nothingToCancel) },
  ...otherWords('idle', say.hi),
  // A text question when textOnlyQuestions is on.
  'text:other': {
    to: ['idle', 'choosing_subject', 'asking_age', 'awaiting_consent'],
    run: (_s, e, step) =>
      step.cfg.textOnlyQuestions && e.text.trim().length >= step.cfg.minQuestionTextChars ? step.startDraft(step.withText(step.newDraft(), e.text), say.gotQuestion) : step.same(say.hi),
  },
  ...staleButtons('idle'),
  ...ratingExpired('idle'),
  ...everywhere('idle'),
};

const choosingSubject: StateHandlers<'choosing_subject'> = {
  photo: { to: ['choosing_subject'], run: (s, e, step) => step.addToDraft(s, e.media, e.caption) },
  'text:cancel': { to: ['idle'], run: (_s, _e, step) => step.toIdle(say.cancelled) },
  ...otherWords('choosing_subject', say.chooseFromList),
  // Added to the question, or a subject's name typed out.
  'text:other': {
    to: ['choosing_subject', 'confirming'],
    run: (s, e, step) => {
      const typed = norm(e.text);
      const named = step.ctx.subjects.find((x) => x.levels.length > 0 && (norm(x.name) === typed || x.id === typed));
      return named ? step.pickSubject(s.draft, named.id) : step.addToDraft(s, null, e.text);
    },
  },
  subject_page: { to: ['choosing_subject'], run: (s, e, step) => step.choosing(s.draft, '', e.page) },
  subject_picked: { to: ['choosing_subject', 'confirming'], run: (s, e, step) => step.pickSubject(s.draft, e.subjectId) }, // confirming when the subject has a single level
  subject_chosen: { to: ['confirming', 'choosing_subject'], run: (s, e, step) => step.chooseSubject(s.draft, e.subjectId, e.level) }, // choosing again when it isn't in the catalogue
  confirm: { to: ['choosing_subject'], run: (_s, _e, step) => step.same(say.chooseSubjectFirst) },
  change_subject: { to: ['choosing_subject'], run: (s, _e, step) => step.choosing(s.draft, '') },
  ...ratingExpired('choosing_subject'),
  ...draftTimeout(),
  ...everywhere('choosing_subject'),
};

const confirming: StateHandlers<'confirming'> = {
  photo: { to: ['confirming'], run: (s, e, step) => step.addToDraft(s, e.media, e.caption) },
  'text:cancel': { to: ['idle'], run: (_s, _e, step) => step.toIdle(say.cancelled) },
  'text:other': { to: ['confirming'], run: (s, e, step) => step.addToDraft(s, null, e.text) },
  'text:stars': { to: ['confirming'], run: (_s, _e, step) => step.same(say.tapAButton) },
  'text:yes': { to: ['submitting'], run: (s, _e, step) => step.submit(s) },
  confirm: { to: ['submitting'], run: (s, _e, step) => step.submit(s) },
  subject_page: { to: ['choosing_subject'], run: (s, e, step) => step.choosing(s.draft, '', e.page) },
  subject_picked: { to: ['choosing_subject', 'confirming'], run: (s, e, step) => step.pickSubject(s.draft, e.subjectId) },
  subject_chosen: { to: ['confirming', 'choosing_subject'], run: (s, e, step) => step.chooseSubject(s.draft, e.subjectId, e.level) },
  change_subject: { to: ['choosing_subject'], run: (s, _e, step) => step.choosing(s.draft, '') },
  ...ratingExpired('confirming'),
  ...draftTimeout(),
  ...everywhere('confirming'),
};

const submitting: StateHandlers<'submitting'> = {
  photo: { to: ['submitting'], run: (_s, _e, step) => step.same(say.alreadyOpen) },
  // Cancel before the question id is known: remembered, and the question is cancelled once its id arrives.
  'text:cancel': {
    to: ['submitting'],
    run: (s, _e, step) => {
      if (s.cancelRequested) return step.same();
      const next = { ...s, cancelRequested: true };
      return step.ok(next, step.prompt(next, say.okay));
    },
  },
  ...otherWords('submitting'),
  ...staleButtons('submitting'),
  ...ratingExpired('submitting'),
  timeout: {
    to: ['idle', 'forbidden'],
    run: (s, _e, step) => (step.due(s) ? step.toIdle(s.cancelRequested ? say.cancelDone : say.sendFailed) : step.no('timer_superseded')),
  },
  // Idle when cancel was requested; forbidden for another request.
  question_created: {
    to: ['waiting', 'idle', 'forbidden'],
    run: (s, e, step) => {
      if (e.requestId !== s.draft.requestId) return step.no('other_request');
      if (s.cancelRequested) return step.toIdle(say.cancelDone, { type: 'cancel_question', questionId: e.questionId });
      // One message after a payment too: two sent back to back may arrive in either order.
      return step.ok({ name: 'waiting', questionId: e.questionId, notified: 0, notifiedSent: 0, lastUpdateAt: step.nowIso }, reply(text(say.finding(Boolean(s.afterPayment)))));
    },
  },
  // awaiting_payment: no plan or credits, the question is kept (until billing says it is paid, or the student gives up).
  question_failed: {
    to: ['idle', 'awaiting_payment', 'forbidden'],
    run: (s, e, step) => {
      if (e.requestId !== s.draft.requestId) return step.no('other_request');
      if (s.cancelRequested) return step.toIdle(say.cancelDone);
      if (e.reason !== 'payment_required') return step.ok({ name: 'idle' }, reply(text(failureMessage(e))));
      const held: StudentState = { name: 'awaiting_payment', draft: s.draft, subjectId: s.subjectId, level: s.level, link: e.link ?? null, expiresAt: step.after(step.cfg.paymentWaitMs) };
      return step.ok(held, reply(text(failureMessage(e))), reply(text(HELD_FOR_PAYMENT)), { type: 'schedule_timeout', at: held.expiresAt });
    },
  },
  ...everywhere('submitting'),
};

const waiting: StateHandlers<'waiting'> = {
  photo: { to: ['waiting'], run: (s, _e, step) => step.ok(s, reply(text(say.alreadyOpenWaiting))) },
  'text:cancel': { to: ['idle'], run: (s, _e, step) => step.toIdle(say.cancelledQuestion, { type: 'cancel_question', questionId: s.questionId }) },
  ...otherWords('waiting'),
  ...staleButtons('waiting'),
  ...ratingExpired('waiting'),
  // At most one "still looking" a minute, and only when more tutors have seen it; forbidden: another question's wave.
  wave: {
    to: ['waiting', 'forbidden'],
    run: forThisQuestion((s, e, step) => {
      const notified = Math.max(s.notified, e.notifiedCount);
      const quietFor = step.ctx.now.getTime() - Date.parse(s.lastUpdateAt);
      if (notified <= s.notifiedSent || quietFor < step.cfg.waveUpdateMinIntervalMs) return step.ok({ ...s, notified });
      const next = { ...s, notified, notifiedSent: notified, lastUpdateAt: step.nowIso };
      return step.ok(next, step.prompt(next));
    }),
  },
  claimed: {
    to: ['in_session', 'forbidden'],
    run: forThisQuestion((s, e, step) =>
      step.ok({ name: 'in_session', questionId: s.questionId, sessionId: e.sessionId, tutorName: e.tutorName, joinUrl: e.joinUrl }, reply(text(say.accepted(e.tutorName, e.joinUrl)))),
    ),
  },
  expired: { to: ['idle', 'forbidden'], run: forThisQuestion((_s, e, step) => step.toIdle(expiredWords(e))) },
  cancelled: { to: ['idle', 'forbidden'], run: forThisQuestion((_s, _e, step) => step.toIdle(say.questionCancelled)) },
  ...everywhere('waiting'),
};

const inSession: StateHandlers<'in_session'> = {
  photo: { to: ['in_session'], run: (_s, _e, step) => step.same(say.alreadyOpen) },
  // Stops following the session here; the session itself goes on.
  'text:cancel': { to: ['idle'], run: (s, _e, step) => step.toIdle(say.stopFollowing(s.tutorName)) },
  ...otherWords('in_session'),
  ...staleButtons('in_session'),
  ...ratingExpired('in_session'),
  session_ended: {
    to: ['rating', 'forbidden'],
    run: forThisQuestion((s, _e, step) => {
      const next: StudentState = { name: 'rating', questionId: s.questionId, tutorName: s.tutorName, expiresAt: step.after(step.cfg.ratingTimeoutMs) };
      return step.ok(next, step.prompt(next, say.sessionEnded), { type: 'schedule_timeout', at: next.expiresAt });
    }),
  },
  ...everywhere('in_session'),
};

const rating: StateHandlers<'rating'> = {
  // A new question; the rating is skipped.
  photo: { to: ['choosing_subject', 'asking_age', 'awaiting_consent'], run: (_s, e, step) => step.startDraft(step.photoDraft(e), say.gotPhoto) },
  'text:cancel': { to: ['idle'], run: (_s, _e, step) => step.toIdle(say.noProblem) },
  ...otherWords('rating', say.pleaseRate),
  'text:stars': { to: ['idle'], run: (s, e, step) => step.rated(s.questionId, (classifyText(e.text) as { stars: number }).stars) },
  rating: { to: ['idle'], run: (s, e, step) => step.rated(s.questionId, e.stars) },
  ...staleButtons('rating'),
  // No reply: the prompt just lapses.
  timeout: { to: ['idle', 'forbidden'], run: (s, _e, step) => (step.due(s) ? step.ok({ name: 'idle' }) : step.no('timer_superseded')) },
  ...everywhere('rating'),
};

/** An age or a year of birth is recorded (answered by age_recorded, with identity's verdict); anything else is asked again. */
const anAge: On<'asking_age', 'text:yes' | 'text:stars' | 'text:other'> = {
  to: ['asking_age'],
  run: (s, e, step) => {
    const birthDate = birthDateFromAnswer(e.text, step.ctx.now);
    return birthDate ? step.ok(s, { type: 'record_age', birthDate }) : step.same(say.notAnAge);
  },
};
const askingAge: StateHandlers<'asking_age'> = {
  photo: { to: ['asking_age'], run: (s, e, step) => step.addToDraft({ ...s, draft: s.draft ?? step.newDraft() }, e.media, e.caption) }, // kept in the draft
  'text:cancel': { to: ['idle'], run: (_s, _e, step) => step.toIdle(say.cancelled) },
  'text:yes': anAge,
  'text:stars': anAge, // "5": read as an age
  'text:other': anAge,
  ...staleButtons('asking_age'),
  ...ratingExpired('asking_age'),
  timeout: {
    to: ['idle', 'forbidden'],
    run: (s, _e, step) => {
      if (!step.due(s)) return step.no('timer_superseded');
      return s.draft ? step.toIdle(say.putAside) : step.ok({ name: 'idle' });
    },
  },
  // The draft goes on; no draft yet; under 13 without consent.
  age_recorded: {
    to: ['choosing_subject', 'idle', 'awaiting_consent'],
    run: (s, e, step) => {
      if (!e.mayAsk) return step.needConsent(say.thankYou);
      return s.draft ? step.choosing(s.draft, say.thankYouGlad) : step.ok({ name: 'idle' }, step.prompt({ name: 'idle' }, say.thankYouGlad));
    },
  },
  ...everywhere('asking_age'),
};

/**
 * Under 13 with no consent on record: nothing is taken or asked. Once identity has the consent on record
 * (`ctx.student.mayAsk`), every event is answered as in idle (decideStudent), so each `to` also names where idle's
 * handler leads.
 */
const waitForConsent: On<'awaiting_consent', 'rating' | 'subject_page' | 'subject_picked' | 'subject_chosen' | 'confirm' | 'change_subject'> = { to: ['awaiting_consent', 'idle'], run: (_s, _e, step) => step.same() };
/** A guardian's phone or email is recorded, for the team that asks them; other words say what happens next again. */
const guardianContact: On<'awaiting_consent', 'text:cancel' | 'text:yes' | 'text:stars' | 'text:other'> = {
  to: ['awaiting_consent', 'idle'],
  run: (s, e, step) => {
    const contact = step.kind === 'text:other' ? parseGuardianContact(e.text) : null;
    if (!contact) return step.same();
    return step.ok(s, { type: 'record_guardian', contact }, reply(text(say.guardianNoted(contact))));
  },
};
const awaitingConsent: StateHandlers<'awaiting_consent'> = {
  photo: { to: ['awaiting_consent', 'choosing_subject'], run: (_s, _e, step) => step.same() }, // not kept (nor downloaded) before consent
  'text:cancel': guardianContact,
  'text:yes': guardianContact,
  'text:stars': guardianContact,
  'text:other': { ...guardianContact, to: ['awaiting_consent', 'idle', 'choosing_subject'] },
  rating: waitForConsent,
  subject_page: waitForConsent,
  subject_picked: waitForConsent,
  subject_chosen: waitForConsent,
  confirm: waitForConsent,
  change_subject: waitForConsent,
  ...everywhere('awaiting_consent', ['idle']),
};

const awaitingPayment: StateHandlers<'awaiting_payment'> = {
  photo: { to: ['awaiting_payment'], run: (_s, _e, step) => step.same(say.alreadyWaiting) },
  'text:cancel': { to: ['idle'], run: (_s, _e, step) => step.toIdle(say.cancelled) },
  ...otherWords('awaiting_payment'),
  'text:yes': { to: ['submitting'], run: (s, _e, step) => step.submit(s) }, // asks again (paid meanwhile, or told again what to do)
  ...staleButtons('awaiting_payment'),
  confirm: { to: ['submitting'], run: (s, _e, step) => step.submit(s) }, // the earlier "Yes, send it" still works
  paid: { to: ['submitting'], run: (s, _e, step) => step.submit(s, true) }, // "Payment received" comes with the question id, in one message
  ...ratingExpired('awaiting_payment'),
  timeout: { to: ['idle', 'forbidden'], run: (s, _e, step) => (step.due(s) ? step.toIdle(say.paymentWaitedTooLong) : step.no('timer_superseded')) },
  ...everywhere('awaiting_payment'),
};

export const studentMachine: StudentMachine = {
  idle,
  choosing_subject: choosingSubject,
  confirming,
  submitting,
  waiting,
  in_session: inSession,
  rating,
  asking_age: askingAge,
  awaiting_consent: awaitingConsent,
  awaiting_payment: awaitingPayment,
};

/**
 * state × event kind → the states the event can lead to ('forbidden': ignored and logged), derived from the handlers'
 * `to`. More than one outcome when the event's content decides (a known subject or not, a timer that is due or
 * superseded, a question id that matches or not). A pair with no handler is forbidden.
 */
export const studentTransitions = Object.fromEntries(
  studentStateNames.map((s) => [s, Object.fromEntries(studentEventKinds.map((k) => [k, (studentMachine[s] as StateHandlers<typeof s>)[k]?.to ?? ['forbidden']]))]),
) as Record<StudentStateName, Record<StudentEventKind, readonly Outcome[]>>;

/** The next state and what to do, for one event on one student number. Pure: `ctx.now` is the time. */
export function decideStudent(state: StudentState, event: StudentEvent, ctx: StudentContext): StudentDecision {
  // Consent recorded since the student was told to wait for it: the conversation is simply idle again.
  if (state.name === 'awaiting_consent' && ctx.student.mayAsk) return decideStudent({ name: 'idle' }, event, ctx);
  const handler = (studentMachine[state.name] as StateHandlers<StudentStateName>)[studentEventKind(event)] as Handler<StudentStateName, StudentEvent> | undefined;
  const step = stepsFor(state, event, ctx);
  return handler ? handler.run(state as StateOf<StudentStateName>, event, step) : step.no();
}
