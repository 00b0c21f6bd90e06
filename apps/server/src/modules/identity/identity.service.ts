import type { TutorBioScreen } from './identity.ports';
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { emailSchema, type GuardianConsentBody, type Me, passwordSchema, type Role, type SignUpBody, type StaffRole, type UiLanguage, uiLanguageSchema } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import { createLoginGuard, type LoginDelay } from './identity.login';
import { requireStrongPassword } from './identity.passwords';
import { canAskOrBook, checkSignUp, type LoginLimits, minorStatus } from './identity.rules';
import { type IdentityRepo, type UserRow, uniqueViolation } from './identity.repo';
import { createGuardianship } from './identity.guardianship';
import { createStaffAdmin } from './identity.staff';
import { createTutorProfiles } from './identity.tutor-profiles';
import { createSessionCache } from './session-cache';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
// `algorithm: 2` is Algorithm.Argon2id; the const enum cannot be imported under verbatimModuleSyntax.
const argonOptions = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, argonOptions);

export interface AuthUser {
  id: string;
  role: Role;
  user: UserRow;
  authSessionId: string;
}

export interface IdentityDeps {
  repo: IdentityRepo;
  clock: Clock;
  logger: Logger;
  sessionTtlMs: number;
  /** Called after sessions are revoked, to close their live sockets. */
  onSessionsRevoked(ids: string[], reason: string): void;
  /** How long a resolved session may be served from memory; 0 turns the cache off. */
  sessionCacheTtlMs?: number;
  /** Called after a user's sessions or record changed, to drop them from other nodes' caches. */
  onUserChanged?(userId: string): void;
  /** The per-account log-in limits (failures per account and IP, the account-wide slow-down). */
  loginLimits: LoginLimits;
  /** How the account-wide slow-down waits (tests observe it); a timer by default. */
  loginDelay?: LoginDelay;
  /** Screens a tutor's bio for contact details before it is saved (the safety module, #20). */
  bioScreen?: TutorBioScreen;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/** A join link stays usable for a few hours and a few opens (a second device, a reload), not forever. */
const LOGIN_LINK_TTL_MS = 6 * 60 * 60 * 1000;
const LOGIN_LINK_MAX_USES = 5;

export function toMe(user: UserRow, now: Date): Me {
  return {
    id: user.id,
    role: user.role,
    email: user.email,
    displayName: user.displayName,
    phone: user.phone,
    timeZone: user.timeZone,
    // A code a later release dropped reads as English rather than failing the response schema.
    language: uiLanguageSchema.safeParse(user.language).data ?? 'en',
    createdAt: user.createdAt.toISOString(),
    canAskOrBook: canAskOrBook(user, now),
    minor: minorStatus(user, now),
    country: user.country,
    staffRoles: user.staffRoles,
  };
}

export function createIdentityService(deps: IdentityDeps) {
  const { repo, clock, logger } = deps;
  const cache = createSessionCache({ ttlMs: deps.sessionCacheTtlMs ?? 0, maxEntries: 100_000 });
  /** Forgets a user's cached sessions here and on every other node. */
  const userChanged = (userId: string) => {
    cache.invalidateUser(userId);
    deps.onUserChanged?.(userId);
  };
  // Verifying against this hash when the email is unknown makes both failures take the same time.
  const dummyHash = hashPassword(randomBytes(16).toString('hex'));
  const guard = createLoginGuard({ repo, clock, logger, limits: deps.loginLimits, ...(deps.loginDelay ? { delay: deps.loginDelay } : {}) });

  async function openSession(user: UserRow, userAgent: string | null) {
    const token = randomBytes(32).toString('base64url');
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + deps.sessionTtlMs);
    const session = await repo.insertSession({ tokenHash: hashToken(token), userId: user.id, createdAt: now, expiresAt, userAgent });
    logger.info({ event: 'session_opened', userId: user.id, authSessionId: session.id }, 'session opened');
    return { token, expiresAt, authSessionId: session.id };
  }

  function mapUnique(err: unknown): never {
    const constraint = uniqueViolation(err);
    if (constraint === 'users_email_key') throw conflict('An account with this email already exists. Log in instead.', 'email_taken');
    if (constraint === 'users_phone_key') throw conflict('This phone number is already linked to another account.', 'phone_taken');
    throw err;
  }

