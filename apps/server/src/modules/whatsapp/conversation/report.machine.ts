import { type ReportCategory, reportCategories } from '@tutorline/contracts';
import { z } from 'zod';
import { norm } from './intents';

/**
 * Reporting the other person of one's last session from WhatsApp (#20), for students and tutors alike: REPORT, then a
 * category from a numbered list, then what happened in one message. A flow of its own beside the role machines: it
 * starts only on the keyword, holds the number's next messages until it ends, and lapses after REPORT_FLOW_MS.
 */
export const REPORT_FLOW_MS = 30 * 60_000;
const REPORT_WORDS = new Set(['report', 'complaint', 'shikayat', 'शिकायत', 'रिपोर्ट']);
const CANCEL_WORDS = new Set(['cancel', 'stop', 'radd', 'रद्द']);
export const REPORT_TEXT_MAX = 2000;

export const reportFlowSchema = z.discriminatedUnion('step', [
  z.object({ step: z.literal('category'), sessionId: z.string(), otherName: z.string(), expiresAt: z.string() }),
  z.object({ step: z.literal('text'), sessionId: z.string(), otherName: z.string(), category: z.enum(reportCategories), expiresAt: z.string() }),
]);
export type ReportFlow = z.infer<typeof reportFlowSchema>;

export const reportCategoryWords: Record<ReportCategory, string> = {
  contact_request: 'Asked for my phone, social media or to meet outside Tutorline',
  inappropriate_language: 'Rude or inappropriate language',
  sexual_content: 'Sexual messages or content',
  grooming: 'Trying to get too close to a child, or asking to keep secrets',
  threats: 'Threats',
  harassment: 'Harassment or bullying',
  other: 'Something else',
};

export type ReportInput = { kind: 'text'; text: string } | { kind: 'other' };
export interface ReportContext {
  now: Date;
  /** The sender's last session and the other person in it (null: none). */
  lastSession: { sessionId: string; otherName: string } | null;
}
export type ReportDecision =
  /** Not for this flow: the role machine handles the message. */
  | { handled: false }
  | { handled: true; flow: ReportFlow | null; reply: string; file?: { sessionId: string; category: ReportCategory; text: string } };

export const isReportKeyword = (text: string) => REPORT_WORDS.has(norm(text));
const active = (flow: ReportFlow | null, now: Date): flow is ReportFlow => flow !== null && Date.parse(flow.expiresAt) > now.getTime();

function categoryList(otherName: string): string {
  const lines = reportCategories.map((c, i) => `${i + 1}. ${reportCategoryWords[c]}`);
  return `You are reporting ${otherName}, from your last session. What happened? Reply with a number:\n${lines.join('\n')}\n\nReply CANCEL to stop.`;
}

/** A number from the list, or a category's id or words. */
export function categoryFrom(text: string): ReportCategory | null {
  const t = norm(text);
  const n = /^(\d{1,2})$/.exec(t);
  if (n) return reportCategories[Number(n[1]) - 1] ?? null;
  return reportCategories.find((c) => c === t.replace(/ /g, '_') || norm(reportCategoryWords[c]) === t) ?? null;
}

export function decideReport(stored: ReportFlow | null, input: ReportInput, ctx: ReportContext): ReportDecision {
  const flow = active(stored, ctx.now) ? stored : null;
  const text = input.kind === 'text' ? input.text.trim() : null;
  const expiresAt = new Date(ctx.now.getTime() + REPORT_FLOW_MS).toISOString();
  if (!flow) {
    if (text === null || !isReportKeyword(text)) return { handled: false };
    if (!ctx.lastSession) return { handled: true, flow: null, reply: 'There is no session to report yet: you can report the other person of a session you have had. If you are in danger, contact local emergency services.' };
    return { handled: true, flow: { step: 'category', ...ctx.lastSession, expiresAt }, reply: categoryList(ctx.lastSession.otherName) };
  }
  if (text !== null && CANCEL_WORDS.has(norm(text))) return { handled: true, flow: null, reply: 'Report cancelled. Nothing was sent.' };
  if (flow.step === 'category') {
    const category = text === null ? null : categoryFrom(text);
    if (!category) return { handled: true, flow, reply: `That is not one of the categories. Reply with a number from 1 to ${reportCategories.length}, or CANCEL.` };
    return { handled: true, flow: { step: 'text', sessionId: flow.sessionId, otherName: flow.otherName, category, expiresAt }, reply: `${reportCategoryWords[category]}. Now tell us in one message what happened. Our safety team reads every report.` };
  }
  if (!text) return { handled: true, flow, reply: 'Please describe what happened in a text message, or reply CANCEL.' };
  return { handled: true, flow: null, reply: '', file: { sessionId: flow.sessionId, category: flow.category, text: text.slice(0, REPORT_TEXT_MAX) } };
}
