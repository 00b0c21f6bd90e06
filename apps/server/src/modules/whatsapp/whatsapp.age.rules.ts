/**
 * Pure reading of what a new WhatsApp student types when asked their age, and of a guardian's contact.
 * No clock: `now` is passed in. Whether an age needs a guardian's consent is identity's rule, not this file's.
 */

/** Ages outside this range are taken as a typo (the web's sign-up refuses the same). */
export const AGE_MIN = 4;
export const AGE_MAX = 120;

const devanagariDigits = '०१२३४५६७८९';
const asciiDigits = (s: string) => s.replace(/[०-९]/g, (d) => String(devanagariDigits.indexOf(d)));

// "15", "I am 15", "15 years old", "age 15", "15 saal", "2011" (a year of birth), "born in 2011".
const ANSWER =
  /^(?:i am|i'm|im|i’m|age|my age is|meri umar|born in|born|year)?\s*(\d{1,4})\s*(?:years?(?: old)?|yrs?|y|saal|sal|साल|वर्ष|बरस)?[\s.!]*$/i;

const pad = (n: number) => String(n).padStart(2, '0');
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Whole years from an ISO date (YYYY-MM-DD) to `now`, in UTC. */
function yearsSince(date: string, now: Date): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const before = now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d);
  return now.getUTCFullYear() - y - (before ? 1 : 0);
}

/**
 * An age in years, or a year of birth, as the latest birth date the answer allows: someone who says "12" is taken to
 * have turned 12 today, and "2013" to be born on 31 December 2013. Taking the youngest reading means a child is never
 * treated as older than they said. Null when it is not an answer, or not a plausible age.
 */
export function birthDateFromAnswer(raw: string, now: Date): string | null {
  const m = ANSWER.exec(asciiDigits(raw.normalize('NFKC').trim()).replace(/\s+/g, ' '));
  if (!m) return null;
  const digits = m[1]!;
  const year = now.getUTCFullYear();
  let birth: string;
  if (digits.length === 4) {
    const y = Number(digits);
    if (y > year) return null;
    birth = `${y}-12-31`;
  } else if (digits.length <= 3) {
    const y = year - Number(digits);
    const month = now.getUTCMonth() + 1;
    const day = month === 2 && now.getUTCDate() === 29 && !isLeap(y) ? 28 : now.getUTCDate();
    birth = `${String(y).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
  } else return null;
  const age = yearsSince(birth, now);
  return age >= AGE_MIN && age <= AGE_MAX ? birth : null;
}

/** A parent's or guardian's email or phone number as typed; null when it is neither. */
export function parseGuardianContact(raw: string): string | null {
  const t = raw.normalize('NFKC').trim();
  if (t.length > 254) return null;
  if (/^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(t)) return t.toLowerCase();
  const phone = t.replace(/[\s().-]/g, '');
  return /^\+?\d{7,15}$/.test(phone) ? phone : null;
}
