/** What free text means: the few words a student or a tutor may send (English, Hinglish, Hindi), and star ratings. */

export const textIntents = ['cancel', 'help', 'status', 'yes', 'stars', 'other'] as const;
export type TextIntent = (typeof textIntents)[number];

/** Lower case, one space, no quotes or end punctuation around it. */
export const norm = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s]+/g, ' ')
    .replace(/^[\s"'“”.!?।]+|[\s"'“”.!?।]+$/g, '');

const words: Record<Exclude<TextIntent, 'stars' | 'other'>, string[]> = {
  cancel: ['cancel', 'stop', 'quit', 'exit', 'band karo', 'bandh karo', 'ruko', 'radd', 'radd karo', 'cancel karo', 'रद्द', 'रद्द करो', 'बंद करो', 'रुको'],
  help: ['help', 'menu', 'hi', 'hii', 'hello', 'hey', 'namaste', 'namaskar', 'start', 'madad', 'sahayata', 'help me', 'मदद', 'सहायता', 'नमस्ते'],
  status: ['status', 'update', 'kya hua', 'kya hua?', 'kahan hai', 'स्थिति'],
  yes: ['yes', 'y', 'ok', 'okay', 'send', 'send it', 'haan', 'han', 'ha', 'haa', 'ji', 'ji haan', 'theek hai', 'thik hai', 'हाँ', 'हां', 'जी', 'ठीक है'],
};
const intentOf = new Map<string, TextIntent>(Object.entries(words).flatMap(([intent, list]) => list.map((w) => [w, intent as TextIntent])));

/** What a student's free text means: the keywords are case-insensitive and trimmed; 1–5 (or ⭐s) is a star rating. */
export function classifyText(raw: string): { intent: 'stars'; stars: number } | { intent: Exclude<TextIntent, 'stars'> } {
  const t = norm(raw);
  const digits = /^([1-5])(?: ?(?:stars?|⭐+))?$/u.exec(t);
  if (digits) return { intent: 'stars', stars: Number(digits[1]) };
  const stars = /^⭐{1,5}$/u.exec(t.replace(/ /g, ''));
  if (stars) return { intent: 'stars', stars: [...stars[0]].length };
  const intent = intentOf.get(t);
  return intent && intent !== 'stars' && intent !== 'other' ? { intent } : { intent: 'other' };
}

export type TutorTextIntent = 'online' | 'offline' | 'help' | 'other';
const tutorWords: Record<Exclude<TutorTextIntent, 'other'>, string[]> = {
  online: ['online', 'on', 'available', 'go online', 'i am online', "i'm online", 'start'],
  offline: ['offline', 'off', 'unavailable', 'go offline', 'i am offline', "i'm offline", 'pause', 'stop'],
  help: ['help', 'menu', 'status', 'hi', 'hello', 'madad', 'मदद'],
};

/** What a tutor's free text means. */
export function classifyTutorText(raw: string): TutorTextIntent {
  const t = norm(raw);
  for (const [intent, list] of Object.entries(tutorWords)) if (list.includes(t)) return intent as TutorTextIntent;
  return 'other';
}
