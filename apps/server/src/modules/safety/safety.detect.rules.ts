/**
 * Contact details and off-platform moves in text that crosses between users (issue #20): phone numbers (digits,
 * Devanagari digits, English and Hindi digit words, spaced, dotted or with a few words between), emails (also
 * "name at gmail dot com"), social handles, payment handles (UPI, paytm, gpay, paypal.me) and links. Pure: text in,
 * spans out. Normal tutoring text (equations, years, prices, times, lists of exercises) must pass untouched.
 */

export type ContactCategory = 'phone' | 'email' | 'social' | 'payment' | 'link';

export interface ContactMatch {
  /** UTF-16 offsets into the text, end exclusive. */
  start: number;
  end: number;
  category: ContactCategory;
}

export const MASK = '•••';

// ---- phone numbers ---------------------------------------------------------------------------------------------

const WORD_DIGITS: Record<string, string> = {
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
  // Romanised Hindi ("do" and "no" are left out: they are English words far more often).
  shunya: '0', ek: '1', teen: '3', char: '4', paanch: '5', panch: '5', chhe: '6', chhah: '6', saat: '7', aath: '8', nau: '9',
  // Devanagari.
  'शून्य': '0', 'एक': '1', 'दो': '2', 'तीन': '3', 'चार': '4', 'पाँच': '5', 'पांच': '5', 'छह': '6', 'छः': '6', 'छे': '6', 'सात': '7', 'आठ': '8', 'नौ': '9',
};
const REPEATERS: Record<string, number> = { double: 2, triple: 3 };
const wordAlternatives = [...Object.keys(WORD_DIGITS), ...Object.keys(REPEATERS)].sort((a, b) => b.length - a.length).join('|');
/** One digit (ASCII or Devanagari) or a digit word standing alone (digits may touch it: "nine8seven"). */
const DIGIT_TOKEN = new RegExp(`([0-9०-९])|(?<![\\p{L}\\p{M}])(${wordAlternatives})(?![\\p{L}\\p{M}])`, 'giu');
/** What may sit between two digits of one number: separators, and at most two short words ("98765 hello 43210"). */
const GAP_SEPARATORS = /^[\s.\-–—()_/|,*#~'"\\]*$/u;
const GAP_WORD = /[\p{L}\p{M}]+/gu;

interface DigitToken {
  start: number;
  end: number;
  digits: string;
  spelled: boolean;
  repeat: number;
}

/** Where digits are part of a name ("riya_22", "2x", "class10") rather than of a number: words mixing digits with other letters. */
function digitsInNames(text: string): Set<number> {
  const inNames = new Set<number>();
  for (const w of text.matchAll(/[\p{L}\p{M}0-9०-९_]+/gu)) {
    const word = w[0];
    if (!/[0-9०-९]/.test(word) || !/[\p{L}_]/u.test(word)) continue;
    const letters = word.split(/[0-9०-९]+/).filter(Boolean);
    if (letters.every((l) => l.toLowerCase() in WORD_DIGITS || l.toLowerCase() in REPEATERS || l in WORD_DIGITS)) continue;
    for (let i = 0; i < word.length; i++) inNames.add(w.index + i);
  }
  return inNames;
}

function digitTokens(text: string): DigitToken[] {
  const out: DigitToken[] = [];
  const inNames = digitsInNames(text);
  for (const m of text.matchAll(DIGIT_TOKEN)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[1] !== undefined) {
      if (inNames.has(start)) continue;
      const c = m[1];
      const digit = c >= '०' && c <= '९' ? String(c.charCodeAt(0) - '०'.charCodeAt(0)) : c;
      out.push({ start, end, digits: digit, spelled: c >= '०' && c <= '९', repeat: 0 });
    } else {
      const word = m[2]!.toLowerCase();
      if (word in REPEATERS) out.push({ start, end, digits: '', spelled: true, repeat: REPEATERS[word]! });
      else out.push({ start, end, digits: WORD_DIGITS[word] ?? WORD_DIGITS[m[2]!]!, spelled: true, repeat: 0 });
    }
  }
  return out;
}

