import { describe, expect, it } from 'vitest';
import { endpointAllowed, pushOutcome, pushPlanFor } from './notifications.push.rules';

describe('push rules (#21)', () => {
  it("gives a tutor's question alert an Accept action, a tag per question and a short, urgent TTL", () => {
    const plan = pushPlanFor({ kind: 'help.question', text: 'New maths question', data: { questionId: 'q1' } });
    expect(plan).toMatchObject({ urgency: 'high', ttlSeconds: 600, payload: { title: 'New question', url: '/tutor', tag: 'question:q1', actions: [{ action: 'accept', title: 'Accept' }], data: { questionId: 'q1' } } });
  });
  it("opens the session from a student's accepted push, and the lessons from a reminder", () => {
    expect(pushPlanFor({ kind: 'help.accepted', text: 'x', data: { questionId: 'q1', sessionId: 's1' } }).payload).toMatchObject({ url: '/session/s1', actions: [] });
    expect(pushPlanFor({ kind: 'booking_reminder', text: 'x', data: { bookingId: 'b1' } })).toMatchObject({ urgency: 'high', payload: { url: '/lessons', title: 'Lesson reminder' } });
    expect(pushPlanFor({ kind: 'support.reply', text: 'x' })).toMatchObject({ urgency: 'normal', payload: { url: '/', actions: [] } });
  });
  it('reads a push service answer: 2xx sent, 404/410 gone, 429/5xx/no answer retry, other 4xx refused', () => {
    expect([201, 404, 410, 429, 500, 503, null, 400, 401, 413].map(pushOutcome)).toEqual(['sent', 'gone', 'gone', 'retry', 'retry', 'retry', 'retry', 'refused', 'refused', 'refused']);
  });
  it('allows http endpoints only outside production', () => {
    expect(endpointAllowed('https://fcm.googleapis.com/fcm/send/x', true)).toBe(true);
    expect(endpointAllowed('http://127.0.0.1:9/push/x', true)).toBe(false);
    expect(endpointAllowed('http://127.0.0.1:9/push/x', false)).toBe(true);
    expect(endpointAllowed('ftp://x/y', false)).toBe(false);
  });
});
