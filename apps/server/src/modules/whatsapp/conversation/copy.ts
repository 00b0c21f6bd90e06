import { MAX_QUESTION_PHOTOS, type QuestionCloseReason } from '@tutorline/contracts';
import type { ClaimRefusal } from '../../help';
import { fit } from './limits';

/**
 * Every word the WhatsApp conversation says, in one place: the student's prompts and replies, the menus' labels and
 * the tutor's replies. The machines (student.machine.ts, tutor.machine.ts) choose which; they hold no wording.
 */

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export const SEND_PHOTO = 'Send me a photo 📸 of your question — you can add a few words too.';
export const HELP = [
  'Hi! I find you a tutor, fast 👋',
  '1️⃣ Send a photo of your question',
  '2️⃣ Choose the subject',
  '3️⃣ Tap “Yes, send it” — a tutor joins you',
  '',
  'You can send these words any time: status · cancel · help',
].join('\n');
export const ASK_AGE = 'How old are you? 🎂 Please type your age in years (for example 15).';
export const HELD_FOR_PAYMENT = "I've kept your question 📌 It goes to tutors by itself as soon as you've paid. Send cancel to drop it.";
export const STALE = 'That button is from an earlier message. ';
export const RATING_EXPIRED = 'Thanks! That rating button has expired. ';

/** Why an ask failed, as the student reads it. */
export type QuestionFailure = 'consent_required' | 'guardian_limit' | 'payment_required' | 'photo_rejected' | 'subject_unavailable' | 'rate_limited' | 'error';
const failureText: Record<QuestionFailure, string> = {
  consent_required: 'A parent or guardian needs to say yes before you can ask. Please ask them to contact us.',
  guardian_limit: "Your guardian's limits don't allow a question right now (allowed hours). Nothing was sent; ask them if you need to change it.",
  payment_required: 'You need a plan or question credits to ask.',
  photo_rejected: "Sorry, I couldn't use that photo. Please take a clear photo of just the question and send it again.",
  subject_unavailable: 'Sorry, that subject is not available right now. Send the photo again and pick another subject.',
  rate_limited: "You've asked a lot of questions just now. Please wait a few minutes, then send the photo again.",
  error: 'Sorry, something went wrong sending your question. Please send the photo again.',
};

/** Why the ask failed and what to do; a billing refusal gives the server's next step and a link to choose a plan. */
export function failureMessage(event: { reason: QuestionFailure; next?: string; link?: string }): string {
  if (event.reason !== 'payment_required') return failureText[event.reason];
  const why = event.next ?? failureText.payment_required;
  return event.link ? `${why}\nChoose a plan or buy questions here (it logs you in): ${event.link}` : why;
}

/** Under 13 with no consent on record: what happens next, and the guardian's contact we have (or a request for one). */
export function consentText(guardianContact: string | null): string {
  const why = "Because you're under 13, a parent or guardian must agree before you can ask questions here.";
  return guardianContact
    ? `${why} Our team will contact them at ${guardianContact} to ask. Once they have agreed, send your question here again. (To give another phone number or email, just send it.)`
    : `${why} Please send their phone number or email address, and our team will contact them. Once they have agreed, send your question here again.`;
}

/** Why a question closed unanswered, for the student; the credit line only when something was given back. */
export function expiredWords(event: { reason?: QuestionCloseReason; refunded?: boolean }): string {
  const back = event.refunded ? ' Your question credit was given back.' : '';
  if (event.reason === 'no_tutors') return `Sorry 😔 no tutor teaches that subject at that level yet, so your question was not sent to anyone.${back} To try another: `;
  if (event.reason === 'nobody_reached') return `Sorry 😔 no tutor who teaches it was online, so nobody saw your question.${back} To try again: `;
  return 'Sorry 😔 no tutor was free in time. To try again: ';
}

/** The leads and replies of the student's conversation (a lead comes before the prompt of the state it leads to). */
export const say = {
  gotPhoto: 'Got your photo 📸 ',
  gotQuestion: 'Got your question ✍️ ',
  hi: 'Hi! 👋 ',
  nothingToCancel: 'Nothing to cancel right now. ',
  cancelled: 'Okay, cancelled 👍 ',
  cancelledQuestion: 'Okay, cancelled ✅ ',
  cancelDone: 'Cancelled ✅ ',
  okay: 'Okay. ',
  noProblem: 'No problem. ',
  thankYou: 'Thank you. ',
  thankYouGlad: 'Thank you! ',
  unsupported: 'Sorry, I can only read text and photos 🙂\n',
  chooseFromList: 'Please choose the subject from the list 👇\n',
  chooseSubjectFirst: 'First, choose the subject 👇\n',
  tapAButton: 'Please tap a button 👇\n',
  putAside: "I didn't hear back, so I put your question aside. ",
  sendFailed: 'Sorry, something went wrong sending your question. ',
  alreadyOpen: 'You already have a question open — send cancel to start over.\n',
  alreadyOpenWaiting: 'You already have a question open — tutors are looking at it now. Send cancel to start over.',
  alreadyWaiting: 'You already have a question waiting. ',
  questionCancelled: 'Your question was cancelled. ',
  sessionEnded: 'Your session has ended. ',
  pleaseRate: 'Please rate your session, or send a new photo for a new question.\n',
  notAnAge: "Sorry, I didn't get that. ",
  paymentWaitedTooLong: 'Your question waited a long time for a payment, so I put it aside. ',
  unknownSubject: "Sorry, I don't know that subject. ",
  subjectUnavailable: "Sorry, that subject isn't available. ",
  addedWords: 'Got it, I added that to your question. ',
  addedPhoto: (photos: number) => `Got it — ${plural(photos, 'photo')}. `,
  tooManyPhotos: `You can send up to ${MAX_QUESTION_PHOTOS} photos — I kept the first ${MAX_QUESTION_PHOTOS}. `,
  stopFollowing: (tutorName: string) => `Okay. Your session with ${tutorName} stays open if you still need it, but I won't message you about it. `,
  finding: (afterPayment: boolean) => `${afterPayment ? 'Payment received ✅ ' : ''}Finding a tutor for you… 🔎 I'll message you here as soon as one accepts. Send cancel to stop.`,
  accepted: (tutorName: string, joinUrl: string) => `🎉 ${tutorName} accepted your question!\nJoin here: ${joinUrl}\nTap the link to start.`,
  rated: (stars: number) => `${stars >= 4 ? 'Thank you! 🌟 Glad it helped.' : 'Thank you for telling us — it helps us get better.'} Send a photo any time you need help again.`,
  guardianNoted: (contact: string) => `Thank you. Our team will contact your parent or guardian at ${contact} to ask for their consent. Once they have agreed, send your question here again.`,
};

