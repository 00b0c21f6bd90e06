import { MAX_QUESTION_PHOTOS, type QuestionCloseReason } from '@tutorline/contracts';
import { z } from 'zod';
import type { AskRefusal, UploadRefusal } from '../../help';
import type { QuestionFailure } from './copy';
import { classifyText, type TextIntent, textIntents } from './intents';
import type { OutboundMessageSpec } from './limits';
import type { MenuSubject } from './menus';

/**
 * The student's conversation as data: the stored state (JSON in wa_contacts), the events that move it, the actions a
 * decision asks the caller to perform, and what the caller passes in (the time, the menu, what identity knows).
 */

// ---------- stored state ----------

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
export type StateOf<S extends StudentStateName> = Extract<StudentState, { name: S }>;
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

// ---------- events ----------

export type { QuestionFailure } from './copy';

/** What the student is told for each of help's refusals of an upload or an ask (decision 039): by the reason alone. */
export const questionFailureOf: Record<UploadRefusal | AskRefusal, Exclude<QuestionFailure, 'error'>> = {
  consent_required: 'consent_required',
  guardian_limit: 'guardian_limit',
  payment_required: 'payment_required',
  rate_limited: 'rate_limited',
  photo_rejected: 'photo_rejected',
  unknown_photo: 'photo_rejected',
  unknown_subject: 'subject_unavailable',
  // WhatsApp never asks in an LMS course (only the web's "Instant help" link does): worded as a subject not offered here.
  not_in_course: 'subject_unavailable',
};

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

/** An event with its text classified: the unit of the transition table. */
export type StudentEventKind = Exclude<StudentEvent['type'], 'text'> | `text:${TextIntent}`;
export const studentEventKinds: readonly StudentEventKind[] = [
  'photo',
  ...textIntents.map((i) => `text:${i}` as const),
  ...studentEventTypes.filter((t): t is Exclude<StudentEvent['type'], 'text' | 'photo'> => t !== 'text' && t !== 'photo'),
];
/** The event a kind stands for (every `text:…` kind is a text event). */
export type EventOf<K extends StudentEventKind> = K extends `text:${string}` ? Extract<StudentEvent, { type: 'text' }> : Extract<StudentEvent, { type: K }>;

export function studentEventKind(e: StudentEvent): StudentEventKind {
  return e.type === 'text' ? `text:${classifyText(e.text).intent}` : e.type;
}

// ---------- deciding ----------

/** Where an event can lead: a state, or 'forbidden' (ignored and logged). */
export type Outcome = StudentStateName | 'forbidden';

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
