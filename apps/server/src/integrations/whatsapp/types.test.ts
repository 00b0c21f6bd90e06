import { describe, expect, it } from 'vitest';
import { type OutboundMessage, OutboundMessageError, validateOutboundMessage } from './types';

const buttons = (n: number, title = (i: number) => `Option ${i}`) => Array.from({ length: n }, (_, i) => ({ id: `b${i}`, title: title(i) }));
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));

function issuesOf(m: unknown): string {
  try {
    validateOutboundMessage(m as OutboundMessage);
  } catch (err) {
    expect(err).toBeInstanceOf(OutboundMessageError);
    return (err as Error).message;
  }
  throw new Error('expected the message to be rejected');
}

describe('validateOutboundMessage', () => {
  it('accepts messages at the documented limits', () => {
    const ok: OutboundMessage[] = [
      { type: 'text', text: 'x'.repeat(4096) },
      { type: 'text', text: '😀'.repeat(4096) }, // counted in characters, not UTF-16 units
      { type: 'image', link: 'https://cdn.example.com/a.png', caption: 'c'.repeat(1024) },
      { type: 'buttons', body: 'b'.repeat(1024), buttons: buttons(3, (i) => `${i}`.padEnd(20, 'x')), footer: 'f'.repeat(60) },
      { type: 'list', body: 'Pick', button: 'l'.repeat(20), sections: [{ title: 'A', rows: [...rows(9), { id: 'x', title: 't'.repeat(24), description: 'd'.repeat(72) }] }] },
      { type: 'template', name: 'session_reminder', language: 'en_US', bodyParams: ['Aarav'] },
    ];
    for (const m of ok) expect(validateOutboundMessage(m)).toBe(m);
  });

  it.each([
    ['text over 4096', { type: 'text', text: 'x'.repeat(4097) }, 'text must be 1 to 4096 characters'],
    ['empty text', { type: 'text', text: '' }, 'text must be 1 to 4096'],
    ['caption over 1024', { type: 'image', link: 'https://cdn.example.com/a.png', caption: 'c'.repeat(1025) }, 'caption must be 1 to 1024'],
    ['image link not http(s)', { type: 'image', link: 'file:///etc/passwd' }, 'link'],
    ['4 buttons', { type: 'buttons', body: 'b', buttons: buttons(4) }, 'buttons allows at most 3 buttons'],
    ['no buttons', { type: 'buttons', body: 'b', buttons: [] }, 'needs at least 1 button'],
    ['button title over 20', { type: 'buttons', body: 'b', buttons: [{ id: 'a', title: 't'.repeat(21) }] }, 'buttons.0.title must be 1 to 20'],
    ['duplicate button titles', { type: 'buttons', body: 'b', buttons: buttons(2, () => 'Same') }, 'button titles must be unique'],
    ['buttons body over 1024', { type: 'buttons', body: 'b'.repeat(1025), buttons: buttons(1) }, 'body must be 1 to 1024'],
    ['11 rows across sections', { type: 'list', body: 'b', button: 'Go', sections: [{ title: 'A', rows: rows(6) }, { title: 'B', rows: rows(5).map((r) => ({ ...r, id: `${r.id}b` })) }] }, 'at most 10 rows in total (got 11)'],
    ['row title over 24', { type: 'list', body: 'b', button: 'Go', sections: [{ title: 'A', rows: [{ id: 'r', title: 't'.repeat(25) }] }] }, 'sections.0.rows.0.title must be 1 to 24'],
    ['row description over 72', { type: 'list', body: 'b', button: 'Go', sections: [{ title: 'A', rows: [{ id: 'r', title: 't', description: 'd'.repeat(73) }] }] }, 'description must be 1 to 72'],
    ['list button label over 20', { type: 'list', body: 'b', button: 'l'.repeat(21), sections: [{ title: 'A', rows: rows(1) }] }, 'button must be 1 to 20'],
    ['template name with spaces', { type: 'template', name: 'Session Reminder', language: 'en', bodyParams: [] }, 'name must be a template name'],
    ['unknown type', { type: 'video', link: 'x' }, 'type'],
  ])('rejects %s', (_case, message, fragment) => {
    expect(issuesOf(message)).toContain(fragment);
  });

  it('names every broken limit at once', () => {
    const msg = issuesOf({ type: 'buttons', body: '', footer: 'f'.repeat(61), buttons: [...buttons(2), { id: 'b9', title: 't'.repeat(21) }] });
    expect(msg).toMatch(/^Invalid outbound WhatsApp message: /);
    expect(msg).toContain('body must be');
    expect(msg).toContain('footer must be 1 to 60');
    expect(msg).toContain('buttons.2.title');
  });
});
