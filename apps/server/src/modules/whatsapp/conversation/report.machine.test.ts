import { describe, expect, it } from 'vitest';
import { categoryFrom, decideReport, REPORT_FLOW_MS, type ReportFlow } from './report.machine';

const now = new Date('2026-12-07T10:00:00.000Z');
const last = { sessionId: 's1', otherName: 'Ravi' };
const text = (t: string) => ({ kind: 'text' as const, text: t });

describe('the WhatsApp report flow (#20)', () => {
  it('starts only on the keyword (any case, Hindi too); other text is not its business', () => {
    expect(decideReport(null, text('hello'), { now, lastSession: last })).toEqual({ handled: false });
    expect(decideReport(null, { kind: 'other' }, { now, lastSession: last })).toEqual({ handled: false });
    for (const word of ['REPORT', ' report. ', 'शिकायत']) expect(decideReport(null, text(word), { now, lastSession: last })).toMatchObject({ handled: true, flow: { step: 'category', sessionId: 's1' } });
  });
  it('without a session says so and opens nothing', () => {
    expect(decideReport(null, text('report'), { now, lastSession: null })).toMatchObject({ handled: true, flow: null, reply: expect.stringContaining('no session to report') });
  });
  it('takes a category by number or id, asks again (unchanged) for anything else, then files the text', () => {
    const start = decideReport(null, text('report'), { now, lastSession: last });
    const flow = (start as { flow: ReportFlow }).flow;
    expect(decideReport(flow, text('42'), { now, lastSession: null })).toMatchObject({ flow, reply: expect.stringContaining('not one of the categories') });
    expect(decideReport(flow, { kind: 'other' }, { now, lastSession: null })).toMatchObject({ flow });
    const picked = decideReport(flow, text('2'), { now, lastSession: null });
    expect(picked).toMatchObject({ flow: { step: 'text', category: 'inappropriate_language' } });
    const filed = decideReport((picked as { flow: ReportFlow }).flow, text('  he swore at me  '), { now, lastSession: null });
    expect(filed).toMatchObject({ flow: null, file: { sessionId: 's1', category: 'inappropriate_language', text: 'he swore at me' } });
    expect(categoryFrom('grooming')).toBe('grooming');
    expect(categoryFrom('0')).toBeNull();
  });
  it('CANCEL ends it; a lapsed flow is gone', () => {
    const flow: ReportFlow = { step: 'category', sessionId: 's1', otherName: 'Ravi', expiresAt: new Date(now.getTime() + 1000).toISOString() };
    expect(decideReport(flow, text('cancel'), { now, lastSession: null })).toMatchObject({ flow: null, reply: expect.stringContaining('Nothing was sent') });
    const later = new Date(now.getTime() + REPORT_FLOW_MS);
    expect(decideReport(flow, text('2'), { now: later, lastSession: null })).toEqual({ handled: false });
  });
});