/** What each state says when it is shown again (after a lead, for "status", after "help"). */
export const prompts = {
  whichSubject: (lead: string) => `${lead}Which subject is your question? Tap “Choose subject”.`,
  whichLevel: (subjectName: string) => `${subjectName} — which class or level? Tap “Choose level”.`,
  confirm: (lead: string, what: string, summary: string) => `${lead}${what}\n${summary}\n\nSend it to a tutor?`,
  cancelling: "I'm cancelling your question — one moment…",
  sending: (afterPayment: boolean) => `${afterPayment ? 'Payment received ✅ ' : ''}I'm sending your question to tutors — one moment… (Send cancel to stop.)`,
  stillLooking: (notified: number) =>
    `Still looking for a tutor 🔎${notified ? ` ${plural(notified, 'tutor has', 'tutors have')} seen your question.` : ''} ` + "I'll message you here as soon as one accepts. Send cancel to stop.",
  inSession: (tutorName: string, joinUrl: string) => `${tutorName} is your tutor. Join here: ${joinUrl}\nSend cancel if you don't need help any more.`,
  heldForPayment: (link: string | null) =>
    `Your question is saved 📌 It goes to tutors by itself as soon as you've paid${link ? ` (choose a plan or buy questions here: ${link})` : ''}. Send cancel to drop it.`,
  rate: (lead: string, tutorName: string) => `${lead}How was your session with ${tutorName}? Tap “Rate” (or type a number 1–5). It helps other students find great tutors.`,
};

/** The lead of "status": what the student has so far. */
export const status = {
  nothingOpen: "You don't have a question open. ",
  photosSoFar: (photos: number) => `Your question has ${plural(photos, 'photo')} so far. `,
  readyToSend: 'Your question is ready to send.\n',
  sessionEnded: 'Your session has ended. ',
};

/** The labels of lists and buttons. */
export const menuWords = {
  noSubjects: (body: string) => `${body}\n\nSorry, no subjects are open right now. Please try again later, or send cancel.`,
  moreSubjects: 'More subjects ➡️',
  backToStart: '⬅️ Back to the start',
  otherSubject: '⬅️ Other subject',
  subjectsTitle: (page: number, pages: number) => (pages > 1 ? `Subjects (${page} of ${pages})` : 'Subjects'),
  chooseSubject: 'Choose subject',
  chooseLevel: 'Choose level',
  levelRange: (first: string, last: string) => `${first} to ${last}`,
  yesSendIt: '✅ Yes, send it',
  changeSubject: 'Change subject',
  cancel: 'Cancel',
  rate: 'Rate',
  yourRating: 'Your rating',
  stars: (n: number) => `${'⭐'.repeat(n)} ${['', 'Bad', 'Not great', 'Okay', 'Good', 'Amazing'][n]}`,
  photos: (n: number) => `📷 ${plural(n, 'photo')}`,
  quoted: (t: string, max: number) => `“${fit(t, max)}”`,
};

/** A tutor's replies. */
export const TUTOR_HELP =
  'New questions arrive here with an Accept button — the first tutor to tap it gets the student.\n' + 'Send online to get questions, offline to pause them.';
export const tutorSay = {
  online: "You're online ✅ New questions will arrive here. Send offline to pause.",
  offline: "You're offline ⏸️ No new questions until you send online.",
  help: TUTOR_HELP,
  other: `I only understand a few words here. ${TUTOR_HELP}`,
  unsupported: `Sorry, I can only read text here. ${TUTOR_HELP}`,
  won: (joinUrl: string) => `✅ It's yours! Join the student here: ${joinUrl}`,
  alertTitle: (subjectName: string, levelName: string) => `📚 New question: ${subjectName} · ${levelName}`,
  alertAction: 'Tap Accept to take it — first tutor wins.',
  accept: 'Accept',
  pauseAlerts: 'Pause alerts',
};

const takenFirst = 'Another tutor accepted this one first. The next question will come here — keep an eye out!';
const closed = 'This question has closed, so it can no longer be accepted.';
/** What a tutor is told for each of help's reasons an Accept did not win (decision 039): by the reason alone. */
export const claimRefused: Record<ClaimRefusal, string> = {
  // Never offered to them (or skipped, or no such question): told as taken, as it has always been.
  not_found: takenFirst,
  taken: takenFirst,
  expired: closed,
  cancelled: closed,
  not_eligible: "This question isn't one you can take (it's outside your approved subjects).",
  busy: 'Finish your current session before accepting another question.',
};
