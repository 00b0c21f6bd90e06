/**
 * Instant-help fixtures written straight into a benchmark's own database (fast: no argon2, no HTTP):
 * approved tutors with live log-in sessions, students, and open questions. Rows are the ones the app itself
 * would write; log-in sessions go through the identity repo's insertSession with the app's hashToken, so the
 * cookies `tl_session=<token>` are accepted exactly like those of a real log-in.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createIdentityRepo, hashPassword, subjectsCatalogue } from '../apps/server/src/modules/identity';
import { hashToken } from '../apps/server/src/modules/identity/identity.service';
import { type Db } from '../apps/server/src/platform/db';
import { schema } from '../apps/server/test/schema';

const { users, tutorProfiles, tutorSubjects, tutorHelpStats, questions, questionNotifications } = schema;

export const SUBJECT = 'maths';
export const LEVEL = 'grade-9-10';

export interface Person {
  id: string;
  email: string;
  /** The Cookie header value: tl_session=<token>. */
  cookie: string;
}

const CHUNK = 500;
async function inChunks<T, R>(items: T[], fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(...(await fn(items.slice(i, i + CHUNK))));
  return out;
}

/** The subjects catalogue (buildApp upserts it too; questions need it before the app starts). */
export async function seedCatalogue(db: Db) {
  await createIdentityRepo(db).upsertSubjects(subjectsCatalogue);
}

async function sessionsFor(db: Db, users: { id: string; email: string }[]): Promise<Person[]> {
  const repo = createIdentityRepo(db);
  const expiresAt = new Date(Date.now() + 24 * 3_600_000);
  const out: Person[] = [];
  // insertSession is one row per call: run a few at a time.
  for (let i = 0; i < users.length; i += 50) {
    const batch = users.slice(i, i + 50);
    out.push(
      ...(await Promise.all(
        batch.map(async ({ id, email }) => {
          const token = randomBytes(32).toString('base64url');
          await repo.insertSession({ tokenHash: hashToken(token), userId: id, createdAt: new Date(), expiresAt, userAgent: 'tutorline-bench' });
          return { id, email, cookie: `tl_session=${token}` };
        }),
      )),
    );
  }
  return out;
}

let passwordHash: Promise<string> | undefined;
const someHash = () => (passwordHash ??= hashPassword(randomBytes(16).toString('hex')));
const tag = () => `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

/** `n` approved tutors teaching SUBJECT/LEVEL, each with a log-in session; `online` sets tutor_help_stats.online. */
export async function seedTutors(db: Db, n: number, opts: { online?: boolean } = {}): Promise<Person[]> {
  const hash = await someHash();
  const t = tag();
  const rows = await inChunks(
    Array.from({ length: n }, (_, i) => i),
    (chunk) =>
      db
        .insert(users)
        .values(chunk.map((i) => ({ role: 'tutor' as const, email: `bench-tutor-${t}-${i}@example.test`, passwordHash: hash, displayName: `Bench Tutor ${i}`, createdAt: new Date(), passwordChangedAt: new Date() })))
        .returning({ id: users.id, email: users.email }),
  );
  const ids = rows.map((r) => r.id);
  const now = new Date();
  await inChunks(ids, (chunk) => db.insert(tutorProfiles).values(chunk.map((userId) => ({ userId, timeZone: 'Asia/Kolkata', approvalStatus: 'approved' as const, approvalChangedAt: now }))).returning({ id: tutorProfiles.userId }));
  await inChunks(ids, (chunk) => db.insert(tutorSubjects).values(chunk.map((tutorId) => ({ tutorId, subjectId: SUBJECT, level: LEVEL }))).returning({ id: tutorSubjects.tutorId }));
  if (opts.online !== undefined) {
    const online = opts.online;
    await inChunks(ids, (chunk) => db.insert(tutorHelpStats).values(chunk.map((tutorId) => ({ tutorId, online }))).returning({ id: tutorHelpStats.tutorId }));
  }
  return sessionsFor(db, rows);
}

/**
 * `n` adult students, each with a log-in session, or with none when `password` is given: they then all share that
 * password (one argon2id hash) and log in through the real API themselves.
 */
export async function seedStudents(db: Db, n: number, opts: { password?: string } = {}): Promise<Person[]> {
  const hash = opts.password === undefined ? await someHash() : await hashPassword(opts.password);
  const t = tag();
  const rows = await inChunks(
    Array.from({ length: n }, (_, i) => i),
    (chunk) =>
      db
        .insert(users)
        .values(chunk.map((i) => ({ role: 'student' as const, email: `bench-student-${t}-${i}@example.test`, passwordHash: hash, displayName: `Bench Student ${i}`, birthDate: '2000-01-01', createdAt: new Date(), passwordChangedAt: new Date() })))
        .returning({ id: users.id, email: users.email }),
  );
  if (opts.password !== undefined) return rows.map((r) => ({ ...r, cookie: '' }));
  return sessionsFor(db, rows);
}

/**
 * `n` open SUBJECT/LEVEL questions, asked round-robin by `students`, expiring in an hour, with no dispatch
 * scheduled (no wave jobs: no background waves run). A tutor may claim only a question they were offered: see
 * offerQuestions.
 */
export async function insertOpenQuestions(db: Db, students: Person[], n: number): Promise<string[]> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + 3_600_000);
  const rows = await inChunks(
    Array.from({ length: n }, (_, i) => i),
    (chunk) =>
      db
        .insert(questions)
        .values(
          chunk.map((i) => ({
            studentId: students[i % students.length]!.id,
            requestId: randomUUID(),
            subjectId: SUBJECT,
            level: LEVEL,
            text: 'Solve x^2 - 5x + 6 = 0 and explain each step.',
            createdAt: now,
            expiresAt,
          })),
        )
        .returning({ id: questions.id }),
  );
  return rows.map((r) => r.id);
}

/**
 * Records that each tutor was offered (notified of) each question, as a wave would: one question_notifications row
 * per pair. A tutor may claim only a question they were offered.
 */
export async function offerQuestions(db: Db, offers: { questionId: string; tutorId: string }[]): Promise<void> {
  const now = new Date();
  const unique = [...new Map(offers.map((o) => [`${o.questionId}:${o.tutorId}`, o])).values()];
  await inChunks(unique, (chunk) =>
    db
      .insert(questionNotifications)
      .values(chunk.map((o) => ({ questionId: o.questionId, tutorId: o.tutorId, wave: 1, notifiedAt: now })))
      .onConflictDoNothing()
      .returning({ id: questionNotifications.questionId }),
  );
}
