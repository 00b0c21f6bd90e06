import { type Access, type Role, type StaffRole, staffRoles } from '@tutorline/contracts';
import { CONSENT_AGES, consentAgeFor } from '../guardians/guardians.rules';

/** Pure identity decisions: no I/O, the time is passed in. */

export const ADULT_AGE = 18;
export const CONSENT_AGE = 13;

/** Whole years between an ISO birth date (YYYY-MM-DD) and `now`, in UTC. */
export function ageOn(birthDate: string, now: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - y;
  const beforeBirthday = now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d);
  if (beforeBirthday) age -= 1;
  return age;
}

export interface MinorFacts {
  role: Role;
  birthDate: string | null;
  guardianContact: string | null;
  guardianConsentAt: Date | null;
  /** The consent age's country (guardians.rules consentAgeFor); missing or null: the default, 13. */
  country?: string | null;
  /** A guardian forbade recording this student (issue #20). */
  recordingForbidden?: boolean;
}

export interface MinorStatus {
  isMinor: boolean;
  needsConsent: boolean;
  guardianContact: string | null;
  consentAt: string | null;
}

/** Null for anyone who is not a student under 18. */
export function minorStatus(user: MinorFacts, now: Date): MinorStatus | null {
  if (user.role !== 'student' || !user.birthDate) return null;
  const age = ageOn(user.birthDate, now);
  if (age >= ADULT_AGE) return null;
  return {
    isMinor: true,
    needsConsent: age < consentAgeFor(user.country) && user.guardianConsentAt === null,
    guardianContact: user.guardianContact,
    consentAt: user.guardianConsentAt?.toISOString() ?? null,
  };
}

