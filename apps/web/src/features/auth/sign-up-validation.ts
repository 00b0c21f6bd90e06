import { type PasswordContext, passwordProblemText, type PasswordVerdict, type SignUpBody, signUpBodySchema } from '@tutorline/contracts';

/**
 * The sign-up form checked in the browser with the server's own rules: the same zod schema from
 * `@tutorline/contracts`, the same role and age rules (identity.rules checkSignUp), and the same password rule
 * (`checkPasswordStrength`, loaded lazily), so every mistake shows at once, in the server's words, before a submit.
 */
export interface SignUpForm {
  role: SignUpBody['role'];
  displayName: string;
  email: string;
  password: string;
  phone: string;
  birthDate: string;
  guardianContact: string;
  timeZone: string;
  /** Students: the country (ISO code) whose consent age applies; empty for the default rules. */
  country?: string;
  /** Whether the guardian field applies (a student under 18, by the birth date given). */
  needsGuardian: boolean;
}

export type PasswordChecker = (password: string, context: PasswordContext) => PasswordVerdict;

/** People type "+91 98123 45678"; the server wants "+919812345678". */
export function normalisePhone(phone: string): string {
  return phone.replace(/[\s().-]/g, '');
}

/** The request body for a form: trimmed, only what applies, empty optionals left out (the server rejects unknown fields). */
export function signUpBody(form: SignUpForm): SignUpBody {
  const body: SignUpBody = { role: form.role, displayName: form.displayName.trim(), email: form.email.trim(), password: form.password };
  if (form.phone.trim()) body.phone = normalisePhone(form.phone);
  if (form.role === 'student') {
    if (form.birthDate) body.birthDate = form.birthDate;
    if (form.needsGuardian && form.guardianContact.trim()) body.guardianContact = form.guardianContact.trim();
    if (form.country) body.country = form.country;
  }
  if (form.timeZone) body.timeZone = form.timeZone;
  return body;
}

/** The problem with each field, keyed by field name, in the server's words; empty when the form can be sent. */
export function signUpFieldErrors(form: SignUpForm, checkPassword?: PasswordChecker): Record<string, string> {
  const errors: Record<string, string> = {};
  const parsed = signUpBodySchema.safeParse(signUpBody(form));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      if (field && !errors[field]) errors[field] = issue.message;
    }
  }
  // What checkSignUp adds on the server for students (the schema cannot know the role's needs).
  if (form.role === 'student' && !form.birthDate) errors.birthDate ??= 'is required for students';
  if (form.role === 'student' && form.needsGuardian && !form.guardianContact.trim()) {
    errors.guardianContact ??= 'is required for students under 18 (a guardian email or phone)';
  }
  if (!errors.password && checkPassword) {
    const verdict = checkPassword(form.password, { email: form.email, displayName: form.displayName });
    if (!verdict.ok) errors.password = passwordProblemText(verdict);
  }
  return errors;
}

/** Loads the password estimator (zxcvbn and its dictionaries) once, on demand: it is too big for the first page load. */
let estimator: Promise<PasswordChecker> | undefined;
export function loadPasswordChecker(): Promise<PasswordChecker> {
  estimator ??= import('@tutorline/contracts/password-strength').then((m) => m.checkPasswordStrength);
  // A failed load (offline) may be tried again; the server checks the password anyway.
  estimator.catch(() => {
    estimator = undefined;
  });
  return estimator;
}