/** How two digit tokens are joined: 'none' (touching), 'separator', 'words' (a few words between), or null (the number ends). */
function gapKind(gap: string): 'none' | 'separator' | 'words' | null {
  if (gap === '') return 'none';
  if (gap.length > 40) return null;
  const words = gap.match(GAP_WORD) ?? [];
  if (!words.length) return GAP_SEPARATORS.test(gap) ? 'separator' : null;
  if (words.length > 2 || words.some((w) => w.length > 12)) return null;
  return GAP_SEPARATORS.test(gap.replace(GAP_WORD, '')) ? 'words' : null;
}

interface Run {
  tokens: DigitToken[];
  gaps: ('none' | 'separator' | 'words')[];
  gapTexts: string[];
}

function runsOf(tokens: DigitToken[], text: string): Run[] {
  const runs: Run[] = [];
  let current: Run | null = null;
  for (const t of tokens) {
    const prev = current?.tokens.at(-1);
    const kind = prev ? gapKind(text.slice(prev.end, t.start)) : null;
    if (current && prev && kind) {
      current.tokens.push(t);
      current.gaps.push(kind);
      current.gapTexts.push(text.slice(prev.end, t.start));
    } else {
      current = { tokens: [t], gaps: [], gapTexts: [] };
      runs.push(current);
    }
  }
  return runs;
}

const INDIAN_MOBILE = /^(?:0|91|091|0091)?[6-9]\d{9}$/;
const YEAR = /^(?:1[89]|20)\d\d$/;

/** A run's digits (repeaters applied) and its groups (digits touching each other form one group). */
function shapeOf(run: Run): { digits: string; groups: string[]; spelled: boolean } {
  let digits = '';
  const groups: string[] = [];
  let group = '';
  let repeat = 0;
  run.tokens.forEach((t, i) => {
    if (i > 0 && run.gaps[i - 1] !== 'none' && group) {
      groups.push(group);
      group = '';
    }
    if (t.repeat) {
      repeat = t.repeat;
      return;
    }
    const d = t.digits.repeat(repeat || 1);
    repeat = 0;
    digits += d;
    group += d;
  });
  if (group) groups.push(group);
  return { digits, groups, spelled: run.tokens.some((t) => t.spelled) };
}

function looksLikePhone(run: Run, text: string): { start: number } | null {
  const first = run.tokens[0]!;
  const last = run.tokens.at(-1)!;
  const before = text.slice(Math.max(0, first.start - 3), first.start);
  const plus = /\+\s*$/.test(before);
  const start = plus ? first.start - (before.length - before.lastIndexOf('+')) : first.start;
  const { digits, groups, spelled } = shapeOf(run);
  const n = digits.length;
  if (n < 8) return null;
  if (plus && n <= 15 && !/[=+\-*/^×÷]\s*$/.test(text.slice(Math.max(0, start - 3), start))) return { start };
  if (n < 10) return null;
  const raw = text.slice(first.start, last.end);
  // A decimal (3.14159265358979) or a number with thousands separators (1,000,000,000 or 1,00,00,000) is not a phone.
  if (/^\d+\.\d+$/.test(raw) || /^\d{1,3}(?:,\d{2,3})+(?:\.\d+)?$/.test(raw)) return null;
  if (spelled) return { start };
  if (INDIAN_MOBILE.test(digits)) return { start };
  if (groups.length > 1 && groups.every((g) => YEAR.test(g))) return null;
  if (groups.length > 1 && groups.every((g) => g.length === 1)) return { start };
  if (groups.length === 1 && n <= 15) return { start };
  // Spaced or dashed groups like "(415) 555-0132" or "0044 20 7946 0958": separators only, at least one long group.
  const separatorsOnly = run.gaps.every((g) => g !== 'words') && run.gapTexts.every((g) => !g.includes(','));
  if (separatorsOnly && n <= 15 && groups.some((g) => g.length >= 4)) return { start };
  return null;
}

