import { MAX_QUESTION_PHOTOS } from '@tutorline/contracts';
import { consentText, HELP, prompts, say, SEND_PHOTO } from './copy';
import { fit, type OutboundMessageSpec, text } from './limits';
import { levelList, subjectList } from './menus';
import { studentPrompt, subjectOf } from './student.prompts';
import {
  type Draft,
  type ForbiddenReason,
  MAX_QUESTION_TEXT,
  type MediaRef,
  type StateOf,
  type StudentAction,
  type StudentContext,
  type StudentDecision,
  type StudentEvent,
  studentEventKind,
  type StudentState,
} from './student.state';

export const reply = (message: OutboundMessageSpec): StudentAction => ({ type: 'reply', message });

/**
 * The building blocks of the student machine's handlers, for one event in one state: where to go next and what to
 * say and do on the way. Pure: `ctx.now` is the time, `ctx.newRequestId` the id a new draft takes.
 */
export function stepsFor(state: StudentState, event: StudentEvent, ctx: StudentContext) {
  const kind = studentEventKind(event);
  const cfg = ctx.config;
  const nowIso = ctx.now.toISOString();
  const after = (ms: number) => new Date(ctx.now.getTime() + ms).toISOString();
  const ok = (next: StudentState, ...actions: StudentAction[]): StudentDecision => ({ forbidden: false, state: next, actions });
  const no = (reason: ForbiddenReason = 'not_applicable'): StudentDecision => ({ forbidden: true, reason, state: state.name, event: kind });
  const prompt = (s: StudentState, lead = '') => reply(studentPrompt(s, ctx, lead));
  const same = (lead = '') => ok(state, prompt(state, lead));
  const toIdle = (lead: string, ...actions: StudentAction[]) => ok({ name: 'idle' }, ...actions, prompt({ name: 'idle' }, lead));
  const due = (s: { expiresAt: string }) => ctx.now.getTime() >= Date.parse(s.expiresAt);

  // A new draft, or more added to one; `promptedAt` is when the student last got a prompt from us.
  const newDraft = (): Draft => ({ requestId: ctx.newRequestId, photoMediaRefs: [], text: null, startedAt: nowIso, droppedPhotos: 0 });
  const withText = (d: Draft, t: string | null): Draft => {
    const add = t?.trim();
    return add ? { ...d, text: fit(d.text ? `${d.text}\n${add}` : add, MAX_QUESTION_TEXT) } : d;
  };
  const choosing = (draft: Draft, lead: string, page = 0): StudentDecision => {
    const expiresAt = after(cfg.draftTimeoutMs);
    return ok({ name: 'choosing_subject', draft, expiresAt, promptedAt: nowIso }, reply(subjectList(ctx.subjects, page, prompts.whichSubject(lead))), { type: 'schedule_timeout', at: expiresAt });
  };
  const confirming = (draft: Draft, subjectId: string, level: string, lead = ''): StudentDecision => {
    const next: StudentState = { name: 'confirming', draft, subjectId, level, expiresAt: after(cfg.draftTimeoutMs), promptedAt: nowIso };
    return ok(next, prompt(next, lead), { type: 'schedule_timeout', at: next.expiresAt });
  };
  const pickSubject = (draft: Draft, subjectId: string): StudentDecision => {
    const s = ctx.subjects.find((x) => x.id === subjectId && x.levels.length > 0);
    if (!s) return choosing(draft, say.unknownSubject);
    if (s.levels.length === 1) return confirming(draft, s.id, s.levels[0]!.id);
    const expiresAt = after(cfg.draftTimeoutMs);
    return ok({ name: 'choosing_subject', draft, expiresAt, promptedAt: nowIso }, reply(levelList(s)), { type: 'schedule_timeout', at: expiresAt });
  };
  const chooseSubject = (draft: Draft, subjectId: string, level: string): StudentDecision =>
    subjectOf(ctx, subjectId, level) ? confirming(draft, subjectId, level) : choosing(draft, say.subjectUnavailable);

  /** More photos or words while the draft is open: added, and answered unless it is part of a burst. */
  const addToDraft = (s: (StateOf<'choosing_subject'> | StateOf<'confirming'> | StateOf<'asking_age'>) & { draft: Draft }, photo: MediaRef | null, words: string | null): StudentDecision => {
    let draft = withText(s.draft, words);
    let lead = photo ? say.addedPhoto(draft.photoMediaRefs.length + 1) : say.addedWords;
    let mustTell = false;
    if (photo) {
      if (draft.photoMediaRefs.length < MAX_QUESTION_PHOTOS) draft = { ...draft, photoMediaRefs: [...draft.photoMediaRefs, photo] };
      else {
        mustTell = draft.droppedPhotos === 0; // say it once per burst
        draft = { ...draft, droppedPhotos: draft.droppedPhotos + 1 };
        lead = say.tooManyPhotos;
      }
    }
    const inBurst = ctx.now.getTime() - Date.parse(s.promptedAt) < cfg.burstMs;
    const expiresAt = after(cfg.draftTimeoutMs);
    const timer: StudentAction = { type: 'schedule_timeout', at: expiresAt };
    if (inBurst && !mustTell) return ok({ ...s, draft, expiresAt }, timer);
    const next = { ...s, draft, expiresAt, promptedAt: nowIso };
    return ok(next, prompt(next, lead), timer);
  };

  /** Asks; a question held for payment asks again with the same request id (so it is still one question). */
  const submit = (s: StateOf<'confirming'> | StateOf<'awaiting_payment'>, afterPayment = false): StudentDecision => {
    const expiresAt = after(cfg.submitTimeoutMs);
    return ok(
      { name: 'submitting', draft: s.draft, subjectId: s.subjectId, level: s.level, cancelRequested: false, ...(afterPayment ? { afterPayment } : {}), expiresAt },
      { type: 'ask_question', requestId: s.draft.requestId, draft: s.draft, subjectId: s.subjectId, level: s.level },
      { type: 'schedule_timeout', at: expiresAt },
    );
  };

  /** A first question asks the age when none is on record; under 13 without a guardian's consent, nothing is taken. */
  const askAge = (draft: Draft | null, lead: string): StudentDecision => {
    const next: StudentState = { name: 'asking_age', draft, expiresAt: after(cfg.draftTimeoutMs), promptedAt: nowIso };
    return ok(next, prompt(next, lead), { type: 'schedule_timeout', at: next.expiresAt });
  };
  const needConsent = (lead = ''): StudentDecision => ok({ name: 'awaiting_consent' }, reply(text(`${lead}${consentText(ctx.student.guardianContact)}`)));
  const startDraft = (draft: Draft, lead: string): StudentDecision => {
    if (!ctx.student.ageKnown) return askAge(draft, lead);
    if (!ctx.student.mayAsk) return needConsent();
    return choosing(draft, lead);
  };
  /** A new question from a photo (and its caption). */
  const photoDraft = (e: Extract<StudentEvent, { type: 'photo' }>): Draft => withText({ ...newDraft(), photoMediaRefs: [e.media] }, e.caption);

  const rated = (questionId: string, stars: number): StudentDecision => ok({ name: 'idle' }, { type: 'record_rating', questionId, stars }, reply(text(say.rated(stars))));

  /** "help": how it works, then (outside idle) where the student is. */
  const help = (): StudentDecision => (state.name === 'idle' ? ok(state, reply(text(`${HELP}\n\n${SEND_PHOTO}`))) : ok(state, reply(text(HELP)), prompt(state)));

  return { ctx, cfg, kind, nowIso, after, ok, no, prompt, same, toIdle, due, newDraft, withText, choosing, confirming, pickSubject, chooseSubject, addToDraft, submit, askAge, needConsent, startDraft, photoDraft, rated, help };
}
export type Steps = ReturnType<typeof stepsFor>;
