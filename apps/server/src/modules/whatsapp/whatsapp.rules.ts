import { MAX_QUESTION_PHOTOS, type QuestionCloseReason } from '@tutorline/contracts';
import { z } from 'zod';
import type { AskRefusal, ClaimRefusal, UploadRefusal } from '../help';
import { birthDateFromAnswer, parseGuardianContact } from './whatsapp.age.rules';

/**
 * Pure decisions for the WhatsApp conversation: one state machine per student number (stored as JSON),
 * a stateless one for tutor numbers, and the wording of every message. No I/O, no clock: the caller
 * passes the time in, performs the returned actions, and stores the returned state.
 *
 * Rules the caller relies on:
 * - Apply the events of one number one at a time, in order (row lock on the stored state).
 * - `{ forbidden: true }` means "this event does not apply now" (a late system event, a superseded timer,
 *   another question's event): log it with the returned fields and change nothing.
 * - `schedule_timeout` may be coalesced (one timer per number): a `timeout` that fires early is forbidden
 *   because the state carries its own `expiresAt`.
 */

// ---------- outbound messages ----------

/** WhatsApp Cloud API limits for interactive messages (UTF-16 length, which is never shorter than what WhatsApp counts). */
export const messageLimits = {
  textChars: 4096,
  bodyChars: 1024,
  buttons: 3,
  buttonTitleChars: 20,
  listButtonChars: 20,
  listSections: 10,
  listRows: 10,
  sectionTitleChars: 24,
  rowTitleChars: 24,
  rowDescriptionChars: 72,
  idChars: 200,
} as const;

export interface ListRow {
  id: string;
  title: string;
  description?: string;
}

/** What to send; the caller maps it to the provider's message. */
export type OutboundMessageSpec =
  | { kind: 'text'; text: string }
  | { kind: 'list'; body: string; button: string; sections: { title: string; rows: ListRow[] }[] }
  | { kind: 'buttons'; body: string; buttons: { id: string; title: string }[] };

/** Every limit a message breaks (empty when it can be sent). */
export function messageLimitProblems(m: OutboundMessageSpec): string[] {
  const L = messageLimits;
  const p: string[] = [];
  const max = (what: string, s: string, n: number) => {
    if (!s.length) p.push(`${what} is empty`);
    if (s.length > n) p.push(`${what} is ${s.length} > ${n} chars: ${s}`);
  };
  if (m.kind === 'text') {
    max('text', m.text, L.textChars);
    return p;
  }
  max('body', m.body, L.bodyChars);
  if (m.kind === 'buttons') {
    if (m.buttons.length < 1 || m.buttons.length > L.buttons) p.push(`${m.buttons.length} buttons`);
    for (const b of m.buttons) {
      max('button title', b.title, L.buttonTitleChars);
      max('button id', b.id, L.idChars);
    }
    if (new Set(m.buttons.map((b) => b.id)).size !== m.buttons.length) p.push('duplicate button ids');
    return p;
  }
  max('list button', m.button, L.listButtonChars);
  if (m.sections.length < 1 || m.sections.length > L.listSections) p.push(`${m.sections.length} sections`);
  const rows = m.sections.flatMap((s) => s.rows);
  if (rows.length < 1 || rows.length > L.listRows) p.push(`${rows.length} rows`);
  if (new Set(rows.map((r) => r.id)).size !== rows.length) p.push('duplicate row ids');
  for (const s of m.sections) max('section title', s.title, L.sectionTitleChars);
  for (const r of rows) {
    max('row title', r.title, L.rowTitleChars);
    max('row id', r.id, L.idChars);
    if (r.description !== undefined) max('row description', r.description, L.rowDescriptionChars);
  }
  return p;
}

