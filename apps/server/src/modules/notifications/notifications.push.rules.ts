import type { PushPayload } from '@tutorline/contracts';

/** An outbox message (notifications.service's OutboundMessage), as the rules read it. */
type OutboundMessage = { kind: string; text: string; data?: Record<string, unknown> | undefined };

/** How one outbox message goes out as a push: what the notification shows, and how long and how urgently to keep it. */
export interface PushPlan {
  payload: PushPayload;
  /** RFC 8030 TTL: a push service keeps an undelivered message this long (a question alert is worthless after a few minutes). */
  ttlSeconds: number;
  urgency: 'high' | 'normal';
}

const MINUTE = 60;
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** The push for an outbox message (#21): a tutor's question alert carries Accept; a student's accept opens the session. */
export function pushPlanFor(message: OutboundMessage): PushPlan {
  const data = message.data ?? {};
  const base = { kind: message.kind, body: message.text, data, actions: [] as PushPayload['actions'] };
  const questionId = str(data.questionId);
  if (message.kind === 'help.question' && questionId) {
    return {
      payload: { ...base, title: 'New question', url: '/tutor', actions: [{ action: 'accept', title: 'Accept' }], tag: `question:${questionId}` },
      ttlSeconds: 10 * MINUTE,
      urgency: 'high',
    };
  }
  const sessionId = str(data.sessionId);
  if (message.kind === 'help.accepted' && sessionId) {
    return { payload: { ...base, title: 'A tutor accepted your question', url: `/session/${sessionId}`, tag: `question:${questionId ?? sessionId}` }, ttlSeconds: 10 * MINUTE, urgency: 'high' };
  }
  if (message.kind === 'booking_reminder') {
    return { payload: { ...base, title: 'Lesson reminder', url: '/lessons', tag: `booking:${str(data.bookingId) ?? ''}` }, ttlSeconds: 15 * MINUTE, urgency: 'high' };
  }
  if (message.kind.startsWith('booking_') || message.kind.startsWith('lesson_')) {
    return { payload: { ...base, title: 'Your lessons', url: '/lessons' }, ttlSeconds: 24 * 60 * MINUTE, urgency: 'normal' };
  }
  return { payload: { ...base, title: 'Tutorline', url: '/' }, ttlSeconds: 24 * 60 * MINUTE, urgency: 'normal' };
}

/** What a push service's answer means (RFC 8030 §6–8): delivered, the subscription is gone, try again later, or give up. */
export type PushOutcome = 'sent' | 'gone' | 'retry' | 'refused';
export function pushOutcome(status: number | null): PushOutcome {
  if (status === null) return 'retry'; // no answer: a network error or a timeout
  if (status >= 200 && status < 300) return 'sent';
  if (status === 404 || status === 410) return 'gone';
  if (status === 429 || status >= 500) return 'retry';
  return 'refused';
}

/** A subscription's endpoint the server may post to: https in production (any push service), http too in development and tests. */
export function endpointAllowed(endpoint: string, httpsOnly: boolean): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  return url.protocol === 'https:' || (!httpsOnly && url.protocol === 'http:');
}
