import { passwordProblemText } from '@tutorline/contracts';
import { checkPasswordStrength } from '@tutorline/contracts/password-strength';
import { badRequest } from '../../platform/errors';

/**
 * The password rule (decision 021), the same in the web forms: a zxcvbn score of at least 3, not a common password,
 * not the user's own name or email. Exported from identity's index for every place that sets a password.
 */
export { checkPasswordStrength };

/** Throws a 400 naming `field` with what is wrong and a hint, when the password breaks the rule. */
export function requireStrongPassword(password: string, context: { email?: string; displayName?: string }, field: string): void {
  const verdict = checkPasswordStrength(password, context);
  if (verdict.ok) return;
  const text = passwordProblemText(verdict);
  throw badRequest(`${field} ${text}`, [{ path: field, message: text }]);
}
