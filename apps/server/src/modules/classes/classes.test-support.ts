import { createHash, randomBytes } from 'node:crypto';
import { Client, relaxedLogin, signUpTutor, startTestApp, type TestApp, uniqueEmail } from '../../../test/app';
import { createIdentityRepo } from '../identity';
import type { Database } from '../../platform/db';

/** A clock the test sets by hand: creation, enrolment, access, the sweep and reminders all read it. */
export class SetClock {
  constructor(private t: number) {}
  now = () => new Date(this.t);
  set(at: Date) {
    this.t = at.getTime();
  }
}

export const MINUTE = 60_000;
export const plus = (d: Date, minutes: number) => new Date(d.getTime() + minutes * MINUTE);

export const startClassesApp = (database: Database, clock: SetClock) => startTestApp(database, { login: relaxedLogin }, clock, { manualJobs: true });

/** An approved tutor teaching maths at grade-9-10, in Kolkata. */
export async function classTutor(t: TestApp, zone = 'Asia/Kolkata') {
  const client = new Client(t.baseUrl);
  const { user } = await signUpTutor(client, { timeZone: zone });
  await createIdentityRepo(t.app.database.db).setApproval(user.id, 'approved', user.id, t.app.clock.now());
  const profile = await client.put('/api/tutors/me/profile', { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }] });
  if (profile.status !== 200) throw new Error(`profile failed: ${profile.status} ${profile.text}`);
  return { client, id: user.id };
}

/**
 * `n` adult learners, each with a session cookie made the way a log-in makes one (a random token, its SHA-256 stored):
 * the suite is about classes, and 40 password checks would take most of its time.
 */
export async function learners(t: TestApp, n: number, zone = 'America/New_York') {
  const repo = createIdentityRepo(t.app.database.db);
  const now = t.app.clock.now();
  const out: { client: Client; id: string }[] = [];
  for (let i = 0; i < n; i++) {
    const email = uniqueEmail('learner');
    const user = await repo.insertUser({ role: 'student', email, passwordHash: 'no-password-log-in', displayName: `Learner ${i + 1}`, birthDate: '2000-01-01', timeZone: zone, createdAt: now, passwordChangedAt: now });
    const token = randomBytes(32).toString('base64url');
    await repo.insertSession({ tokenHash: createHash('sha256').update(token).digest('base64url'), userId: user.id, createdAt: now, expiresAt: new Date(now.getTime() + 30 * 86_400_000), userAgent: null });
    const client = new Client(t.baseUrl);
    client.cookie = `tl_session=${token}`;
    out.push({ client, id: user.id });
  }
  return out;
}

/** A valid class body starting at `date` `time` in the tutor's zone. */
export const classBody = (over: Record<string, unknown> = {}) => ({
  subjectId: 'maths',
  level: 'grade-9-10',
  title: 'Quadratic equations',
  description: 'Factorising and the formula.',
  date: '2026-12-10',
  time: '18:30',
  durationMinutes: 60,
  capacity: 30,
  priceMinor: 0,
  currency: 'INR',
  language: 'English',
  ...over,
});