/** Students born after this date (YYYY-MM-DD, UTC) are under `age` on `now`: ageOn(b, now) < age ⇔ b > cutoff. */
export function consentAgeCutoff(now: Date, age: number = CONSENT_AGE): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(now.getUTCFullYear() - age).padStart(4, '0')}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())}`;
}

/** The birth-date cutoff of each country with its own consent age, and of every other country (the default). */
export function consentCutoffs(now: Date): { byCountry: Record<string, string>; otherwise: string } {
  return { byCountry: Object.fromEntries(Object.entries(CONSENT_AGES).map(([c, age]) => [c, consentAgeCutoff(now, age)])), otherwise: consentAgeCutoff(now, consentAgeFor(null)) };
}

/**
 * Whether a user's camera and microphone may be recorded in a class (issue #15): everyone but a student under 18
 * without a guardian's consent on file. A student whose age is unknown is treated as a minor.
 */
export function mayBeRecorded(user: MinorFacts, now: Date): boolean {
  if (user.role !== 'student') return true;
  if (user.recordingForbidden) return false;
  if (!user.birthDate) return user.guardianConsentAt !== null;
  return ageOn(user.birthDate, now) >= ADULT_AGE || user.guardianConsentAt !== null;
}

/** A student under the consent age (13, or their country's) cannot ask, book or join until a guardian's consent is recorded. */
export function canAskOrBook(user: MinorFacts, now: Date): boolean {
  if (user.role !== 'student') return false;
  return !(minorStatus(user, now)?.needsConsent ?? false);
}

export type SignUpCheck = { ok: true } | { ok: false; field: string; message: string };

/** What a sign-up must carry, by role and age. */
export function checkSignUp(input: { role: Role; birthDate?: string | undefined; guardianContact?: string | undefined }, now: Date): SignUpCheck {
  if (input.role !== 'student') {
    if (input.birthDate || input.guardianContact) return { ok: false, field: 'body.birthDate', message: 'only students give a birth date' };
    return { ok: true };
  }
  if (!input.birthDate) return { ok: false, field: 'body.birthDate', message: 'is required for students' };
  const age = ageOn(input.birthDate, now);
  if (Number.isNaN(age) || age < 4 || age > 120) return { ok: false, field: 'body.birthDate', message: 'is not a plausible birth date' };
  if (age < ADULT_AGE && !input.guardianContact) {
    return { ok: false, field: 'body.guardianContact', message: 'is required for students under 18 (a guardian email or phone)' };
  }
  return { ok: true };
}

/** Whether an access declaration names any staff role, which makes its route a staff route. */
export function staffRolesOf(access: Access | undefined): StaffRole[] {
  if (!access || typeof access === 'string') return [];
  return access.filter((r): r is StaffRole => (staffRoles as readonly string[]).includes(r));
}

/**
 * Whether a caller (null when logged out) may call a route with this access. Account roles ('student', 'tutor') match
 * the account; staff roles match the staff roles the account holds, and a staff `admin` may call every staff route.
 */
export function mayAccess(access: Access, caller: { role: Role; staffRoles: readonly StaffRole[] } | null): 'ok' | 'unauthenticated' | 'forbidden' {
  if (access === 'public') return 'ok';
  if (caller === null) return 'unauthenticated';
  if (access === 'user') return 'ok';
  if (caller.role !== 'admin' && access.includes(caller.role)) return 'ok';
  const staff = staffRolesOf(access);
  if (!staff.length || !caller.staffRoles.length) return 'forbidden';
  if (caller.staffRoles.includes('admin')) return 'ok';
  return caller.staffRoles.some((r) => staff.includes(r)) ? 'ok' : 'forbidden';
}

/** The staff role a caller acts under on a route: the first declared one they hold (admin when only that fits). */
export function actingRole(access: Access | undefined, held: readonly StaffRole[]): StaffRole | null {
  const match = staffRolesOf(access).find((r) => held.includes(r));
  return match ?? (held.includes('admin') ? 'admin' : null);
}

/**
 * The log-in limits (decision 020). Only failures count. One account from one IP gets `maxFailuresPerAccountIp`
 * failures per window, then that IP is refused for that account until the oldest failure leaves the window; the
 * owner, from another IP, is not. Across all IPs the account is only slowed: from `throttleAfter` failures in the
 * window every attempt waits `throttleDelayMs`, doubling with each further failure up to `throttleMaxDelayMs`.
 */
export interface LoginLimits {
  maxFailuresPerAccountIp: number;
  windowMs: number;
  throttleAfter: number;
  throttleDelayMs: number;
  throttleMaxDelayMs: number;
}

/** Uncleared failures inside the window: from this IP on this account, and on this account from every IP. */
export interface LoginFailures {
  fromIp: number;
  total: number;
  /** The oldest of the IP's failures in the window (when it leaves the window, the IP may try again). */
  oldestFromIp: Date | null;
}

export type LoginGate = { allow: true; delayMs: number } | { allow: false; retryAfterSeconds: number };

export function loginGate(failures: LoginFailures, limits: LoginLimits, now: Date): LoginGate {
  if (failures.fromIp >= limits.maxFailuresPerAccountIp) {
    const freeAt = (failures.oldestFromIp?.getTime() ?? now.getTime()) + limits.windowMs;
    return { allow: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)) };
  }
  return { allow: true, delayMs: throttleDelay(failures.total, limits) };
}

/** The account-wide slow-down for `total` failures in the window: 0 below the threshold, then doubling, capped. */
export function throttleDelay(total: number, limits: Pick<LoginLimits, 'throttleAfter' | 'throttleDelayMs' | 'throttleMaxDelayMs'>): number {
  if (total < limits.throttleAfter) return 0;
  const steps = Math.min(total - limits.throttleAfter, 30);
  return Math.min(limits.throttleMaxDelayMs, limits.throttleDelayMs * 2 ** steps);
}

/** Whether a student of this age in this country is under the age at which a guardian must consent (guardians.rules). */
export function underConsentAge(age: number, country: string | null | undefined): boolean {
  return age < consentAgeFor(country);
}