/** The run cut where words or commas join its parts ("home 9876543210, dad 8765432109" holds two numbers). */
function partsOf(run: Run): Run[] {
  const parts: Run[] = [];
  let part: Run = { tokens: [run.tokens[0]!], gaps: [], gapTexts: [] };
  run.gaps.forEach((g, i) => {
    if (g === 'words' || run.gapTexts[i]!.includes(',')) {
      parts.push(part);
      part = { tokens: [run.tokens[i + 1]!], gaps: [], gapTexts: [] };
    } else {
      part.tokens.push(run.tokens[i + 1]!);
      part.gaps.push(g);
      part.gapTexts.push(run.gapTexts[i]!);
    }
  });
  parts.push(part);
  return parts;
}

function phones(text: string): ContactMatch[] {
  const out: ContactMatch[] = [];
  for (const run of runsOf(digitTokens(text), text)) {
    const hit = looksLikePhone(run, text);
    if (hit) {
      out.push({ start: hit.start, end: run.tokens.at(-1)!.end, category: 'phone' });
      continue;
    }
    if (shapeOf(run).digits.length < 20) continue;
    for (const part of partsOf(run)) {
      const partHit = part.tokens.length < run.tokens.length ? looksLikePhone(part, text) : null;
      if (partHit) out.push({ start: partHit.start, end: part.tokens.at(-1)!.end, category: 'phone' });
    }
  }
  return out;
}

// ---- emails, handles, payments, links -------------------------------------------------------------------------

const TLDS = 'com|in|net|org|co|edu|io|me|info|us|uk|ac|gov|biz|app|xyz|ly|gg|to|tv|ai|dev|link|online|site|live|store';
const SPELLED_TLDS = 'com|in|net|org|co|edu|io|me|info|us|uk|ac';
/** name@domain.tld */
const EMAIL_PLAIN = new RegExp(`[\\p{L}0-9._%+-]+@[a-z0-9-]+(?:\\s*\\.\\s*[a-z0-9-]+)*\\s*\\.\\s*(?:${TLDS})\\b`, 'giu');
/** "name at gmail dot com", "name (at) gmail [dot] com", "name at the rate gmail.com", "name @ gmail . com". */
const EMAIL_SPELLED = new RegExp(
  `(?<![\\p{L}0-9._])[a-z0-9._%+-]{2,}\\s*(?:@|[([{]\\s*at\\s*[)\\]}]|\\s+at\\s+the\\s+rate\\s+|\\s+at\\s+)\\s*[a-z0-9-]{2,}(?:\\s*(?:\\.|[([{]\\s*(?:dot|\\.)\\s*[)\\]}]|\\s+dot\\s+)\\s*(?:${SPELLED_TLDS}))+\\b`,
  'giu',
);
/** UPI ids: name@okaxis, 98xxxxxx@ybl (a handle at a bank with no dot after it). */
const UPI = /(?<![\p{L}0-9._-])[a-z0-9._-]{2,}@(?:ok[a-z]+|ybl|ibl|axl|paytm|upi|apl|ptyes|ptsbi|ptaxis|pthdfc|icici|sbi|hdfcbank|axisbank|kotak|barodampay|yesbank|idfcbank|fbl|rbl|indus|aubank|jupiteraxis|waicici|[a-z]{2,12})(?![.\p{L}0-9@-])/giu;
const PAYMENT_WORDS = /(?<![\p{L}])(?:paytm|g\s?pay|google\s+pay|phone\s?pe|paypal(?:\.me)?(?:\/[\w.-]+)?|venmo|cash\s?app|upi(?:\s*id)?|bhim)(?![\p{L}])/giu;
/** A platform named with a handle after it: "snap: riya_22", "insta id riya.k", "telegram @riya". */
const SOCIAL_WITH_HANDLE = /(?<![\p{L}])(?:insta(?:gram)?|ig|snap(?:chat)?|sc|telegram|tg|whats\s?app|watsapp|fb|facebook|discord|signal|skype|kik|twitter|x\.com|tiktok|wechat)\s*(?:id|handle|username|user|me)?(?:\s*(?:is|:|-|=|->)\s*@?|\s*@)[a-z0-9._]{3,30}/giu;
/** Platforms Tutorline never uses, named at all: a move off the platform ("add me on snapchat", "telegram?"). */
const SOCIAL_WORDS = /(?<![\p{L}])(?:insta(?:gram)?|snapchat|telegram|discord|kik|wechat|tiktok|signal\s+app|dm\s+me|text\s+me\s+on)(?![\p{L}])/giu;
/** "@riya_22": a handle on its own (an email's @ has a name touching it before). */
const AT_HANDLE = /(?<![\p{L}0-9._@])@[a-z0-9._]{3,30}(?![@\p{L}0-9])/giu;
const LINK = new RegExp(
  `(?:https?:\\/\\/\\S+|www\\s*\\.\\s*[a-z0-9-]+(?:\\s*\\.\\s*[a-z0-9-]+)*(?:\\/\\S*)?|(?<![\\p{L}0-9@.])(?:[a-z0-9-]+\\.)+(?:${TLDS})(?![\\p{L}0-9])(?:\\/\\S*)?)`,
  'giu',
);
/** wa.me / t.me links: an off-platform chat, named as social rather than a plain link. */
const CHAT_LINK = /(?<![\p{L}0-9])(?:wa\.me|t\.me|chat\.whatsapp\.com|m\.me)(?:\/\S*)?/giu;

