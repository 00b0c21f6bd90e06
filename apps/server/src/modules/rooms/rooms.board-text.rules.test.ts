import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardTextsOf } from './rooms.board-text.rules';

const updateOf = (edit: (elements: Y.Map<unknown>) => void, doc = new Y.Doc()) => {
  const before = Y.encodeStateVector(doc);
  doc.transact(() => edit(doc.getMap('elements')));
  return { doc, update: Y.encodeStateAsUpdate(doc, before) };
};

describe('boardTextsOf (#20): the text elements a board update writes', () => {
  it('reads a new text element and a later edit of it, without the rest of the doc', () => {
    const { doc, update } = updateOf((m) => m.set('t1', { id: 't1', type: 'text', text: 'x + 2 = 5', version: 1 }));
    expect(boardTextsOf(update)).toEqual([{ id: 't1', text: 'x + 2 = 5' }]);
    const edit = updateOf((m) => m.set('t1', { id: 't1', type: 'text', text: 'call me 98765 43210', version: 2 }), doc).update;
    expect(boardTextsOf(edit)).toEqual([{ id: 't1', text: 'call me 98765 43210' }]);
  });
  it('ignores shapes, deleted text, other maps and bytes that are not an update', () => {
    const { update } = updateOf((m) => {
      m.set('r1', { id: 'r1', type: 'rectangle' });
      m.set('t2', { id: 't2', type: 'text', text: 'gone', isDeleted: true });
    });
    expect(boardTextsOf(update)).toEqual([]);
    expect(boardTextsOf(new Uint8Array([1, 2, 3, 250]))).toEqual([]);
  });
});