  return {
    ...createTutorProfiles({ repo, clock, logger, ...(deps.bioScreen ? { bioScreen: deps.bioScreen } : {}) }),
    ...createStaffAdmin({ repo, clock, logger, userChanged }),
    ...createGuardianship({ repo, clock, logger, userChanged, hashPassword }),

    /**
     * The student account of a WhatsApp number, made on its first message: no email or password of its own (an
     * unusable random one), the number as its phone. No birth date yet: the conversation asks for the age before the
     * first question (recordBirthDate).
     */
    async findOrCreateWhatsAppStudent(waId: string, profileName: string | null): Promise<UserRow> {
      const phone = `+${waId}`;
      const existing = await repo.findUserByPhone(phone);
      if (existing) return existing;
      const now = clock.now();
      try {
        const user = await repo.insertUser({
          createdAt: now,
          passwordChangedAt: now,
          role: 'student',
          email: `wa-${waId}@whatsapp.tutorline.invalid`,
          passwordHash: await hashPassword(randomBytes(32).toString('base64url')),
          displayName: (profileName?.trim() || `Student ${waId.slice(-4)}`).slice(0, 80),
          phone,
        });
        logger.info({ event: 'user_signed_up', userId: user.id, role: 'student', via: 'whatsapp' }, 'user signed up');
        return user;
      } catch (err) {
        // Two first messages at once: the other one created it.
        if (uniqueViolation(err)) {
          const again = await repo.findUserByPhone(phone);
          if (again) return again;
        }
        throw err;
      }
    },

    /**
     * A WhatsApp student's answer to "how old are you?", as a birth date (web sign-up asks for one). Recorded once:
     * a later answer never changes it. Returns whether the student may ask now (under 13: not before consent).
     */
    async recordBirthDate(userId: string, birthDate: string): Promise<{ mayAsk: boolean; needsConsent: boolean }> {
      const now = clock.now();
      const user = await repo.setBirthDateOnce(userId, birthDate);
      if (!user) throw notFound('That student');
      userChanged(userId);
      const minor = minorStatus(user, now);
      logger.info({ event: 'student_age_recorded', userId, via: 'whatsapp', minor: Boolean(minor), needsConsent: minor?.needsConsent ?? false }, 'student age recorded');
      return { mayAsk: canAskOrBook(user, now), needsConsent: minor?.needsConsent ?? false };
    },

    /** A parent's or guardian's email or phone, given by a student who needs their consent (the team contacts them). */
    async recordGuardianContact(userId: string, contact: string): Promise<void> {
      const user = await repo.findUserById(userId);
      if (!user || user.role !== 'student') throw notFound('That student');
      await repo.updateUser(userId, { guardianContact: contact.slice(0, 254) });
      userChanged(userId);
      logger.info({ event: 'guardian_contact_recorded', userId, via: 'whatsapp' }, 'guardian contact recorded');
    },

    /** A user by email (demo wiring). */
    userByEmail(email: string): Promise<UserRow | undefined> {
      return repo.findUserByEmail(email);
    },

    /** A user by id, for modules acting for someone outside a request (WhatsApp). */
    userById(id: string): Promise<UserRow | undefined> {
      return repo.findUserById(id);
    },

    /** A link that logs its holder in as `userId` and opens `redirectPath` (a WhatsApp user joining a session). */
    async createLoginLink(userId: string, redirectPath: string, ttlMs = LOGIN_LINK_TTL_MS): Promise<string> {
      const token = randomBytes(24).toString('base64url');
      const now = clock.now();
      await repo.insertLoginLink({ tokenHash: hashToken(token), userId, redirectPath, createdAt: now, expiresAt: new Date(now.getTime() + ttlMs) });
      return token;
    },
    /** Opens a web session from a log-in link; null when it is unknown, expired or used up. */
    async useLoginLink(token: string, userAgent: string | null): Promise<{ token: string; expiresAt: Date; redirectPath: string; userId: string } | null> {
      const link = await repo.useLoginLink(hashToken(token), clock.now(), LOGIN_LINK_MAX_USES);
      if (!link) return null;
      const user = await repo.findUserById(link.userId);
      if (!user || user.disabled) return null;
      const session = await openSession(user, userAgent);
      logger.info({ event: 'login_link_used', userId: user.id, authSessionId: session.authSessionId }, 'logged in with a link');
      return { token: session.token, expiresAt: session.expiresAt, redirectPath: link.redirectPath, userId: user.id };
    },

    /**
     * A session for an account another module vouched for (an LTI launch whose id_token was checked in full); refused
     * (null) for an unknown or disabled account.
     */
    async openSessionFor(userId: string, userAgent: string | null, via: string): Promise<{ token: string; expiresAt: Date; authSessionId: string } | null> {
      const user = await repo.findUserById(userId);
      if (!user || user.disabled) return null;
      const session = await openSession(user, userAgent);
      logger.info({ event: 'login_succeeded', userId: user.id, via }, 'log-in succeeded');
      return session;
    },

    async signUp(input: SignUpBody, userAgent: string | null) {
      const now = clock.now();
      const check = checkSignUp(input, now);
      if (!check.ok) throw badRequest(`${check.field} ${check.message}`, [{ path: check.field, message: check.message }]);
      requireStrongPassword(input.password, { email: input.email, displayName: input.displayName }, 'body.password');
      const values = {
        role: input.role,
        email: input.email,
        passwordHash: await hashPassword(input.password),
        displayName: input.displayName,
        phone: input.phone ?? null,
        timeZone: input.timeZone ?? 'UTC',
        language: input.language ?? 'en',
        birthDate: input.role === 'student' ? (input.birthDate ?? null) : null,
        guardianContact: input.role === 'student' ? (input.guardianContact ?? null) : null,
        country: input.role === 'student' ? (input.country ?? null) : null,
        createdAt: now,
        passwordChangedAt: now,
      };
      let user: UserRow;
      try {
        user = input.role === 'tutor' ? await repo.insertTutor(values, { timeZone: values.timeZone }) : await repo.insertUser(values);
      } catch (err) {
        mapUnique(err);
      }
      logger.info({ event: 'user_signed_up', userId: user.id, role: user.role }, 'user signed up');
      return { user, ...(await openSession(user, userAgent)) };
    },

    /**
     * An admin account, made by an operator (`npm run admin:create`): admins cannot sign up, and production has no demo
     * admin. The password follows sign-up's rules; an email that already has an account is refused, never changed.
     */
    async createAdmin(input: { email: string; password: string; displayName?: string; timeZone?: string; staffRoles?: StaffRole[] }): Promise<UserRow> {
      const email = emailSchema.safeParse(input.email);
      if (!email.success) throw badRequest(`email ${email.error.issues[0]?.message ?? 'is invalid'}`, [{ path: 'email', message: email.error.issues[0]?.message ?? 'is invalid' }]);
      const password = passwordSchema.safeParse(input.password);
      if (!password.success) throw badRequest(`password ${password.error.issues[0]?.message ?? 'is invalid'}`, [{ path: 'password', message: password.error.issues[0]?.message ?? 'is invalid' }]);
      requireStrongPassword(password.data, { email: email.data, displayName: input.displayName ?? 'Admin' }, 'password');
      if (await repo.findUserByEmail(email.data)) throw conflict('An account with this email already exists; nothing was changed.', 'email_taken');
      let user: UserRow;
      try {
        const now = clock.now();
        user = await repo.insertUser({ role: 'admin', email: email.data, passwordHash: await hashPassword(password.data), displayName: input.displayName ?? 'Admin', timeZone: input.timeZone ?? 'UTC', staffRoles: input.staffRoles ?? ['admin'], createdAt: now, passwordChangedAt: now });
      } catch (err) {
        mapUnique(err);
      }
      logger.info({ event: 'admin_created', userId: user.id, staffRoles: user.staffRoles, via: 'cli' }, 'staff account created');
      return user;
    },

    /**
     * The same error, after the same work, for an unknown email and a wrong password. Only failures count towards
     * the limits, per account and IP; a success clears its IP's count (decision 020).
     */
    async logIn(email: string, password: string, userAgent: string | null, ip: string) {
      await guard.before(email, ip);
      const user = await repo.findUserByEmail(email);
      const ok = await verify(user?.passwordHash ?? (await dummyHash), password).catch(() => false);
      if (!user || !ok || user.disabled) {
        await guard.failed(email, ip);
        logger.info({ event: 'login_failed', userId: user?.id }, 'log-in failed');
        throw new AppError(401, 'invalid_credentials', 'That email and password do not match an account.');
      }
      await guard.succeeded(email, ip);
      logger.info({ event: 'login_succeeded', userId: user.id }, 'log-in succeeded');
      return { user, ...(await openSession(user, userAgent)) };
    },

    async logOut(caller: AuthUser) {
      const authSessionId = caller.authSessionId;
      await repo.revokeSession(authSessionId, clock.now());
      userChanged(caller.id);
      logger.info({ event: 'session_revoked', authSessionId, reason: 'logout' }, 'session revoked');
      deps.onSessionsRevoked([authSessionId], 'logout');
    },

    /** The cached caller for a token, without touching the database; undefined on a miss. */
    cachedSession(token: string | undefined): AuthUser | undefined {
      if (!token || token.length > 100) return undefined;
      return cache.get(token, clock.now().getTime());
    },

    async resolveSession(token: string | undefined): Promise<AuthUser | null> {
      if (!token || token.length > 100) return null;
      const now = clock.now();
      // Keyed by the token itself (memory is as trusted as the token); the database only ever sees its hash.
      const cached = cache.get(token, now.getTime());
      if (cached) return cached;
      const generation = cache.generation;
      const row = await repo.findSessionByTokenHash(hashToken(token), now);
      if (!row) return null;
      const auth = { id: row.user.id, role: row.user.role, user: row.user, authSessionId: row.session.id };
      cache.set(token, auth, row.session.expiresAt.getTime(), now.getTime(), generation);
      return auth;
    },

    /** Another node changed this user: drop the local copies. */
    forgetUser(userId: string) {
      cache.invalidateUser(userId);
    },

    /** Other nodes' changes may have been missed (their channel dropped): drop every cached session. */
    forgetAllUsers() {
      cache.clear();
    },

    /** Changes the password and revokes every session of the user, this one included: they log in again. */
    async changePassword(caller: AuthUser, currentPassword: string, newPassword: string) {
      const ok = await verify(caller.user.passwordHash, currentPassword).catch(() => false);
      if (!ok) throw new AppError(401, 'invalid_credentials', 'The current password is not right.');
      requireStrongPassword(newPassword, { email: caller.user.email, displayName: caller.user.displayName }, 'body.newPassword');
      const now = clock.now();
      await repo.updatePassword(caller.id, await hashPassword(newPassword), now);
      const revoked = await repo.revokeUserSessions(caller.id, now);
      userChanged(caller.id);
      logger.info({ event: 'password_changed', userId: caller.id, revokedSessions: revoked.length }, 'password changed');
      deps.onSessionsRevoked(revoked, 'password_changed');
    },

    me(caller: AuthUser): Me {
      return toMe(caller.user, clock.now());
    },

    async updateMe(caller: AuthUser, patch: { displayName?: string | undefined; phone?: string | null | undefined; timeZone?: string | undefined; language?: UiLanguage | undefined }) {
      let row: UserRow | undefined;
      try {
        row = await repo.updateUser(caller.id, patch);
      } catch (err) {
        mapUnique(err);
      }
      userChanged(caller.id);
      logger.info({ event: 'profile_updated', userId: caller.id, fields: Object.keys(patch) }, 'profile updated');
      return toMe(row!, clock.now());
    },

    /** A student's own record; admins may read anyone's. */
    async getStudent(caller: AuthUser, studentId: string): Promise<Me> {
      if (caller.role !== 'admin' && caller.id !== studentId) throw notFound('That student');
      const user = await repo.findUserById(studentId);
      if (!user || user.role !== 'student') throw notFound('That student');
      return toMe(user, clock.now());
    },

    async listSubjects() {
      return (await repo.listSubjects()).map((s) => ({ id: s.id, name: s.name, levels: s.levels }));
    },

    /**
     * An admin records a guardian's consent (issue #13.9): who gave it, how, the evidence kept, by whom and when (the
     * injected clock). The body is checked by guardianConsentBodySchema before this runs. Logged as an audit event,
     * without the guardian's contact (personal data stays in the table).
     */
    async recordGuardianConsent(admin: AuthUser, studentId: string, body: GuardianConsentBody): Promise<Me> {
      const user = await repo.findUserById(studentId);
      if (!user || user.role !== 'student') throw notFound('That student');
      const now = clock.now();
      const { consent, user: row } = await repo.recordGuardianConsent({
        studentId,
        guardianName: body.guardianName,
        relationship: body.relationship,
        contact: body.contact,
        method: body.method,
        methodOther: body.method === 'other' ? (body.methodOther ?? null) : null,
        evidence: body.evidence,
        recordedBy: admin.id,
        recordedAt: now,
      });
      userChanged(studentId);
      logger.info(
        { event: 'guardian_consent_recorded', audit: true, userId: studentId, consentId: consent.id, by: admin.id, method: consent.method, relationship: consent.relationship, at: now.toISOString() },
        'guardian consent recorded',
      );
      return toMe(row, now);
    },
  };
}
export type IdentityService = ReturnType<typeof createIdentityService>;
