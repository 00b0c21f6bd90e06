import * as Y from 'yjs';

/**
 * The text of the board's text elements that a Yjs update writes (#20: contact details on the board). The board doc
 * holds a Y.Map 'elements' of whole Excalidraw elements as JSON (y-excalidraw.ts), so an update that adds or edits a
 * text element carries that element whole: read from the update itself, no doc needed. Pure.
 */
export function boardTextsOf(update: Uint8Array): { id: string; text: string }[] {
  let structs: ReturnType<typeof Y.decodeUpdate>['structs'];
  try {
    structs = Y.decodeUpdate(update).structs;
  } catch {
    return [];
  }
  const out: { id: string; text: string }[] = [];
  for (const s of structs) {
    if (!(s instanceof Y.Item) || !(s.content instanceof Y.ContentAny)) continue;
    for (const value of s.content.getContent()) {
      if (!value || typeof value !== 'object') continue;
      const el = value as { id?: unknown; type?: unknown; text?: unknown; isDeleted?: unknown };
      if (el.type === 'text' && typeof el.text === 'string' && el.text.trim() && el.isDeleted !== true) out.push({ id: typeof el.id === 'string' ? el.id : (s.parentSub ?? ''), text: el.text });
    }
  }
  return out;
}
