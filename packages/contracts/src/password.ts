/**
 * The password rule shared by the server (sign-up, password change, the admin:create command) and the web forms.
 * The estimator itself (zxcvbn-ts, with its dictionaries) lives in `@tutorline/contracts/password-strength`, which
 * the web app loads only when a password is being chosen (decision 021). This file is light: no dictionaries.
 */

/** zxcvbn's score runs 0 (too guessable) to 4 (very unguessable); 3 means "safely unguessable" (about 10^8 guesses). */
export const MIN_PASSWORD_SCORE = 3;

/** What we tell zxcvbn the user's own words are: their email, its local part, their name and its parts, the site. */
export interface PasswordContext {
  email?: string | undefined;
  displayName?: string | undefined;
}

export type PasswordProblem = 'common' | 'personal' | 'weak';

export type PasswordVerdict =
  | { ok: true; score: number }
  /** `message` follows the field's label ("Password is one of the most common passwords."); `hint` says what to do. */
  | { ok: false; score: number; problem: PasswordProblem; message: string; hint: string };

/** The part of a zxcvbn result the rule reads. */
export interface StrengthEstimate {
  score: number;
  feedback: { warning: string | null; suggestions: string[] };
  sequence: { token: string; dictionaryName?: string }[];
}

const SITE_WORDS = ['tutorline'];
const compact = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

export function passwordUserInputs(context: PasswordContext): string[] {
  const inputs = new Set<string>(SITE_WORDS);
  const email = context.email?.trim().toLowerCase();
  if (email) {
    inputs.add(email);
    const local = email.split('@')[0] ?? '';
    if (local.length >= 3) inputs.add(local);
    for (const part of local.split(/[._+-]+/)) if (part.length >= 3) inputs.add(part);
  }
  const name = context.displayName?.trim().toLowerCase();
  if (name) {
    inputs.add(name);
    inputs.add(compact(name));
    for (const part of name.split(/\s+/)) if (part.length >= 3) inputs.add(part);
  }
  return [...inputs].filter(Boolean);
}

const DEFAULT_HINT = 'Try a few unrelated words, like a short sentence only you would write.';

/** Whether the password is, apart from case and punctuation, the user's own email, email name or display name. */
function isPersonal(password: string, context: PasswordContext): boolean {
  const p = compact(password);
  const email = context.email?.trim().toLowerCase() ?? '';
  const own = [email, email.split('@')[0] ?? '', context.displayName ?? ''].map(compact).filter((s) => s.length >= 3);
  return own.some((s) => p === s || (p.includes(s) && s.length * 2 >= p.length));
}

/** The rule: not the user's own words, not a common password, and a zxcvbn score of at least MIN_PASSWORD_SCORE. */
export function judgePassword(password: string, estimate: StrengthEstimate, context: PasswordContext = {}): PasswordVerdict {
  const hint = estimate.feedback.suggestions[0] ?? DEFAULT_HINT;
  const personal = isPersonal(password, context) || (estimate.score < MIN_PASSWORD_SCORE && estimate.sequence.some((m) => m.dictionaryName === 'userInputs'));
  if (personal) return { ok: false, score: estimate.score, problem: 'personal', message: 'must not be your name or email.', hint: DEFAULT_HINT };
  const whole = estimate.sequence.length === 1 ? estimate.sequence[0] : undefined;
  if (whole?.dictionaryName === 'passwords-common' || (estimate.score < MIN_PASSWORD_SCORE && estimate.sequence.some((m) => m.dictionaryName === 'passwords-common'))) {
    return { ok: false, score: estimate.score, problem: 'common', message: 'is one of the most common passwords.', hint };
  }
  if (estimate.score < MIN_PASSWORD_SCORE) {
    const why = estimate.feedback.warning ? ` ${estimate.feedback.warning}` : '';
    return { ok: false, score: estimate.score, problem: 'weak', message: `is too easy to guess.${why}`, hint };
  }
  return { ok: true, score: estimate.score };
}

/** A verdict as one sentence after the field's label: "is too easy to guess. … Add another word or two." */
export const passwordProblemText = (verdict: Extract<PasswordVerdict, { ok: false }>) => `${verdict.message} ${verdict.hint}`;
