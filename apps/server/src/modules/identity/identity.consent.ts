import { AppError } from '../../platform/errors';
import { canAskOrBook } from './identity.rules';
import type { AuthUser } from './identity.service';

const what = {
  ask: 'ask questions',
  book: 'book lessons',
  upload: 'upload photos',
  buy: 'buy a plan or questions',
} as const;
export type ConsentGatedAction = keyof typeof what;

/** Whether a student may not act yet: under 13 with no guardian's consent on record (identity.rules canAskOrBook). */
export function lacksGuardianConsent(caller: AuthUser, now: Date): boolean {
  return caller.role === 'student' && !canAskOrBook(caller.user, now);
}

/** The refusal of a consent-gated action, in identity's words: 403 `consent_required`. */
export function consentRequired(action: ConsentGatedAction): AppError {
  return new AppError(403, 'consent_required', `A parent or guardian needs to give consent before you can ${what[action]}. Ask them to contact us.`);
}

/**
 * The one consent gate, used by every service that lets a student act (help: ask and upload; scheduling: book;
 * billing: buy): a student under 13 with no guardian's consent on record is refused with 403 `consent_required`.
 * Services that answer with typed results check `lacksGuardianConsent` and map the reason with `consentRequired`.
 */
export function requireGuardianConsent(caller: AuthUser, now: Date, action: ConsentGatedAction): void {
  if (lacksGuardianConsent(caller, now)) throw consentRequired(action);
}