/** Shortens to `max` UTF-16 units with an ellipsis, never splitting a character. */
export function fit(s: string, max: number): string {
  if (s.length <= max) return s;
  let out = '';
  for (const ch of s) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

const text = (t: string): OutboundMessageSpec => ({ kind: 'text', text: fit(t, messageLimits.textChars) });

// ---------- subjects ----------

export interface MenuSubject {
  id: string;
  name: string;
  levels: { id: string; name: string }[];
}

/** "grade-9-10" → "Grade 9–10", "university" → "University" (as the web app shows them). */
export function levelLabel(level: string): string {
  const grades = /^grade-(\d+)(?:-(\d+))?$/.exec(level);
  if (grades) return grades[2] ? `Grade ${grades[1]}–${grades[2]}` : `Grade ${grades[1]}`;
  const words = level.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The subjects catalogue (levels as ids) as the menu needs it. */
export function toMenuSubjects(catalogue: { id: string; name: string; levels: string[] }[]): MenuSubject[] {
  return catalogue.map((s) => ({ id: s.id, name: s.name, levels: s.levels.map((l) => ({ id: l, name: levelLabel(l) })) }));
}

/** A list shows 10 rows; with more subjects than that, each page shows 9 and a row to the next page. */
export const SUBJECT_ROWS_PER_PAGE = 9;
/** Levels of one subject shown at most (plus a row back to the subjects); the catalogue has at most 5. */
export const LEVEL_ROWS_MAX = 9;

function subjectPages(subjects: MenuSubject[]): MenuSubject[][] {
  const usable = subjects.filter((s) => s.levels.length > 0);
  const per = usable.length <= messageLimits.listRows ? messageLimits.listRows : SUBJECT_ROWS_PER_PAGE;
  const pages: MenuSubject[][] = [];
  for (let i = 0; i < usable.length; i += per) pages.push(usable.slice(i, i + per));
  return pages;
}

const levelRange = (s: MenuSubject) => (s.levels.length === 1 ? s.levels[0]!.name : `${s.levels[0]!.name} to ${s.levels.at(-1)!.name}`);

/** Step 1 of choosing: the subjects, paginated. A subject with one level is chosen in one tap. */
function subjectList(subjects: MenuSubject[], page: number, body: string): OutboundMessageSpec {
  const pages = subjectPages(subjects);
  if (!pages.length) return text(`${body}\n\nSorry, no subjects are open right now. Please try again later, or send cancel.`);
  const p = Math.min(Math.max(0, Math.trunc(page)), pages.length - 1);
  const rows: ListRow[] = pages[p]!.map((s) => ({
    id: s.levels.length === 1 ? ids.subjectLevel(s.id, s.levels[0]!.id) : ids.subject(s.id),
    title: fit(s.name, messageLimits.rowTitleChars),
    description: fit(levelRange(s), messageLimits.rowDescriptionChars),
  }));
  if (pages.length > 1) {
    const next = p + 1 < pages.length ? p + 1 : 0;
    rows.push({
      id: ids.page(next),
      title: next ? 'More subjects ➡️' : '⬅️ Back to the start',
      description: fit(pages[next]!.map((s) => s.name).join(', '), messageLimits.rowDescriptionChars),
    });
  }
  const title = pages.length > 1 ? `Subjects (${p + 1} of ${pages.length})` : 'Subjects';
  return { kind: 'list', body: fit(body, messageLimits.bodyChars), button: 'Choose subject', sections: [{ title, rows }] };
}

/** Step 2 of choosing: the levels of one subject. */
function levelList(subject: MenuSubject, body: string): OutboundMessageSpec {
  const rows: ListRow[] = subject.levels
    .slice(0, LEVEL_ROWS_MAX)
    .map((l) => ({ id: ids.subjectLevel(subject.id, l.id), title: fit(l.name, messageLimits.rowTitleChars) }));
  rows.push({ id: ids.page(0), title: '⬅️ Other subject' });
  return {
    kind: 'list',
    body: fit(body, messageLimits.bodyChars),
    button: 'Choose level',
    sections: [{ title: fit(subject.name, messageLimits.sectionTitleChars), rows }],
  };
}

// ---------- reply ids (what buttons and list rows send back) ----------

const ids = {
  page: (n: number) => `subjects:page:${n}`,
  subject: (subjectId: string) => `subject:${subjectId}`,
  subjectLevel: (subjectId: string, level: string) => `subject:${subjectId}:${level}`,
  confirm: 'confirm',
  changeSubject: 'change_subject',
  cancel: 'cancel',
  rate: (stars: number) => `rate:${stars}`,
  accept: (questionId: string) => `accept:${questionId}`,
  tutorOffline: 'tutor:offline',
};

/** The event a student's button or list reply stands for; null for an id this machine never sent. */
export function parseStudentReplyId(id: string): StudentEvent | null {
  if (id === ids.confirm) return { type: 'confirm' };
  if (id === ids.changeSubject) return { type: 'change_subject' };
  if (id === ids.cancel) return { type: 'text', text: 'cancel' };
  let m = /^subjects:page:(\d{1,3})$/.exec(id);
  if (m) return { type: 'subject_page', page: Number(m[1]) };
  m = /^rate:([1-5])$/.exec(id);
  if (m) return { type: 'rating', stars: Number(m[1]) };
  m = /^subject:([^:]+)(?::([^:]+))?$/.exec(id);
  if (m) return m[2] ? { type: 'subject_chosen', subjectId: m[1]!, level: m[2] } : { type: 'subject_picked', subjectId: m[1]! };
  return null;
}

/** The event a tutor's button reply stands for; null for an id this machine never sent. */
export function parseTutorReplyId(id: string): TutorEvent | null {
  if (id === ids.tutorOffline) return { type: 'text', text: 'offline' };
  const m = /^accept:(.+)$/.exec(id);
  return m ? { type: 'accept', questionId: m[1]! } : null;
}

// ---------- stored student state ----------

export const mediaRefSchema = z.object({ mediaId: z.string().optional(), mediaUrl: z.string().optional() });
export type MediaRef = z.infer<typeof mediaRefSchema>;

export const draftSchema = z.object({
  /** Idempotency key of the ask (a UUID), fixed when the draft starts so a retried ask creates one question. */
  requestId: z.string(),
  photoMediaRefs: z.array(mediaRefSchema).max(MAX_QUESTION_PHOTOS),
  text: z.string().nullable(),
  startedAt: z.string(),
  /** Photos refused because the draft already had the maximum. */
  droppedPhotos: z.number().int().min(0),
});
export type Draft = z.infer<typeof draftSchema>;

const iso = z.string();
export const studentStateSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('idle') }),
  /** `promptedAt`: when the subject menu was last sent (photos of an album arriving right after it get no reply of their own). */
  z.object({ name: z.literal('choosing_subject'), draft: draftSchema, expiresAt: iso, promptedAt: iso }),
  z.object({ name: z.literal('confirming'), draft: draftSchema, subjectId: z.string(), level: z.string(), expiresAt: iso, promptedAt: iso }),
  /**
   * Confirmed; the ask is in flight. `cancelRequested`: the student sent cancel before the question id was known.
   * `afterPayment`: asked again because billing said it is paid (the answer says so, in the same message).
   */
  z.object({ name: z.literal('submitting'), draft: draftSchema, subjectId: z.string(), level: z.string(), cancelRequested: z.boolean(), afterPayment: z.boolean().optional(), expiresAt: iso }),
  /** `notified`: tutors notified so far (latest wave); `notifiedSent`/`lastUpdateAt`: the count and time of the last message to the student. */
  z.object({ name: z.literal('waiting'), questionId: z.string(), notified: z.number(), notifiedSent: z.number(), lastUpdateAt: iso }),
  z.object({ name: z.literal('in_session'), questionId: z.string(), sessionId: z.string(), tutorName: z.string(), joinUrl: z.string() }),
  z.object({ name: z.literal('rating'), questionId: z.string(), tutorName: z.string(), expiresAt: iso }),
  /** A student with no age on record started a question: asked their age first; `draft` keeps what they sent meanwhile. */
  z.object({ name: z.literal('asking_age'), draft: draftSchema.nullable(), expiresAt: iso, promptedAt: iso }),
  /** Under 13 and no guardian's consent on record: nothing is asked or uploaded until it is (identity decides). */
  z.object({ name: z.literal('awaiting_consent') }),
  /** The ask was refused for want of a plan or credits: the question is kept and sent by itself once billing says it is paid. */
  z.object({ name: z.literal('awaiting_payment'), draft: draftSchema, subjectId: z.string(), level: z.string(), link: z.string().nullable(), expiresAt: iso }),
]);
export type StudentState = z.infer<typeof studentStateSchema>;
export type StudentStateName = StudentState['name'];
export const studentStateNames = [
  'idle',
  'asking_age',
  'awaiting_consent',
  'choosing_subject',
  'confirming',
  'submitting',
  'awaiting_payment',
  'waiting',
  'in_session',
  'rating',
] as const satisfies readonly StudentStateName[];
export const initialStudentState: StudentState = { name: 'idle' };

// ---------- student events ----------

export type QuestionFailure = 'consent_required' | 'payment_required' | 'photo_rejected' | 'subject_unavailable' | 'rate_limited' | 'error';

/** What the student is told for each of help's refusals of an upload or an ask: by the reason alone, never its words. */
export function questionFailureOf(reason: UploadRefusal | AskRefusal): Exclude<QuestionFailure, 'error'> {
  switch (reason) {
    case 'consent_required':
      return 'consent_required';
    case 'payment_required':
      return 'payment_required';
    case 'rate_limited':
      return 'rate_limited';
    case 'photo_rejected':
    case 'unknown_photo':
      return 'photo_rejected';
    case 'unknown_subject':
      return 'subject_unavailable';
  }
}

export type StudentEvent =
  // from the student
  | { type: 'photo'; media: MediaRef; caption: string | null }
  | { type: 'text'; text: string }
  | { type: 'subject_page'; page: number }
  | { type: 'subject_picked'; subjectId: string }
  | { type: 'subject_chosen'; subjectId: string; level: string }
  | { type: 'confirm' }
  | { type: 'change_subject' }
  | { type: 'rating'; stars: number }
  /** Audio, sticker, location, document, a reply id this machine never sent… */
  | { type: 'unsupported' }
  // from the system
  | { type: 'timeout' }
  | { type: 'question_created'; requestId: string; questionId: string }
  /** `next`: the server's own words on what to do (payment_required); `link`: a log-in link to the page that does it. */
  | { type: 'question_failed'; requestId: string; reason: QuestionFailure; next?: string; link?: string }
  /** `notifiedCount`: tutors notified so far for this question (cumulative). */
  | { type: 'wave'; questionId: string; notifiedCount: number }
  | { type: 'claimed'; questionId: string; sessionId: string; tutorName: string; joinUrl: string }
  /** `reason`: it reached nobody (no tutor teaches it, or none was reachable in time); `refunded`: what it used came back. */
  | { type: 'expired'; questionId: string; reason?: QuestionCloseReason; refunded?: boolean }
  | { type: 'cancelled'; questionId: string }
  | { type: 'session_ended'; questionId: string }
  /** The age the student gave is on record; `mayAsk`: identity's verdict (false: under 13 without a guardian's consent). */
  | { type: 'age_recorded'; mayAsk: boolean }
  /** Billing: a payment or plan now lets this student ask (a question held for payment goes out). */
  | { type: 'paid' };

