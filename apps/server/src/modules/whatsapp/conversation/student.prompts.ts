import { ASK_AGE, consentText, menuWords, prompts, SEND_PHOTO, status } from './copy';
import { type OutboundMessageSpec, text } from './limits';
import { confirmButtons, levelLabel, ratingList, subjectList } from './menus';
import type { Draft, StudentContext, StudentState } from './student.state';

/** The subject and level a draft names, from the menu (null when the menu no longer has them). */
export function subjectOf(ctx: StudentContext, subjectId: string, level: string) {
  const s = ctx.subjects.find((x) => x.id === subjectId);
  const l = s?.levels.find((x) => x.id === level);
  return s && l ? { subject: s, level: l } : null;
}

function draftSummary(d: Draft): string {
  const parts = [];
  if (d.photoMediaRefs.length) parts.push(menuWords.photos(d.photoMediaRefs.length));
  if (d.text) parts.push(`✍️ ${menuWords.quoted(d.text, 120)}`);
  return parts.join('\n');
}

/** The message that tells the student where they are and what to do next. */
export function studentPrompt(state: StudentState, ctx: StudentContext, lead = ''): OutboundMessageSpec {
  switch (state.name) {
    case 'idle':
      return text(`${lead}${SEND_PHOTO}`);
    case 'choosing_subject':
      return subjectList(ctx.subjects, 0, prompts.whichSubject(lead));
    case 'confirming': {
      const chosen = subjectOf(ctx, state.subjectId, state.level);
      const what = chosen ? `${chosen.subject.name} · ${chosen.level.name}` : `${state.subjectId} · ${levelLabel(state.level)}`;
      return confirmButtons(prompts.confirm(lead, what, draftSummary(state.draft)));
    }
    case 'submitting':
      if (state.cancelRequested) return text(`${lead}${prompts.cancelling}`);
      return text(`${lead}${prompts.sending(Boolean(state.afterPayment))}`);
    case 'waiting':
      return text(`${lead}${prompts.stillLooking(state.notified)}`);
    case 'in_session':
      return text(`${lead}${prompts.inSession(state.tutorName, state.joinUrl)}`);
    case 'rating':
      return ratingList(state.tutorName, lead);
    case 'asking_age':
      return text(`${lead}${ASK_AGE}`);
    case 'awaiting_consent':
      return text(`${lead}${consentText(ctx.student.guardianContact)}`);
    case 'awaiting_payment':
      return text(`${lead}${prompts.heldForPayment(state.link)}`);
  }
}

/** What "status" says before the state's prompt. */
export function statusLead(s: StudentState): string {
  switch (s.name) {
    case 'idle':
      return status.nothingOpen;
    case 'choosing_subject':
      return status.photosSoFar(s.draft.photoMediaRefs.length);
    case 'confirming':
      return status.readyToSend;
    case 'rating':
      return status.sessionEnded;
    case 'asking_age':
      return s.draft ? status.photosSoFar(s.draft.photoMediaRefs.length) : '';
    default:
      return '';
  }
}

