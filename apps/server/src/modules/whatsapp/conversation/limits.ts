/** What WhatsApp lets us send: the Cloud API's limits for text and interactive messages, and shortening to fit them. */

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

/** A text message, shortened to fit. */
export const text = (t: string): OutboundMessageSpec => ({ kind: 'text', text: fit(t, messageLimits.textChars) });
