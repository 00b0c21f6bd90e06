import { randomUUID } from 'node:crypto';
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, DELETED_USER_NAME, type ErasureCounts, type ErasureRules, MIN_MENTION_LENGTH, type UserEraser } from '../../platform/user-erasure';
import { authSessions, failedLogins, guardianConsents, loginLinks, tutorProfiles, tutorSubjects, users } from './identity.schema';

/** identity's erasure rules (#20, decision 077). */
export const IDENTITY_ERASURE_RULES: ErasureRules = {
  users: { rule: 'anonymise', what: "the row stays as a 'Deleted user' tombstone so the ledger and the other party's sessions still point somewhere; email, name, phone, birth date, guardian contact, country and password are replaced or cleared, and the account is disabled" },
  auth_sessions: { rule: 'erase', what: 'every session of the user (live sockets are closed)' },
  guardian_consents: { rule: 'erase', what: "consents an admin recorded for the student (they name the guardian and the evidence)" },
  tutor_profiles: { rule: 'anonymise', what: "a tutor's bio, languages and photo are cleared; the row stays for their past sessions' figures" },
  tutor_subjects: { rule: 'erase', what: "a tutor's subjects" },
  login_links: { rule: 'erase', what: "the user's log-in links" },
  failed_logins: { rule: 'erase', what: "failed log-ins typed with the user's email" },
  subjects: { rule: 'no_personal_data', why: 'the subject catalogue' },
};

export interface IdentityErasureDeps {
  db: Db;
  /** Deletes a tutor's stored profile photo and its thumbnail (the media module's files). */
  removePhoto(key: string): Promise<void>;
  /** Closes the sockets of these revoked sessions and drops the user from every node's session cache. */
  afterRevoke(sessionIds: string[], userId: string): void;
}

/**
 * The strings that identify a user in other people's messages and notices: email, phone (with and without its plus),
 * and a display name of at least 4 letters (a shorter one matches too much that is not about them). Empty once erased.
 */
export async function erasureMentions(db: Db, userId: string): Promise<string[]> {
  const [user] = await db.select({ email: users.email, phone: users.phone, displayName: users.displayName }).from(users).where(eq(users.id, userId));
  if (!user || user.email === erasedEmail(userId)) return [];
  const out = [user.email];
  if (user.phone) out.push(user.phone, user.phone.replace(/^\+/, ''));
  if (user.displayName.trim().length >= MIN_MENTION_LENGTH && user.displayName !== DELETED_USER_NAME) out.push(user.displayName.trim());
  return [...new Set(out)];
}

/** The anonymous email of an erased account: unique (the index is on lower(email)) and undeliverable (.invalid). */
export const erasedEmail = (userId: string) => `erased-${userId}@deleted.invalid`;

/**
 * identity's first eraser: the account disabled, every session of the user deleted and its sockets closed, so nothing
 * new is recorded for the user while the other erasers run.
 */
export function createSessionsErasure(deps: Pick<IdentityErasureDeps, 'db' | 'afterRevoke'>): UserEraser {
  const { db } = deps;
  return {
    module: 'identity.sessions',
    async eraseFor(userId) {
      // Disabled first: no new log-in (and so no new session) while the other erasers run.
      await db.update(users).set({ disabled: true }).where(and(eq(users.id, userId), eq(users.disabled, false)));
      const live = await db.select({ id: authSessions.id }).from(authSessions).where(and(eq(authSessions.userId, userId), isNull(authSessions.revokedAt)));
      const sessions = await db.delete(authSessions).where(eq(authSessions.userId, userId)).returning({ id: authSessions.id });
      if (sessions.length) deps.afterRevoke(live.map((s) => s.id), userId);
      return countInto({}, 'auth_sessions', sessions.length);
    },
  };
}

/**
 * identity's last eraser: the account turned into a tombstone. Last in the privacy module's
 * order, since others may still look the user up (the email, for failed log-ins) before it.
 */
export function createIdentityErasure(deps: Pick<IdentityErasureDeps, 'db' | 'removePhoto'>): UserEraser {
  const { db } = deps;
  return {
    module: 'identity',
    async eraseFor(userId) {
      const counts: ErasureCounts = {};
      const [user] = await db.select({ email: users.email, role: users.role }).from(users).where(eq(users.id, userId));
      if (!user) return counts;
      countInto(counts, 'login_links', (await db.delete(loginLinks).where(eq(loginLinks.userId, userId)).returning({ u: loginLinks.userId })).length);
      countInto(counts, 'guardian_consents', (await db.delete(guardianConsents).where(eq(guardianConsents.studentId, userId)).returning({ id: guardianConsents.id })).length);
      const account = user.email.toLowerCase();
      if (account !== erasedEmail(userId)) countInto(counts, 'failed_logins', (await db.delete(failedLogins).where(eq(failedLogins.account, account)).returning({ id: failedLogins.id })).length);
      countInto(counts, 'tutor_subjects', (await db.delete(tutorSubjects).where(eq(tutorSubjects.tutorId, userId)).returning({ t: tutorSubjects.tutorId })).length);
      const [profile] = await db.select({ photoKey: tutorProfiles.photoKey, bio: tutorProfiles.bio }).from(tutorProfiles).where(eq(tutorProfiles.userId, userId));
      if (profile && (profile.photoKey || profile.bio)) {
        if (profile.photoKey) {
          // The photo and its thumbnail: two files.
          await deps.removePhoto(profile.photoKey);
          countInto(counts, 'files', 2);
        }
        await db.update(tutorProfiles).set({ bio: '', languages: [], photoKey: null }).where(eq(tutorProfiles.userId, userId));
        countInto(counts, 'tutor_profiles', 1);
      }
      const changed = await db
        .update(users)
        .set({
          email: erasedEmail(userId),
          displayName: DELETED_USER_NAME,
          // Not an argon2 hash, so no password ever matches it.
          passwordHash: `erased:${randomUUID()}`,
          phone: null,
          birthDate: null,
          guardianContact: null,
          country: null,
          disabled: true,
          staffRoles: sql`'{}'::staff_role[]`,
        })
        .where(and(eq(users.id, userId), or(sql`${users.email} <> ${erasedEmail(userId)}`, sql`${users.disabled} = false`)))
        .returning({ id: users.id });
      countInto(counts, 'users', changed.length);
      return counts;
    },
  };
}
