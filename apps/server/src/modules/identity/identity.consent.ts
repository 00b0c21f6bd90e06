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

/**
 * The one consent gate, used by every service that lets a student act (help: ask and upload; scheduling: book;
 * billing: buy): a student under 13 with no guardian's consent on record is refused with 403 `consent_required`.
 */
export function requireGuardianConsent(caller: AuthUser, now: Date, action: ConsentGatedAction): void {
  if (caller.role === 'student' && !canAskOrBook(caller.user, now)) {
    throw new AppError(403, 'consent_required', `A parent or guardian needs to give consent before you can ${what[action]}. Ask them to contact us.`);
  }
}