function allOf(re: RegExp, text: string, category: ContactCategory): ContactMatch[] {
  return [...text.matchAll(re)].map((m) => ({ start: m.index, end: m.index + m[0].trimEnd().length, category }));
}

/** Overlapping matches become one span (the earlier category wins; an email beats a link or a UPI id inside it). */
function merge(matches: ContactMatch[]): ContactMatch[] {
  const rank: Record<ContactCategory, number> = { email: 0, payment: 1, social: 2, phone: 3, link: 4 };
  const sorted = [...matches].sort((a, b) => a.start - b.start || b.end - a.end || rank[a.category] - rank[b.category]);
  const out: ContactMatch[] = [];
  for (const m of sorted) {
    const last = out.at(-1);
    if (last && m.start < last.end) {
      if (m.end > last.end) last.end = m.end;
      if (rank[m.category] < rank[last.category] && m.end - m.start >= (last.end - last.start) / 2) last.category = m.category;
      continue;
    }
    out.push({ ...m });
  }
  return out;
}

/** Every contact detail and off-platform move in the text, in order, as spans to mask with their category. */
export function detectContacts(text: string): ContactMatch[] {
  if (!text) return [];
  return merge([
    ...allOf(EMAIL_PLAIN, text, 'email'),
    ...allOf(EMAIL_SPELLED, text, 'email'),
    ...allOf(UPI, text, 'payment'),
    ...allOf(PAYMENT_WORDS, text, 'payment'),
    ...allOf(CHAT_LINK, text, 'social'),
    ...allOf(SOCIAL_WITH_HANDLE, text, 'social'),
    ...allOf(SOCIAL_WORDS, text, 'social'),
    ...allOf(AT_HANDLE, text, 'social'),
    ...allOf(LINK, text, 'link'),
    ...phones(text),
  ]);
}

/** The text with each span replaced by the mask. */
export function maskContacts(text: string, matches: readonly ContactMatch[], mask = MASK): string {
  let out = '';
  let at = 0;
  for (const m of matches) {
    out += text.slice(at, m.start) + mask;
    at = m.end;
  }
  return out + text.slice(at);
}

/** Detects and masks in one step; `categories` lists each distinct category found, in order of first appearance. */
export function screenText(text: string): { text: string; matches: ContactMatch[]; categories: ContactCategory[] } {
  const matches = detectContacts(text);
  return { text: maskContacts(text, matches), matches, categories: [...new Set(matches.map((m) => m.category))] };
}
