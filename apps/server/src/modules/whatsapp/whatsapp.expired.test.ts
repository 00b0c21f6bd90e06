import { describe, expect, it } from 'vitest';
import { subjectsCatalogue } from '../identity/subjects.catalogue';
import { decideStudent, defaultWhatsAppFlowConfig, type StudentState, toMenuSubjects } from './conversation';

/** A question that reached nobody tells the WhatsApp student why, and that their credit came back (issue #13, item 4). */
describe('a waiting WhatsApp student whose question closed unanswered', () => {
  const now = new Date('2026-12-07T10:00:00Z');
  const ctx = { now, subjects: toMenuSubjects(subjectsCatalogue), newRequestId: 'req-new', config: defaultWhatsAppFlowConfig, student: { ageKnown: true, mayAsk: true, guardianContact: null } };
  const waiting: StudentState = { name: 'waiting', questionId: 'q1', notified: 0, notifiedSent: 0, lastUpdateAt: now.toISOString() };
  const textOf = (event: Parameters<typeof decideStudent>[1]) => {
    const d = decideStudent(waiting, event, ctx);
    if (d.forbidden) throw new Error(`refused: ${d.reason}`);
    expect(d.state).toEqual({ name: 'idle' });
    return JSON.stringify(d.actions);
  };

  it('says nobody teaches it, and that the credit was given back', () => {
    expect(textOf({ type: 'expired', questionId: 'q1', reason: 'no_tutors', refunded: true })).toMatch(/no tutor teaches that subject at that level yet, so your question was not sent to anyone\. Your question credit was given back\./);
  });
  it('says no tutor was online, without a credit line when nothing was used', () => {
    const text = textOf({ type: 'expired', questionId: 'q1', reason: 'nobody_reached', refunded: false });
    expect(text).toMatch(/no tutor who teaches it was online, so nobody saw your question\./);
    expect(text).not.toMatch(/credit/);
  });
  it('keeps the old words when tutors were told but none was free', () => {
    expect(textOf({ type: 'expired', questionId: 'q1' })).toMatch(/no tutor was free in time/);
  });
});
