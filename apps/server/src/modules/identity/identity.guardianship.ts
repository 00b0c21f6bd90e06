import type { Clock } from '../../platform/clock';
import { conflict, notFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import { requireStrongPassword } from './identity.passwords';
import { type IdentityRepo, type UserRow, uniqueViolation } from './identity.repo';
import { ageOn } from './identity.rules';

/**
 * What the guardians module (issue #20) asks of identity, which owns the users table: guardian accounts, the
 * student's consent time (the one gate every module checks), the consent country and the recording switch.
 */
export function createGuardianship(deps: { repo: IdentityRepo; clock: Clock; logger: Logger; userChanged: (userId: string) => void; hashPassword: (p: string) => Promise<string> }) {
  const { repo, clock, logger, userChanged } = deps;
  const student = async (id: string): Promise<UserRow> => {
    const user = await repo.findUserById(id);
    if (!user || user.role !== 'student') throw notFound('That student');
    return user;
  };
  return {
    /** A guardian account: email and password like any account, role `guardian`. */
    async createGuardianAccount(input: { email: string; password: string; displayName: string; phone?: string | undefined; timeZone?: string | undefined }): Promise<UserRow> {
      requireStrongPassword(input.password, { email: input.email, displayName: input.displayName }, 'body.password');
      const now = clock.now();
      try {
        const user = await repo.insertUser({
          role: 'guardian',
          email: input.email,
          passwordHash: await deps.hashPassword(input.password),
          displayName: input.displayName,
          phone: input.phone ?? null,
          timeZone: input.timeZone ?? 'UTC',
          createdAt: now,
          passwordChangedAt: now,
        });
        logger.info({ event: 'user_signed_up', userId: user.id, role: 'guardian' }, 'user signed up');
        return user;
      } catch (err) {
        const c = uniqueViolation(err);
        if (c === 'users_email_key') throw conflict('An account with this email already exists. Log in instead.', 'email_taken');
        if (c === 'users_phone_key') throw conflict('This phone number is already linked to another account.', 'phone_taken');
        throw err;
      }
    },

    /** A student's facts the guardian flow needs: name, age, zone, numbers, country, consent. */
    async studentFacts(id: string, now: Date = clock.now()) {
      const u = await student(id);
      return { id: u.id, displayName: u.displayName, timeZone: u.timeZone, phone: u.phone, country: u.country, age: u.birthDate ? ageOn(u.birthDate, now) : null, consentAt: u.guardianConsentAt, recordingForbidden: u.recordingForbidden };
    },

    /** Consent given (its time) or withdrawn (null): every gate reads it, and every node's session cache forgets the student at once. */
    async setConsent(studentId: string, at: Date | null): Promise<void> {
      await student(studentId);
      await repo.updateUser(studentId, { guardianConsentAt: at });
      userChanged(studentId);
    },

    async setCountry(studentId: string, country: string): Promise<void> {
      await student(studentId);
      await repo.updateUser(studentId, { country });
      userChanged(studentId);
    },

    async setRecordingForbidden(studentId: string, forbidden: boolean): Promise<void> {
      await student(studentId);
      await repo.updateUser(studentId, { recordingForbidden: forbidden });
      userChanged(studentId);
    },

  };
}
