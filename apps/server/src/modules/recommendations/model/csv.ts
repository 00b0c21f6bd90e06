/**
 * Loads interactions from CSV text (#17, RECS_DATA): columns student_id,tutor_id,subject,ts,kind,value, with or
 * without that header (with it, the columns may come in any order). A row with an unknown kind, a bad date, a value
 * that is not a number, an empty id or the wrong number of fields is refused with its line number, and the rest still
 * loads. Pure: it takes the file's text, not its path.
 */
import { type Interaction, interactionKinds, isInteractionKind } from './interactions';

const columns = ['student_id', 'tutor_id', 'subject', 'ts', 'kind', 'value'] as const;
type Column = (typeof columns)[number];

/** Splits one CSV line into fields (RFC 4180 quoting: "a, b" and "" for a quote); null when a quote is left open. */
export function splitCsvLine(line: string): string[] | null {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === ',') {
      out.push(field.trim());
      field = '';
    } else field += c;
    i++;
  }
  if (quoted) return null;
  out.push(field.trim());
  return out;
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * An ISO 8601 date or date-time as a Date, or null. A time without an offset is read as UTC (never the machine's
 * zone), and impossible dates (2026-02-30, 25:00) are refused rather than rolled over.
 */
export function parseIsoTimestamp(s: string): Date | null {
  const m = isoDate.exec(s);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', sec = '00', offset] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return null;
  if (day > new Date(Date.UTC(Number(y), month, 0)).getUTCDate()) return null;
  const normalised = m[4] === undefined ? `${s}T00:00:00Z` : offset === undefined ? `${s.replace(' ', 'T')}Z` : s.replace(' ', 'T');
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? null : new Date(ms);
}

export function parseInteractionsCsv(text: string): { rows: Interaction[]; refused: Array<{ line: number; reason: string }> } {
  const rows: Interaction[] = [];
  const refused: Array<{ line: number; reason: string }> = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let order: Record<Column, number> = { student_id: 0, tutor_id: 1, subject: 2, ts: 3, kind: 4, value: 5 };
  lines.forEach((raw, k) => {
    const line = k + 1;
    if (raw.trim() === '') return;
    const fields = splitCsvLine(raw);
    if (!fields) return refused.push({ line, reason: 'a quoted field is not closed' });
    if (k === 0 && fields.some((f) => f.toLowerCase() === 'student_id')) {
      const names = fields.map((f) => f.toLowerCase());
      const missing = columns.filter((c) => !names.includes(c));
      if (missing.length) return refused.push({ line, reason: `header lacks ${missing.join(', ')}` });
      order = Object.fromEntries(columns.map((c) => [c, names.indexOf(c)])) as Record<Column, number>;
      return;
    }
    if (fields.length < columns.length) return refused.push({ line, reason: `expected ${columns.length} fields, found ${fields.length}` });
    const get = (c: Column) => fields[order[c]]!;
    for (const c of ['student_id', 'tutor_id', 'subject'] as const) if (!get(c)) return refused.push({ line, reason: `${c} is empty` });
    const kind = get('kind').toLowerCase();
    if (!isInteractionKind(kind)) return refused.push({ line, reason: `unknown kind "${get('kind')}" (expected one of ${interactionKinds.join(', ')})` });
    const ts = parseIsoTimestamp(get('ts'));
    if (!ts) return refused.push({ line, reason: `bad date "${get('ts')}" (expected ISO 8601)` });
    const value = get('value') === '' ? Number.NaN : Number(get('value'));
    if (!Number.isFinite(value)) return refused.push({ line, reason: `value "${get('value')}" is not a number` });
    rows.push({ studentId: get('student_id'), tutorId: get('tutor_id'), subject: get('subject'), ts, kind, value });
  });
  return { rows, refused };
}
