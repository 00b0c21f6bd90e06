import type { Role } from '@tutorline/contracts';
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { ADULT_AGE, ageOn, mayBeRecorded, underConsentAge } from './identity.rules';
import { users } from './identity.schema';

/**
 * What other modules may read of accounts, through index.ts (#14): batch reads by id, in the caller's transaction when
 * it passes one. Ids that name no account are left out.
 */
export interface UserContact {
  id: string;
  email: string;
  displayName: string;
}

const anyId = (ids: readonly string[]) => sql`${users.id} = any(${sql.param(ids)}::uuid[])`;
const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** Each existing account's email and display name. */
export async function userContacts(q: Db | Tx, ids: readonly string[]): Promise<UserContact[]> {
  const wanted = [...new Set(ids)].filter(isUuid);
  if (!wanted.length) return [];
  return q.select({ id: users.id, email: users.email, displayName: users.displayName }).from(users).where(anyId(wanted));
}

/** The accounts whose email contains `text` (case-insensitive, taken literally: % and _ match themselves). */
export async function userIdsWithEmailContaining(q: Db | Tx, text: string): Promise<string[]> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await q.select({ id: users.id }).from(users).where(sql`lower(${users.email}) like ${pattern}`);
  return rows.map((r) => r.id);
}

/** An account as other modules may see it: name, role, zone and whether it is disabled. */
export interface AccountSummary {
  id: string;
  role: Role;
  displayName: string;
  timeZone: string;
  disabled: boolean;
}

/** Each existing account's name, role and zone (join in memory by id). */
export async function accountsByIds(q: Db | Tx, ids: readonly string[]): Promise<AccountSummary[]> {
  const wanted = [...new Set(ids)].filter(isUuid);
  if (!wanted.length) return [];
  return q.select({ id: users.id, role: users.role, displayName: users.displayName, timeZone: users.timeZone, disabled: users.disabled }).from(users).where(anyId(wanted));
}

/** Each existing account's email address and interface language, for the notification outbox's email (#20). */
export async function contactsByIds(q: Db | Tx, ids: readonly string[]): Promise<{ id: string; email: string; language: string }[]> {
  const wanted = [...new Set(ids)].filter(isUuid);
  if (!wanted.length) return [];
  return q.select({ id: users.id, email: users.email, language: users.language }).from(users).where(anyId(wanted));
}

/** Of these accounts, those whose camera and microphone must not be recorded on `now`: minors without guardian consent. */
export async function usersLeftOutOfRecordings(q: Db | Tx, ids: readonly string[], now: Date): Promise<Set<string>> {
  const wanted = [...new Set(ids)].filter(isUuid);
  if (!wanted.length) return new Set();
  const rows = await q.select({ id: users.id, role: users.role, birthDate: users.birthDate, guardianContact: users.guardianContact, guardianConsentAt: users.guardianConsentAt, recordingForbidden: users.recordingForbidden }).from(users).where(anyId(wanted));
  return new Set(rows.filter((r) => !mayBeRecorded(r, now)).map((r) => r.id));
}

/**
 * Of these accounts, the students who are minors on `now` (#20: contact details sent to them are masked, their calls
 * may be reviewed). A student whose age is not known yet counts as a minor.
 */
export async function minorsAmong(q: Db | Tx, ids: readonly string[], now: Date): Promise<Set<string>> {
  const wanted = [...new Set(ids)].filter(isUuid);
  if (!wanted.length) return new Set();
  const rows = await q.select({ id: users.id, role: users.role, birthDate: users.birthDate }).from(users).where(anyId(wanted));
  return new Set(rows.filter((r) => r.role === 'student' && (!r.birthDate || ageOn(r.birthDate, now) < ADULT_AGE)).map((r) => r.id));
}

/** Of these accounts, the students whose known age is under their country's consent age on `now` (#20). */
export async function childrenAmong(q: Db | Tx, ids: readonly string[], now: Date): Promise<Set<string>> {
  const wanted = [...new Set(ids)].filter(isUuid);
  if (!wanted.length) return new Set();
  const rows = await q.select({ id: users.id, role: users.role, birthDate: users.birthDate, country: users.country }).from(users).where(anyId(wanted));
  return new Set(rows.filter((r) => r.role === 'student' && r.birthDate && underConsentAge(ageOn(r.birthDate, now), r.country)).map((r) => r.id));
}

/**
 * An account made by a school's LMS launch (LTI, issue #16): a student or course staff, with no password of its own
 * (a marker no password verifies against) and only the claims the school sent. In the caller's transaction, so the
 * LTI link row and the account commit together.
 */
export async function insertSchoolAccount(
  q: Db | Tx,
  values: { role: 'student' | 'course_staff'; email: string; displayName: string; now: Date },
): Promise<{ id: string; role: string }> {
  const [row] = await q
    .insert(users)
    .values({
      role: values.role,
      email: values.email,
      passwordHash: '!lti-no-password',
      displayName: values.displayName,
      // The school launched it, so the school is the consent basis for a minor.
      consentBasis: 'school',
      createdAt: values.now,
      passwordChangedAt: values.now,
    })
    .returning({ id: users.id, role: users.role });
  return row!;
}

/** The account with this email (any case), if there is one. */
export async function accountIdByEmail(q: Db | Tx, email: string): Promise<string | null> {
  const [row] = await q.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`).limit(1);
  return row?.id ?? null;
}

/** One account's staff roles (none for a missing or non-staff account): the ops dashboard's socket room checks them. */
export async function staffRolesOfUser(q: Db | Tx, userId: string): Promise<string[]> {
  if (!isUuid(userId)) return [];
  const [row] = await q.select({ role: users.role, staffRoles: users.staffRoles }).from(users).where(sql`${users.id} = ${userId}`);
  return row && row.role === 'admin' ? [...row.staffRoles] : [];
}