export const studentEventTypes = [
  'photo',
  'text',
  'subject_page',
  'subject_picked',
  'subject_chosen',
  'confirm',
  'change_subject',
  'rating',
  'unsupported',
  'timeout',
  'question_created',
  'question_failed',
  'wave',
  'claimed',
  'expired',
  'cancelled',
  'session_ended',
  'age_recorded',
  'paid',
] as const satisfies readonly StudentEvent['type'][];

/** Why a question closed unanswered, for the student; the credit line only when something was given back. */
export function expiredWords(event: { reason?: QuestionCloseReason; refunded?: boolean }): string {
  const back = event.refunded ? ' Your question credit was given back.' : '';
  if (event.reason === 'no_tutors') return `Sorry 😔 no tutor teaches that subject at that level yet, so your question was not sent to anyone.${back} To try another: `;
  if (event.reason === 'nobody_reached') return `Sorry 😔 no tutor who teaches it was online, so nobody saw your question.${back} To try again: `;
  return 'Sorry 😔 no tutor was free in time. To try again: ';
}

// ---------- free text ----------

export const textIntents = ['cancel', 'help', 'status', 'yes', 'stars', 'other'] as const;
export type TextIntent = (typeof textIntents)[number];

const norm = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s]+/g, ' ')
    .replace(/^[\s"'“”.!?।]+|[\s"'“”.!?।]+$/g, '');

const words: Record<Exclude<TextIntent, 'stars' | 'other'>, string[]> = {
  cancel: ['cancel', 'stop', 'quit', 'exit', 'band karo', 'bandh karo', 'ruko', 'radd', 'radd karo', 'cancel karo', 'रद्द', 'रद्द करो', 'बंद करो', 'रुको'],
  help: ['help', 'menu', 'hi', 'hii', 'hello', 'hey', 'namaste', 'namaskar', 'start', 'madad', 'sahayata', 'help me', 'मदद', 'सहायता', 'नमस्ते'],
  status: ['status', 'update', 'kya hua', 'kya hua?', 'kahan hai', 'स्थिति'],
  yes: ['yes', 'y', 'ok', 'okay', 'send', 'send it', 'haan', 'han', 'ha', 'haa', 'ji', 'ji haan', 'theek hai', 'thik hai', 'हाँ', 'हां', 'जी', 'ठीक है'],
};
const intentOf = new Map<string, TextIntent>(Object.entries(words).flatMap(([intent, list]) => list.map((w) => [w, intent as TextIntent])));

/** What free text means: the keywords are case-insensitive and trimmed; 1–5 (or ⭐s) is a star rating. */
export function classifyText(raw: string): { intent: 'stars'; stars: number } | { intent: Exclude<TextIntent, 'stars'> } {
  const t = norm(raw);
  const digits = /^([1-5])(?: ?(?:stars?|⭐+))?$/u.exec(t);
  if (digits) return { intent: 'stars', stars: Number(digits[1]) };
  const stars = /^⭐{1,5}$/u.exec(t.replace(/ /g, ''));
  if (stars) return { intent: 'stars', stars: [...stars[0]].length };
  const intent = intentOf.get(t);
  return intent && intent !== 'stars' && intent !== 'other' ? { intent } : { intent: 'other' };
}

/** An event with its text classified: the unit of the transition table. */
export type StudentEventKind = Exclude<StudentEvent['type'], 'text'> | `text:${TextIntent}`;
export const studentEventKinds: readonly StudentEventKind[] = [
  'photo',
  ...textIntents.map((i) => `text:${i}` as const),
  ...studentEventTypes.filter((t): t is Exclude<StudentEvent['type'], 'text' | 'photo'> => t !== 'text' && t !== 'photo'),
];

export function studentEventKind(e: StudentEvent): StudentEventKind {
  return e.type === 'text' ? `text:${classifyText(e.text).intent}` : e.type;
}

// ---------- the transition table ----------

export type Outcome = StudentStateName | 'forbidden';

/**
 * state × event kind → the states the event can lead to ('forbidden': ignored and logged).
 * More than one outcome when the event's content decides (a known subject or not, a timer that is due or
 * superseded, a question id that matches or not). Every pair is listed; `decideStudent` never leaves it.
 */
const systemForbidden = {
  timeout: ['forbidden'],
  question_created: ['forbidden'],
  question_failed: ['forbidden'],
  wave: ['forbidden'],
  claimed: ['forbidden'],
  expired: ['forbidden'],
  cancelled: ['forbidden'],
  session_ended: ['forbidden'],
  age_recorded: ['forbidden'],
  paid: ['forbidden'],
} as const satisfies Partial<Record<StudentEventKind, readonly Outcome[]>>;

export const studentTransitions: Record<StudentStateName, Record<StudentEventKind, readonly Outcome[]>> = {
  idle: {
    // A first question: the age is asked first when none is on record; under 13 without consent, nothing is taken.
    photo: ['choosing_subject', 'asking_age', 'awaiting_consent'],
    'text:cancel': ['idle'],
    'text:help': ['idle'],
    'text:status': ['idle'],
    'text:yes': ['idle'],
    'text:stars': ['idle'],
    'text:other': ['idle', 'choosing_subject', 'asking_age', 'awaiting_consent'], // a text question when textOnlyQuestions is on
    subject_page: ['idle'], // a button from an earlier message: explained, nothing changes
    subject_picked: ['idle'],
    subject_chosen: ['idle'],
    confirm: ['idle'],
    change_subject: ['idle'],
    rating: ['idle'],
    unsupported: ['idle'],
    ...systemForbidden,
  },
  choosing_subject: {
    photo: ['choosing_subject'],
    'text:cancel': ['idle'],
    'text:help': ['choosing_subject'],
    'text:status': ['choosing_subject'],
    'text:yes': ['choosing_subject'],
    'text:stars': ['choosing_subject'],
    'text:other': ['choosing_subject', 'confirming'], // added to the question, or a subject's name typed out
    subject_page: ['choosing_subject'],
    subject_picked: ['choosing_subject', 'confirming'], // confirming when the subject has a single level
    subject_chosen: ['confirming', 'choosing_subject'], // choosing again when it isn't in the catalogue
    confirm: ['choosing_subject'],
    change_subject: ['choosing_subject'],
    rating: ['choosing_subject'],
    unsupported: ['choosing_subject'],
    ...systemForbidden,
    timeout: ['idle', 'forbidden'],
  },
  confirming: {
    photo: ['confirming'],
    'text:cancel': ['idle'],
    'text:help': ['confirming'],
    'text:status': ['confirming'],
    'text:yes': ['submitting'],
    'text:stars': ['confirming'],
    'text:other': ['confirming'],
    subject_page: ['choosing_subject'],
    subject_picked: ['choosing_subject', 'confirming'],
    subject_chosen: ['confirming', 'choosing_subject'],
    confirm: ['submitting'],
    change_subject: ['choosing_subject'],
    rating: ['confirming'],
    unsupported: ['confirming'],
    ...systemForbidden,
    timeout: ['idle', 'forbidden'],
  },
  submitting: {
    photo: ['submitting'],
    'text:cancel': ['submitting'], // cancelRequested; cancelled once the question id arrives
    'text:help': ['submitting'],
    'text:status': ['submitting'],
    'text:yes': ['submitting'],
    'text:stars': ['submitting'],
    'text:other': ['submitting'],
    subject_page: ['submitting'],
    subject_picked: ['submitting'],
    subject_chosen: ['submitting'],
    confirm: ['submitting'],
    change_subject: ['submitting'],
    rating: ['submitting'],
    unsupported: ['submitting'],
    ...systemForbidden,
    timeout: ['idle', 'forbidden'],
    question_created: ['waiting', 'idle', 'forbidden'], // idle when cancel was requested; forbidden for another request
    question_failed: ['idle', 'awaiting_payment', 'forbidden'], // awaiting_payment: no plan or credits, the question is kept
  },
  waiting: {
    photo: ['waiting'],
    'text:cancel': ['idle'],
    'text:help': ['waiting'],
    'text:status': ['waiting'],
    'text:yes': ['waiting'],
    'text:stars': ['waiting'],
    'text:other': ['waiting'],
    subject_page: ['waiting'],
    subject_picked: ['waiting'],
    subject_chosen: ['waiting'],
    confirm: ['waiting'],
    change_subject: ['waiting'],
    rating: ['waiting'],
    unsupported: ['waiting'],
    ...systemForbidden,
    wave: ['waiting', 'forbidden'], // forbidden: another question's wave
    claimed: ['in_session', 'forbidden'],
    expired: ['idle', 'forbidden'],
    cancelled: ['idle', 'forbidden'],
  },
  in_session: {
    photo: ['in_session'],
    'text:cancel': ['idle'], // stops following the session here; the session itself goes on
    'text:help': ['in_session'],
    'text:status': ['in_session'],
    'text:yes': ['in_session'],
    'text:stars': ['in_session'],
    'text:other': ['in_session'],
    subject_page: ['in_session'],
    subject_picked: ['in_session'],
    subject_chosen: ['in_session'],
    confirm: ['in_session'],
    change_subject: ['in_session'],
    rating: ['in_session'],
    unsupported: ['in_session'],
    ...systemForbidden,
    session_ended: ['rating', 'forbidden'],
  },
  rating: {
    photo: ['choosing_subject', 'asking_age', 'awaiting_consent'], // a new question; the rating is skipped
    'text:cancel': ['idle'],
    'text:help': ['rating'],
    'text:status': ['rating'],
    'text:yes': ['rating'],
    'text:stars': ['idle'],
    'text:other': ['rating'],
    subject_page: ['rating'],
    subject_picked: ['rating'],
    subject_chosen: ['rating'],
    confirm: ['rating'],
    change_subject: ['rating'],
    rating: ['idle'],
    unsupported: ['rating'],
    ...systemForbidden,
    timeout: ['idle', 'forbidden'],
  },
  asking_age: {
    photo: ['asking_age'], // kept in the draft
    'text:cancel': ['idle'],
    'text:help': ['asking_age'],
    'text:status': ['asking_age'],
    'text:yes': ['asking_age'],
    'text:stars': ['asking_age'], // "5": read as an age (recorded, answered by age_recorded)
    'text:other': ['asking_age'], // an age or a year of birth (recorded), or asked again
    subject_page: ['asking_age'],
    subject_picked: ['asking_age'],
    subject_chosen: ['asking_age'],
    confirm: ['asking_age'],
    change_subject: ['asking_age'],
    rating: ['asking_age'],
    unsupported: ['asking_age'],
    ...systemForbidden,
    timeout: ['idle', 'forbidden'],
    age_recorded: ['choosing_subject', 'idle', 'awaiting_consent'], // the draft goes on; no draft yet; under 13 without consent
  },
  awaiting_consent: {
    // Each event is answered as in idle once identity has the consent on record (`ctx.student.mayAsk`).
    photo: ['awaiting_consent', 'choosing_subject'], // not kept (nor downloaded) before consent
    'text:cancel': ['awaiting_consent', 'idle'],
    'text:help': ['awaiting_consent', 'idle'],
    'text:status': ['awaiting_consent', 'idle'],
    'text:yes': ['awaiting_consent', 'idle'],
    'text:stars': ['awaiting_consent', 'idle'],
    'text:other': ['awaiting_consent', 'idle', 'choosing_subject'], // a guardian's phone or email is recorded
    subject_page: ['awaiting_consent', 'idle'],
    subject_picked: ['awaiting_consent', 'idle'],
    subject_chosen: ['awaiting_consent', 'idle'],
    confirm: ['awaiting_consent', 'idle'],
    change_subject: ['awaiting_consent', 'idle'],
    rating: ['awaiting_consent', 'idle'],
    unsupported: ['awaiting_consent', 'idle'],
    ...systemForbidden,
  },
  awaiting_payment: {
    photo: ['awaiting_payment'],
    'text:cancel': ['idle'],
    'text:help': ['awaiting_payment'],
    'text:status': ['awaiting_payment'],
    'text:yes': ['submitting'], // asks again (paid meanwhile, or told again what to do)
    'text:stars': ['awaiting_payment'],
    'text:other': ['awaiting_payment'],
    subject_page: ['awaiting_payment'],
    subject_picked: ['awaiting_payment'],
    subject_chosen: ['awaiting_payment'],
    change_subject: ['awaiting_payment'],
    confirm: ['submitting'], // the earlier "Yes, send it" still works
    rating: ['awaiting_payment'],
    unsupported: ['awaiting_payment'],
    ...systemForbidden,
    timeout: ['idle', 'forbidden'],
    paid: ['submitting'],
  },
};

// ---------- student decisions ----------

export interface WhatsAppFlowConfig {
  /** At most one "still looking" message per this many ms. */
  waveUpdateMinIntervalMs: number;
  /** A draft (choosing or confirming) with no activity this long is dropped. */
  draftTimeoutMs: number;
  /** An ask with no answer this long is given up (the caller retries the ask with the same requestId until then). */
  submitTimeoutMs: number;
  /** The rating prompt is withdrawn (silently) after this long. */
  ratingTimeoutMs: number;
  /** Photos or text arriving this soon after a prompt (an album, a caption sent separately) get no reply of their own. */
  burstMs: number;
  /** Whether text alone (no photo) can start a question. The ask API needs at least one photo today. */
  textOnlyQuestions: boolean;
  /** Shortest text that starts a text-only question. */
  minQuestionTextChars: number;
  /** A question held for payment is dropped (and the student told) after this long without a payment. */
  paymentWaitMs: number;
}

export const defaultWhatsAppFlowConfig: WhatsAppFlowConfig = {
  waveUpdateMinIntervalMs: 60_000,
  draftTimeoutMs: 15 * 60_000,
  submitTimeoutMs: 2 * 60_000,
  ratingTimeoutMs: 12 * 3600_000,
  burstMs: 15_000,
  textOnlyQuestions: false,
  minQuestionTextChars: 10,
  paymentWaitMs: 2 * 3600_000,
};

/** Longest question text kept (the ask API's limit). */
export const MAX_QUESTION_TEXT = 2000;

export interface StudentContext {
  now: Date;
  subjects: MenuSubject[];
  /** A fresh UUID, used only when a new draft starts (it becomes the ask's requestId). */
  newRequestId: string;
  config: WhatsAppFlowConfig;
  /**
   * What identity knows of the student now: whether an age is on record, whether they may ask (identity's
   * `canAskOrBook`: false for under-13s without a guardian's consent) and the guardian's contact, if any.
   */
  student: { ageKnown: boolean; mayAsk: boolean; guardianContact: string | null };
}

export type StudentAction =
  | { type: 'reply'; message: OutboundMessageSpec }
  | { type: 'ask_question'; requestId: string; draft: Draft; subjectId: string; level: string }
  | { type: 'cancel_question'; questionId: string }
  | { type: 'record_rating'; questionId: string; stars: number }
  /** Record the student's birth date (derived from the age they gave); feed identity's verdict back as `age_recorded`. */
  | { type: 'record_age'; birthDate: string }
  /** Record a parent's or guardian's contact, for the team that asks them for consent. */
  | { type: 'record_guardian'; contact: string }
  /** Deliver `{ type: 'timeout' }` at `at` (ISO). An earlier timer for the same number may be replaced. */
  | { type: 'schedule_timeout'; at: string };

export type ForbiddenReason = 'not_applicable' | 'other_question' | 'other_request' | 'timer_superseded';

export type StudentDecision =
  | { forbidden: false; state: StudentState; actions: StudentAction[] }
  | { forbidden: true; reason: ForbiddenReason; state: StudentStateName; event: StudentEventKind };

const reply = (message: OutboundMessageSpec): StudentAction => ({ type: 'reply', message });
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const SEND_PHOTO = 'Send me a photo 📸 of your question — you can add a few words too.';
const HELP = [
  'Hi! I find you a tutor, fast 👋',
  '1️⃣ Send a photo of your question',
  '2️⃣ Choose the subject',
  '3️⃣ Tap “Yes, send it” — a tutor joins you',
  '',
  'You can send these words any time: status · cancel · help',
].join('\n');

const failureText: Record<QuestionFailure, string> = {
  consent_required: 'A parent or guardian needs to say yes before you can ask. Please ask them to contact us.',
  payment_required: 'You need a plan or question credits to ask.',
  photo_rejected: "Sorry, I couldn't use that photo. Please take a clear photo of just the question and send it again.",
  subject_unavailable: 'Sorry, that subject is not available right now. Send the photo again and pick another subject.',
  rate_limited: "You've asked a lot of questions just now. Please wait a few minutes, then send the photo again.",
  error: 'Sorry, something went wrong sending your question. Please send the photo again.',
};

/** Why the ask failed and what to do; a billing refusal gives the server's next step and a link to choose a plan. */
function failureMessage(event: { reason: QuestionFailure; next?: string; link?: string }): string {
  if (event.reason !== 'payment_required') return failureText[event.reason];
  const why = event.next ?? failureText.payment_required;
  return event.link ? `${why}\nChoose a plan or buy questions here (it logs you in): ${event.link}` : why;
}

const ASK_AGE = 'How old are you? 🎂 Please type your age in years (for example 15).';
const HELD_FOR_PAYMENT = "I've kept your question 📌 It goes to tutors by itself as soon as you've paid. Send cancel to drop it.";

/** Under 13 with no consent on record: what happens next, and the guardian's contact we have (or a request for one). */
function consentText(guardianContact: string | null): string {
  const why = "Because you're under 13, a parent or guardian must agree before you can ask questions here.";
  return guardianContact
    ? `${why} Our team will contact them at ${guardianContact} to ask. Once they have agreed, send your question here again. (To give another phone number or email, just send it.)`
    : `${why} Please send their phone number or email address, and our team will contact them. Once they have agreed, send your question here again.`;
}

function subjectOf(ctx: StudentContext, subjectId: string, level: string) {
  const s = ctx.subjects.find((x) => x.id === subjectId);
  const l = s?.levels.find((x) => x.id === level);
  return s && l ? { subject: s, level: l } : null;
}

function draftSummary(d: Draft): string {
  const parts = [];
  if (d.photoMediaRefs.length) parts.push(`📷 ${plural(d.photoMediaRefs.length, 'photo')}`);
  if (d.text) parts.push(`✍️ “${fit(d.text, 120)}”`);
  return parts.join('\n');
}

function ratingList(tutorName: string, lead = ''): OutboundMessageSpec {
  const labels = ['', 'Bad', 'Not great', 'Okay', 'Good', 'Amazing'];
  return {
    kind: 'list',
    body: fit(`${lead}How was your session with ${tutorName}? Tap “Rate” (or type a number 1–5). It helps other students find great tutors.`, messageLimits.bodyChars),
    button: 'Rate',
    sections: [{ title: 'Your rating', rows: [5, 4, 3, 2, 1].map((n) => ({ id: ids.rate(n), title: `${'⭐'.repeat(n)} ${labels[n]}` })) }],
  };
}

/** The message that tells the student where they are and what to do next. */
export function studentPrompt(state: StudentState, ctx: StudentContext, lead = ''): OutboundMessageSpec {
  switch (state.name) {
    case 'idle':
      return text(`${lead}${SEND_PHOTO}`);
    case 'choosing_subject':
      return subjectList(ctx.subjects, 0, `${lead}Which subject is your question? Tap “Choose subject”.`);
    case 'confirming': {
      const chosen = subjectOf(ctx, state.subjectId, state.level);
      const what = chosen ? `${chosen.subject.name} · ${chosen.level.name}` : `${state.subjectId} · ${levelLabel(state.level)}`;
      return {
        kind: 'buttons',
        body: fit(`${lead}${what}\n${draftSummary(state.draft)}\n\nSend it to a tutor?`, messageLimits.bodyChars),
        buttons: [
          { id: ids.confirm, title: '✅ Yes, send it' },
          { id: ids.changeSubject, title: 'Change subject' },
          { id: ids.cancel, title: 'Cancel' },
        ],
      };
    }
    case 'submitting':
      if (state.cancelRequested) return text(`${lead}I'm cancelling your question — one moment…`);
      return text(`${lead}${state.afterPayment ? 'Payment received ✅ ' : ''}I'm sending your question to tutors — one moment… (Send cancel to stop.)`);
    case 'waiting':
      return text(
        `${lead}Still looking for a tutor 🔎${state.notified ? ` ${plural(state.notified, 'tutor has', 'tutors have')} seen your question.` : ''} ` +
          "I'll message you here as soon as one accepts. Send cancel to stop.",
      );
    case 'in_session':
      return text(`${lead}${state.tutorName} is your tutor. Join here: ${state.joinUrl}\nSend cancel if you don't need help any more.`);
    case 'rating':
      return ratingList(state.tutorName, lead);
    case 'asking_age':
      return text(`${lead}${ASK_AGE}`);
    case 'awaiting_consent':
      return text(`${lead}${consentText(ctx.student.guardianContact)}`);
    case 'awaiting_payment':
      return text(
        `${lead}Your question is saved 📌 It goes to tutors by itself as soon as you've paid${state.link ? ` (choose a plan or buy questions here: ${state.link})` : ''}. Send cancel to drop it.`,
      );
  }
}

const statusLead = (s: StudentState): string => {
  switch (s.name) {
    case 'idle':
      return "You don't have a question open. ";
    case 'choosing_subject':
      return `Your question has ${plural(s.draft.photoMediaRefs.length, 'photo')} so far. `;
    case 'confirming':
      return 'Your question is ready to send.\n';
    case 'rating':
      return 'Your session has ended. ';
    case 'asking_age':
      return s.draft ? `Your question has ${plural(s.draft.photoMediaRefs.length, 'photo')} so far. ` : '';
    default:
      return '';
  }
};

const STALE = 'That button is from an earlier message. ';

/**
 * The next state and what to do, for one event on one student number. Pure: `ctx.now` is the time,
 * `ctx.newRequestId` the id a new draft takes.
 */
export function decideStudent(state: StudentState, event: StudentEvent, ctx: StudentContext): StudentDecision {
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
    return ok(
      { name: 'choosing_subject', draft, expiresAt, promptedAt: nowIso },
      reply(subjectList(ctx.subjects, page, `${lead}Which subject is your question? Tap “Choose subject”.`)),
      { type: 'schedule_timeout', at: expiresAt },
    );
  };
  const confirming = (draft: Draft, subjectId: string, level: string, lead = ''): StudentDecision => {
    const next: StudentState = { name: 'confirming', draft, subjectId, level, expiresAt: after(cfg.draftTimeoutMs), promptedAt: nowIso };
    return ok(next, prompt(next, lead), { type: 'schedule_timeout', at: next.expiresAt });
  };
  const pickSubject = (draft: Draft, subjectId: string): StudentDecision => {
    const s = ctx.subjects.find((x) => x.id === subjectId && x.levels.length > 0);
    if (!s) return choosing(draft, "Sorry, I don't know that subject. ");
    if (s.levels.length === 1) return confirming(draft, s.id, s.levels[0]!.id);
    const expiresAt = after(cfg.draftTimeoutMs);
    return ok(
      { name: 'choosing_subject', draft, expiresAt, promptedAt: nowIso },
      reply(levelList(s, `${s.name} — which class or level? Tap “Choose level”.`)),
      { type: 'schedule_timeout', at: expiresAt },
    );
  };
  const chooseSubject = (draft: Draft, subjectId: string, level: string): StudentDecision =>
    subjectOf(ctx, subjectId, level) ? confirming(draft, subjectId, level) : choosing(draft, "Sorry, that subject isn't available. ");

  /** More photos or words while the draft is open: added, and answered unless it is part of a burst. */
  const addToDraft = (s: Extract<StudentState, { name: 'choosing_subject' | 'confirming' | 'asking_age' }> & { draft: Draft }, photo: MediaRef | null, words: string | null): StudentDecision => {
    let draft = withText(s.draft, words);
    let lead = photo ? `Got it — ${plural(draft.photoMediaRefs.length + 1, 'photo')}. ` : 'Got it, I added that to your question. ';
    let mustTell = false;
    if (photo) {
      if (draft.photoMediaRefs.length < MAX_QUESTION_PHOTOS) draft = { ...draft, photoMediaRefs: [...draft.photoMediaRefs, photo] };
      else {
        mustTell = draft.droppedPhotos === 0; // say it once per burst
        draft = { ...draft, droppedPhotos: draft.droppedPhotos + 1 };
        lead = `You can send up to ${MAX_QUESTION_PHOTOS} photos — I kept the first ${MAX_QUESTION_PHOTOS}. `;
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
  const submit = (s: Extract<StudentState, { name: 'confirming' | 'awaiting_payment' }>, afterPayment = false): StudentDecision => {
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

  const rated = (questionId: string, stars: number): StudentDecision => {
    const thanks = stars >= 4 ? 'Thank you! 🌟 Glad it helped.' : 'Thank you for telling us — it helps us get better.';
    return ok(
      { name: 'idle' },
      { type: 'record_rating', questionId, stars },
      reply(text(`${thanks} Send a photo any time you need help again.`)),
    );
  };

  // Consent recorded since the student was told to wait for it: the conversation is simply idle again.
  if (state.name === 'awaiting_consent' && ctx.student.mayAsk) return decideStudent({ name: 'idle' }, event, ctx);

  // Answered the same way in every state, and never change it.
  if (kind === 'unsupported') return same('Sorry, I can only read text and photos 🙂\n');
  if (kind === 'text:status') return same(statusLead(state));
  if (kind === 'text:help') return state.name === 'idle' ? ok(state, reply(text(`${HELP}\n\n${SEND_PHOTO}`))) : ok(state, reply(text(HELP)), prompt(state));

  switch (state.name) {
    case 'idle':
      switch (event.type) {
        case 'photo':
          return startDraft(withText({ ...newDraft(), photoMediaRefs: [event.media] }, event.caption), 'Got your photo 📸 ');
        case 'text':
          if (kind === 'text:cancel') return same('Nothing to cancel right now. ');
          if (kind === 'text:other' && cfg.textOnlyQuestions && event.text.trim().length >= cfg.minQuestionTextChars)
            return startDraft(withText(newDraft(), event.text), 'Got your question ✍️ ');
          return same('Hi! 👋 ');
        case 'rating':
          return same('Thanks! That rating button has expired. ');
        case 'subject_page':
        case 'subject_picked':
        case 'subject_chosen':
        case 'confirm':
        case 'change_subject':
          return same(STALE);
        default:
          return no();
      }

    case 'choosing_subject':
      switch (event.type) {
        case 'photo':
          return addToDraft(state, event.media, event.caption);
        case 'text': {
          if (kind === 'text:cancel') return toIdle('Okay, cancelled 👍 ');
          if (kind !== 'text:other') return same('Please choose the subject from the list 👇\n');
          const typed = norm(event.text);
          const named = ctx.subjects.find((s) => s.levels.length > 0 && (norm(s.name) === typed || s.id === typed));
          return named ? pickSubject(state.draft, named.id) : addToDraft(state, null, event.text);
        }
        case 'subject_page':
          return choosing(state.draft, '', event.page);
        case 'subject_picked':
          return pickSubject(state.draft, event.subjectId);
        case 'subject_chosen':
          return chooseSubject(state.draft, event.subjectId, event.level);
        case 'confirm':
          return same('First, choose the subject 👇\n');
        case 'change_subject':
          return choosing(state.draft, '');
        case 'rating':
          return same('Thanks! That rating button has expired. ');
        case 'timeout':
          return due(state) ? toIdle("I didn't hear back, so I put your question aside. ") : no('timer_superseded');
        default:
          return no();
      }

    case 'confirming':
      switch (event.type) {
        case 'photo':
          return addToDraft(state, event.media, event.caption);
        case 'text':
          if (kind === 'text:cancel') return toIdle('Okay, cancelled 👍 ');
          if (kind === 'text:other') return addToDraft(state, null, event.text);
          if (kind === 'text:stars') return same('Please tap a button 👇\n');
          return submit(state); // text:yes
        case 'confirm':
          return submit(state);
        case 'subject_page':
          return choosing(state.draft, '', event.page);
        case 'subject_picked':
          return pickSubject(state.draft, event.subjectId);
        case 'subject_chosen':
          return chooseSubject(state.draft, event.subjectId, event.level);
        case 'change_subject':
          return choosing(state.draft, '');
        case 'rating':
          return same('Thanks! That rating button has expired. ');
        case 'timeout':
          return due(state) ? toIdle("I didn't hear back, so I put your question aside. ") : no('timer_superseded');
        default:
          return no();
      }

    case 'submitting':
      switch (event.type) {
        case 'photo':
          return same('You already have a question open — send cancel to start over.\n');
        case 'text':
          if (kind === 'text:cancel' && !state.cancelRequested) {
            const next = { ...state, cancelRequested: true };
            return ok(next, prompt(next, 'Okay. '));
          }
          return same();
        case 'rating':
          return same('Thanks! That rating button has expired. ');
        case 'subject_page':
        case 'subject_picked':
        case 'subject_chosen':
        case 'confirm':
        case 'change_subject':
          return same(STALE);
        case 'timeout':
          if (!due(state)) return no('timer_superseded');
          return toIdle(state.cancelRequested ? 'Cancelled ✅ ' : 'Sorry, something went wrong sending your question. ');
        case 'question_created':
          if (event.requestId !== state.draft.requestId) return no('other_request');
          if (state.cancelRequested) return toIdle('Cancelled ✅ ', { type: 'cancel_question', questionId: event.questionId });
          return ok(
            { name: 'waiting', questionId: event.questionId, notified: 0, notifiedSent: 0, lastUpdateAt: nowIso },
            // One message after a payment too: two sent back to back may arrive in either order.
            reply(text(`${state.afterPayment ? 'Payment received ✅ ' : ''}Finding a tutor for you… 🔎 I'll message you here as soon as one accepts. Send cancel to stop.`)),
          );
        case 'question_failed': {
          if (event.requestId !== state.draft.requestId) return no('other_request');
          if (state.cancelRequested) return toIdle('Cancelled ✅ ');
          if (event.reason !== 'payment_required') return ok({ name: 'idle' }, reply(text(failureMessage(event))));
          // No plan or credits: the question waits for billing's word that it is paid (or for the student to give up).
          const held: StudentState = { name: 'awaiting_payment', draft: state.draft, subjectId: state.subjectId, level: state.level, link: event.link ?? null, expiresAt: after(cfg.paymentWaitMs) };
          return ok(held, reply(text(failureMessage(event))), reply(text(HELD_FOR_PAYMENT)), { type: 'schedule_timeout', at: held.expiresAt });
        }
        default:
          return no();
      }

    case 'waiting':
      switch (event.type) {
        case 'photo':
          return ok(state, reply(text('You already have a question open — tutors are looking at it now. Send cancel to start over.')));
        case 'text':
          if (kind === 'text:cancel') return toIdle('Okay, cancelled ✅ ', { type: 'cancel_question', questionId: state.questionId });
          return same();
        case 'rating':
          return same('Thanks! That rating button has expired. ');
        case 'subject_page':
        case 'subject_picked':
        case 'subject_chosen':
        case 'confirm':
        case 'change_subject':
          return same(STALE);
        case 'wave': {
          if (event.questionId !== state.questionId) return no('other_question');
          const notified = Math.max(state.notified, event.notifiedCount);
          const quietFor = ctx.now.getTime() - Date.parse(state.lastUpdateAt);
          if (notified <= state.notifiedSent || quietFor < cfg.waveUpdateMinIntervalMs) return ok({ ...state, notified });
          const next = { ...state, notified, notifiedSent: notified, lastUpdateAt: nowIso };
          return ok(next, prompt(next));
        }
        case 'claimed':
          if (event.questionId !== state.questionId) return no('other_question');
          return ok(
            { name: 'in_session', questionId: state.questionId, sessionId: event.sessionId, tutorName: event.tutorName, joinUrl: event.joinUrl },
            reply(text(`🎉 ${event.tutorName} accepted your question!\nJoin here: ${event.joinUrl}\nTap the link to start.`)),
          );
        case 'expired':
          if (event.questionId !== state.questionId) return no('other_question');
          return toIdle(expiredWords(event));
        case 'cancelled':
          if (event.questionId !== state.questionId) return no('other_question');
          return toIdle('Your question was cancelled. ');
        default:
          return no();
      }

    case 'in_session':
      switch (event.type) {
        case 'photo':
          return same('You already have a question open — send cancel to start over.\n');
        case 'text':
          if (kind === 'text:cancel') return toIdle(`Okay. Your session with ${state.tutorName} stays open if you still need it, but I won't message you about it. `);
          return same();
        case 'rating':
          return same('Thanks! That rating button has expired. ');
        case 'subject_page':
        case 'subject_picked':
        case 'subject_chosen':
        case 'confirm':
        case 'change_subject':
          return same(STALE);
        case 'session_ended': {
          if (event.questionId !== state.questionId) return no('other_question');
          const next: StudentState = { name: 'rating', questionId: state.questionId, tutorName: state.tutorName, expiresAt: after(cfg.ratingTimeoutMs) };
          return ok(next, prompt(next, 'Your session has ended. '), { type: 'schedule_timeout', at: next.expiresAt });
        }
        default:
          return no();
      }

    case 'rating':
      switch (event.type) {
        case 'photo':
          return startDraft(withText({ ...newDraft(), photoMediaRefs: [event.media] }, event.caption), 'Got your photo 📸 ');
        case 'text': {
          if (kind === 'text:cancel') return toIdle('No problem. ');
          const c = classifyText(event.text);
          if (c.intent === 'stars') return rated(state.questionId, c.stars);
          return same('Please rate your session, or send a new photo for a new question.\n');
        }
        case 'rating':
          return rated(state.questionId, event.stars);
        case 'subject_page':
        case 'subject_picked':
        case 'subject_chosen':
        case 'confirm':
        case 'change_subject':
          return same(STALE);
        case 'timeout':
          return due(state) ? ok({ name: 'idle' }) : no('timer_superseded'); // no reply: the prompt just lapses
        default:
          return no();
      }

    case 'asking_age':
      switch (event.type) {
        case 'photo':
          return addToDraft({ ...state, draft: state.draft ?? newDraft() }, event.media, event.caption);
        case 'text': {
          if (kind === 'text:cancel') return toIdle('Okay, cancelled 👍 ');
          const birthDate = birthDateFromAnswer(event.text, ctx.now);
          // Answered once identity has it on record (age_recorded), with the next step.
          if (birthDate) return ok(state, { type: 'record_age', birthDate });
          return same("Sorry, I didn't get that. ");
        }
        case 'rating':
          return same('Thanks! That rating button has expired. ');
        case 'subject_page':
        case 'subject_picked':
        case 'subject_chosen':
        case 'confirm':
        case 'change_subject':
          return same(STALE);
        case 'timeout':
          if (!due(state)) return no('timer_superseded');
          return state.draft ? toIdle("I didn't hear back, so I put your question aside. ") : ok({ name: 'idle' });
        case 'age_recorded':
          if (!event.mayAsk) return needConsent('Thank you. ');
          return state.draft ? choosing(state.draft, 'Thank you! ') : ok({ name: 'idle' }, prompt({ name: 'idle' }, 'Thank you! '));
        default:
          return no();
      }

    case 'awaiting_consent':
      // Identity has no consent on record (with it, the event went to idle above): nothing is taken or asked.
      switch (event.type) {
        case 'text': {
          const contact = kind === 'text:other' ? parseGuardianContact(event.text) : null;
          if (!contact) return same();
          return ok(
            state,
            { type: 'record_guardian', contact },
            reply(text(`Thank you. Our team will contact your parent or guardian at ${contact} to ask for their consent. Once they have agreed, send your question here again.`)),
          );
        }
        case 'photo':
        case 'rating':
        case 'subject_page':
        case 'subject_picked':
        case 'subject_chosen':
        case 'confirm':
        case 'change_subject':
          return same();
        default:
          return no();
      }

    case 'awaiting_payment':
      switch (event.type) {
        case 'photo':
          return same('You already have a question waiting. ');
        case 'text':
          if (kind === 'text:cancel') return toIdle('Okay, cancelled 👍 ');
          if (kind === 'text:yes') return submit(state);
          return same();
        case 'confirm':
          return submit(state);
        case 'paid':
          return submit(state, true); // "Payment received" comes with the question id, in one message
        case 'rating':
          return same('Thanks! That rating button has expired. ');
        case 'subject_page':
        case 'subject_picked':
        case 'subject_chosen':
        case 'change_subject':
          return same(STALE);
        case 'timeout':
          return due(state) ? toIdle('Your question waited a long time for a payment, so I put it aside. ') : no('timer_superseded');
        default:
          return no();
      }
  }
}

// ---------- tutor numbers ----------

/**
 * Tutor numbers keep no conversation: every message is answered on its own (availability lives in the
 * help module, claims are decided by it), so the only state is `ready`.
 */
export type TutorState = { name: 'ready' };
export const tutorStateNames = ['ready'] as const satisfies readonly TutorState['name'][];

export type TutorEvent =
  | { type: 'text'; text: string }
  | { type: 'accept'; questionId: string }
  | { type: 'unsupported' }
  | { type: 'claim_result'; questionId: string; result: 'won'; joinUrl: string }
  /** `result`: help's refusal reason (decision 039), worded here. */
  | { type: 'claim_result'; questionId: string; result: ClaimRefusal };
export const tutorEventTypes = ['text', 'accept', 'unsupported', 'claim_result'] as const satisfies readonly TutorEvent['type'][];

export type TutorTextIntent = 'online' | 'offline' | 'help' | 'other';
const tutorWords: Record<Exclude<TutorTextIntent, 'other'>, string[]> = {
  online: ['online', 'on', 'available', 'go online', 'i am online', "i'm online", 'start'],
  offline: ['offline', 'off', 'unavailable', 'go offline', 'i am offline', "i'm offline", 'pause', 'stop'],
  help: ['help', 'menu', 'status', 'hi', 'hello', 'madad', 'मदद'],
};
export function classifyTutorText(raw: string): TutorTextIntent {
  const t = norm(raw);
  for (const [intent, list] of Object.entries(tutorWords)) if (list.includes(t)) return intent as TutorTextIntent;
  return 'other';
}

export type TutorEventKind = Exclude<TutorEvent['type'], 'text'> | `text:${TutorTextIntent}`;
export const tutorEventKinds: readonly TutorEventKind[] = ['text:online', 'text:offline', 'text:help', 'text:other', 'accept', 'unsupported', 'claim_result'];
export const tutorEventKind = (e: TutorEvent): TutorEventKind => (e.type === 'text' ? `text:${classifyTutorText(e.text)}` : e.type);

/** Stateless: every event keeps `ready`; nothing is forbidden. */
export const tutorTransitions: Record<TutorState['name'], Record<TutorEventKind, readonly TutorState['name'][]>> = {
  ready: {
    'text:online': ['ready'],
    'text:offline': ['ready'],
    'text:help': ['ready'],
    'text:other': ['ready'],
    accept: ['ready'],
    unsupported: ['ready'],
    claim_result: ['ready'],
  },
};

export type TutorAction =
  | { type: 'reply'; message: OutboundMessageSpec }
  | { type: 'set_availability'; online: boolean }
  /** Claim through the help service; feed its outcome back as `claim_result`. */
  | { type: 'claim'; questionId: string };

export type TutorDecision = { forbidden: false; state: TutorState; actions: TutorAction[] };

const TUTOR_HELP =
  'New questions arrive here with an Accept button — the first tutor to tap it gets the student.\n' +
  'Send online to get questions, offline to pause them.';

export function decideTutor(state: TutorState, event: TutorEvent): TutorDecision {
  const ok = (...actions: TutorAction[]): TutorDecision => ({ forbidden: false, state, actions });
  const say = (t: string): TutorAction => ({ type: 'reply', message: text(t) });
  switch (event.type) {
    case 'text':
      switch (classifyTutorText(event.text)) {
        case 'online':
          return ok({ type: 'set_availability', online: true }, say("You're online ✅ New questions will arrive here. Send offline to pause."));
        case 'offline':
          return ok({ type: 'set_availability', online: false }, say("You're offline ⏸️ No new questions until you send online."));
        case 'help':
          return ok(say(TUTOR_HELP));
        case 'other':
          return ok(say(`I only understand a few words here. ${TUTOR_HELP}`));
      }
      break;
    case 'unsupported':
      return ok(say(`Sorry, I can only read text here. ${TUTOR_HELP}`));
    case 'accept':
      return ok({ type: 'claim', questionId: event.questionId });
    case 'claim_result':
      switch (event.result) {
        case 'won':
          return ok(say(`✅ It's yours! Join the student here: ${event.joinUrl}`));
        // Never offered to them (or skipped, or no such question): told as taken, the same as it has always been.
        case 'not_found':
        case 'taken':
          return ok(say('Another tutor accepted this one first. The next question will come here — keep an eye out!'));
        case 'expired':
        case 'cancelled':
          return ok(say('This question has closed, so it can no longer be accepted.'));
        case 'not_eligible':
          return ok(say("This question isn't one you can take (it's outside your approved subjects)."));
        case 'busy':
          return ok(say('Finish your current session before accepting another question.'));
      }
  }
  return ok();
}

/** The new-question alert a tutor gets (sent by the notification outbox): Accept, or pause alerts. */
export function tutorQuestionAlert(q: { questionId: string; subjectName: string; levelName: string; text: string | null; photoCount: number }): OutboundMessageSpec {
  const lines = [`📚 New question: ${q.subjectName} · ${q.levelName}`];
  if (q.photoCount) lines.push(`📷 ${plural(q.photoCount, 'photo')}`);
  if (q.text) lines.push(`“${fit(q.text, 300)}”`);
  lines.push('', 'Tap Accept to take it — first tutor wins.');
  return {
    kind: 'buttons',
    body: fit(lines.join('\n'), messageLimits.bodyChars),
    buttons: [
      { id: ids.accept(q.questionId), title: 'Accept' },
      { id: ids.tutorOffline, title: 'Pause alerts' },
    ],
  };
}
