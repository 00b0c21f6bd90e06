import { inflateSync } from 'node:zlib';

/**
 * A careful check that an uploaded PDF carries nothing active (decision 063). It does not render or trust the file; it
 * reads every name token, in the file's bytes and inside every compressed object stream, decodes `#xx` escapes (so
 * `/J#61vaScript` is `/JavaScript`), and refuses a file holding any of the names that make a PDF act on its own:
 * scripts, automatic actions, launching programs, embedded files and forms. What it cannot read (encrypted files,
 * object streams in another compression) it refuses instead of guessing.
 */
export type PdfVerdict = { ok: true } | { ok: false; reason: 'not_a_pdf' | 'active_content' | 'encrypted' | 'unreadable'; message: string; found?: string };

/** Names whose presence anywhere makes a PDF active. /JS and /AA are checked with their value (below), to keep binary noise out. */
const ALWAYS_ACTIVE = new Set(['JavaScript', 'Launch', 'EmbeddedFile', 'EmbeddedFiles', 'RichMedia', 'XFA', 'SubmitForm', 'ImportData', 'GoToE']);
/** Short names flagged when followed by the kind of value they take: a string, a dictionary, a stream or an object reference. */
const KEYS_WITH_VALUE = new Set(['JS', 'AA', 'OpenAction']);
/** Decompressed bytes we are willing to look at in one file (against zip bombs). */
const MAX_INFLATED = 64 * 1024 * 1024;

const isWhite = (c: string | undefined) => c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\f' || c === '\0';

/** Decodes a name's `#xx` escapes; a malformed escape stays as written. */
export function decodeName(raw: string): string {
  return raw.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Every name token in the text, decoded, with the position just after it. */
function* names(text: string): Generator<{ name: string; end: number }> {
  const re = /\/([^\s()<>[\]{}/%\0]*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) yield { name: decodeName(m[1]!), end: re.lastIndex };
}

function valueFollows(text: string, at: number, name: string): boolean {
  let i = at;
  while (i < text.length && isWhite(text[i])) i++;
  const c = text[i];
  if (c === undefined) return false;
  if (name === 'OpenAction') {
    // [page /Fit] (a destination) is harmless; an action dictionary or a reference to one is judged by what it holds,
    // which is scanned like everything else, except when the dictionary is inline: look inside it now.
    if (text.startsWith('<<', i)) {
      const end = text.indexOf('>>', i);
      const inner = text.slice(i + 2, end < 0 ? undefined : end);
      for (const n of names(inner)) if (n.name === 'S') return !/^\s*\/(GoTo|Named)\b/.test(decodeName(inner.slice(n.end)));
    }
    return false;
  }
  return c === '(' || c === '<' || (c >= '0' && c <= '9');
}

function activeName(text: string): string | undefined {
  for (const { name, end } of names(text)) {
    if (ALWAYS_ACTIVE.has(name)) return name;
    if (KEYS_WITH_VALUE.has(name) && valueFollows(text, end, name)) return name;
  }
  return undefined;
}

interface RawStream {
  dict: string;
  data: Buffer;
}

/** Every `stream … endstream` body with the dictionary before it. Reads by keyword, not by the (forgeable) /Length. */
function streamsOf(bytes: Buffer, text: string): RawStream[] {
  const out: RawStream[] = [];
  const re = /stream(\r\n|\n|\r)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (text.slice(Math.max(0, m.index - 3), m.index) === 'end') continue;
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    const objAt = text.lastIndexOf('obj', m.index);
    const dict = text.slice(objAt < 0 ? Math.max(0, m.index - 4096) : objAt, m.index);
    out.push({ dict, data: bytes.subarray(start, end) });
    re.lastIndex = end + 'endstream'.length;
  }
  return out;
}

const dictNames = (dict: string) => [...names(dict)].map((n) => n.name);

export function checkPdf(bytes: Buffer): PdfVerdict {
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') return { ok: false, reason: 'not_a_pdf', message: 'This file is not a PDF.' };
  if (!bytes.subarray(Math.max(0, bytes.length - 2048)).toString('latin1').includes('%%EOF')) {
    return { ok: false, reason: 'unreadable', message: 'This PDF is incomplete (it has no end). Please save or export it again.' };
  }
  const text = bytes.toString('latin1');
  const refused = (found: string): PdfVerdict => ({
    ok: false,
    reason: 'active_content',
    found,
    message: `This PDF contains active content (${found}) and cannot be accepted. Please print it to a new PDF, or send a photo of the document instead.`,
  });
  const found = activeName(text);
  if (found) return refused(found);
  const all = [...names(text)].map((n) => n.name);
  if (all.includes('Encrypt')) return { ok: false, reason: 'encrypted', message: 'Password-protected PDFs cannot be checked. Please send the document without a password, or a photo of it.' };

  let inflated = 0;
  for (const s of streamsOf(bytes, text)) {
    const dn = dictNames(s.dict);
    const objectStream = dn.includes('ObjStm');
    const filters = dn.filter((n) => n.endsWith('Decode'));
    if (!objectStream) continue;
    // An object stream holds dictionaries a reader will use: it must be readable here, or the file is refused.
    if (filters.length > 1 || (filters.length === 1 && filters[0] !== 'FlateDecode')) {
      return { ok: false, reason: 'unreadable', message: 'This PDF uses a compression that cannot be checked. Please print it to a new PDF, or send a photo of the document instead.' };
    }
    let body: Buffer;
    try {
      body = filters.length ? inflateSync(s.data, { maxOutputLength: MAX_INFLATED - inflated }) : s.data;
    } catch {
      return { ok: false, reason: 'unreadable', message: 'Part of this PDF is damaged and cannot be checked. Please save or export it again.' };
    }
    inflated += body.length;
    const inner = body.toString('latin1');
    const hidden = activeName(inner);
    if (hidden) return refused(hidden);
  }
  return { ok: true };
}

export type DocumentSniff = 'pdf' | 'image' | 'unknown';

/** What a file is by its first bytes, never by its name or the browser's claim. */
export function sniffDocument(bytes: Buffer): DocumentSniff {
  const head = bytes.subarray(0, 16);
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image';
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image';
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') return 'image';
  if (head.subarray(4, 8).toString('latin1') === 'ftyp') return 'image';
  return 'unknown';
}
