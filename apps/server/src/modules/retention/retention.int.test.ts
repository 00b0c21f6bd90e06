import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { makeDataDir, removeDir } from '../../../test/help';
import { insertRow, oldUser } from '../../../test/old-rows';
import { schema } from '../../../test/schema';
import type { Db } from '../../platform/db';
import { RETENTION_EVERY_MS, RETENTION_QUEUE, type RetentionReport } from './index';

/** A clock the test sets by hand: the rows' times and the job both read it. */
class SetClock {
  constructor(private t: number) {}
  now = () => new Date(this.t);
  set(at: Date) {
    this.t = at.getTime();
  }
}
const DAY = 86_400_000;

/** The last `retention_completed` report in the logs. */
function lastReport(logs: string): RetentionReport {
  const lines = logs.split('\n').filter((l) => l.includes('"event":"retention_completed"'));
  expect(lines.length).toBeGreaterThan(0);
  return JSON.parse(lines.at(-1)!) as RetentionReport;
}

/** Issue #20: the daily retention job deletes only what the schedule says is old, rows and files, except held sessions. */
describeEachBackend('retention: the daily job over every module', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const clock = new SetClock(Date.parse('2026-12-07T09:30:00.000Z'));
  const now = clock.now().getTime();
  const ago = (days: number) => new Date(now - days * DAY);
  const files = () => path.join(dataDir, 'files');
  const recordingsDir = () => t.app.config.recordings.dir;
  const ids = { photoOld: randomUUID(), photoNew: randomUUID(), photoHeld: randomUUID(), chatPhotoOld: randomUUID(), recOld: randomUUID(), recNew: randomUUID(), recHeld: randomUUID() };
  let sOld: string, sHeld: string, sNew: string, reportId: string;
  const classId = randomUUID();

  /** A stored photo's two files (image and thumbnail) under the storage root. */
  const putPhoto = (prefix: string, id: string, bytes: number) => {
    fs.mkdirSync(path.join(files(), prefix), { recursive: true });
    fs.writeFileSync(path.join(files(), prefix, `${id}.jpg`), Buffer.alloc(bytes, 1));
    fs.writeFileSync(path.join(files(), prefix, `${id}.thumb.jpg`), Buffer.alloc(10, 1));
    return { storage_key: `${prefix}/${id}.jpg`, thumb_key: `${prefix}/${id}.thumb.jpg`, width: 10, height: 10, bytes };
  };
  const photoExists = (prefix: string, id: string) => fs.existsSync(path.join(files(), prefix, `${id}.jpg`)) || fs.existsSync(path.join(files(), prefix, `${id}.thumb.jpg`));
  const recording = async (d: Db, id: string, roomRef: string, createdDaysAgo: number, bytes: number) => {
    fs.mkdirSync(path.join(recordingsDir(), id), { recursive: true });
    fs.writeFileSync(path.join(recordingsDir(), id, 'feed-1.webm'), Buffer.alloc(bytes, 2));
    const created = ago(createdDaysAgo);
    await d.insert(schema.recordings).values({ id, roomRef, sfuRoom: '7', ownerId: randomUUID(), status: 'ready', files: [{ feed: 1, file: 'feed-1.webm', bytes, durationMs: 1000 }], durationMs: 1000, createdAt: created, stoppedAt: created, deleteAfter: new Date(created.getTime() + 90 * DAY) });
  };
  const recordingExists = (id: string) => fs.existsSync(path.join(recordingsDir(), id));

  beforeAll(async () => {
    dataDir = makeDataDir();
    // Jobs run only when the test drains them, at the test's clock.
    t = await startTestApp(db().database, { dataDir }, clock, { manualJobs: true });
    const d = db().database.db;
    const student = await oldUser(d, 'student', ago(400));
    const tutor = await oldUser(d, 'tutor', ago(400));
    const session = async (startedDaysAgo: number) => {
      const id = randomUUID();
      await insertRow(d, 'tutoring_sessions', { id, kind: 'instant', status: 'ended', student_id: student, tutor_id: tutor, started_at: ago(startedDaysAgo), ended_at: ago(startedDaysAgo) });
      return id;
    };
    sOld = await session(400);
    sHeld = await session(400);
    sNew = await session(100);
    // A reporter's open report holds sHeld's evidence; a closed one on sOld holds nothing.
    reportId = randomUUID();
    const report = (id: string, sessionId: string, status: 'open' | 'closed') =>
      insertRow(d, 'safety_reports', { id, session_id: sessionId, reporter_id: student, reported_id: tutor, category: 'other', text: 'x', source: 'room', severe: false, status, blocked: false, created_at: ago(399) });
    await report(reportId, sHeld, 'open');
    await report(randomUUID(), sOld, 'closed');

    // Question photos: 180 days after the question.
    await d.execute(sql`insert into subjects (id, name, levels) values ('retention', 'Retention', array['any']) on conflict do nothing`);
    const question = async (daysAgo: number, sessionId: string | null, photoId: string) => {
      const id = randomUUID();
      await insertRow(d, 'questions', { id, student_id: student, request_id: randomUUID(), subject_id: 'retention', level: 'any', status: 'answered', created_at: ago(daysAgo), expires_at: ago(daysAgo), session_id: sessionId });
      await insertRow(d, 'question_photos', { id: photoId, owner_id: student, question_id: id, position: 0, ...putPhoto('photos', photoId, 1000), created_at: ago(daysAgo) });
    };
    await question(181, sOld, ids.photoOld);
    await question(170, sNew, ids.photoNew);
    await question(181, sHeld, ids.photoHeld);

    // Chat: a year. An old message with a photo, a newer one, and the held session's old message.
    await insertRow(d, 'room_photos', { id: ids.chatPhotoOld, session_id: sOld, owner_id: student, ...putPhoto('chat', ids.chatPhotoOld, 500), created_at: ago(366) });
    const message = (sessionId: string, daysAgo: number, body: string, photoId: string | null = null) =>
      insertRow(d, 'room_messages', { session_id: sessionId, sender_id: student, client_id: randomUUID(), body, photo_id: photoId, created_at: ago(daysAgo) });
    await message(sOld, 366, 'old', ids.chatPhotoOld);
    await message(sOld, 300, 'new');
    await message(sHeld, 380, 'held');
    const classMessage = (daysAgo: number, body: string) => insertRow(d, 'classroom_messages', { class_id: classId, sender_id: student, client_id: randomUUID(), body, to_teacher: false, created_at: ago(daysAgo) });
    await classMessage(366, 'old');
    await classMessage(300, 'new');

    // Recordings: 90 days.
    await recording(d, ids.recOld, `session:${sOld}`, 91, 4000);
    await recording(d, ids.recNew, `session:${sNew}`, 80, 3000);
    await recording(d, ids.recHeld, `session:${sHeld}`, 100, 2000);

    // Call diagnostics: 90 days, the 1:1 call timeline and the class timeline.
    const callEvent = (sessionId: string, daysAgo: number, type: string) => insertRow(d, 'call_events', { session_id: sessionId, user_id: student, type, at: ago(daysAgo), data: { rttMs: 80 } });
    await callEvent(sOld, 91, 'quality');
    await callEvent(sNew, 80, 'quality');
    await callEvent(sHeld, 100, 'joined');
    await insertRow(d, 'classroom_events', { class_id: classId, user_id: student, type: 'joined', at: ago(91), data: {} });
    await insertRow(d, 'classroom_events', { class_id: classId, user_id: student, type: 'joined', at: ago(80), data: {} });

    // /check reports and failed log-ins: 30 days.
    await insertRow(d, 'connectivity_reports', { id: 'RET-OLD', user_id: student, overall: 'pass', results: {}, ip: '203.0.113.9', created_at: ago(31) });
    await insertRow(d, 'connectivity_reports', { id: 'RET-NEW', user_id: student, overall: 'pass', results: {}, ip: '203.0.113.9', created_at: ago(29) });
    await insertRow(d, 'failed_logins', { account: 'retention@example.test', ip: '203.0.113.1', at: ago(31) });
    await insertRow(d, 'failed_logins', { account: 'retention@example.test', ip: '203.0.113.2', at: ago(29) });

    // Web Push subscriptions: 180 days after the browser last renewed one.
    const browser = (name: string, daysAgo: number) => insertRow(d, 'push_subscriptions', { user_id: student, endpoint: `https://push.example.test/${name}`, p256dh: 'p', auth: 'a', created_at: ago(daysAgo) });
    await browser('old', 181);
    await browser('new', 179);

    // In-app notices: a year, read or not, for every user; the tutor is the second user.
    const notice = (userId: string, text: string, daysAgo: number, read: boolean) =>
      insertRow(d, 'user_notifications', { user_id: userId, kind: 'retention', text, created_at: ago(daysAgo), read_at: read ? ago(daysAgo - 1) : null });
    await notice(student, 'student old read', 366, true);
    await notice(student, 'student old unread', 366, false);
    await notice(student, 'student new', 300, false);
    await notice(tutor, 'tutor old', 400, true);
    await notice(tutor, 'tutor new', 10, false);

    // Finished notification jobs: 30 days after they finished; queued and running ones stay however old.
    const sent = { kind: 'retention', text: 'Your lesson starts soon' };
    const job = (name: string, queue: string, state: string, finishedDaysAgo: number | null, extra: Record<string, unknown> = {}) =>
      insertRow(d, 'jobs', { queue, payload: { userId: student, message: sent, name }, dedupe_key: `retention:${name}`, state, run_at: ago(40), created_at: ago(40), finished_at: finishedDaysAgo === null ? null : ago(finishedDaysAgo), ...extra });
    await job('sent-old', 'notify.deliver', 'done', 31);
    await job('push-failed-old', 'notify.push', 'failed', 31, { attempts: 8, last_error: 'HTTP 400' });
    await job('parked-old', 'notify.deliver', 'parked', 40);
    await job('push-sent-new', 'notify.push', 'done', 28);
    // A retry waiting for its turn, and one a worker holds: old, but not finished.
    await job('retrying-old', 'notify.deliver', 'queued', null, { attempts: 3, run_at: new Date(now + 10 * DAY) });
    await job('running-old', 'notify.push', 'running', null, { attempts: 1, run_at: new Date(now + 10 * DAY), locked_until: new Date(now + 10 * DAY) });
    // Another module's finished job is not a notification's: its own module decides. WhatsApp's wa.system jobs name a
    // number, so they go with the same period; wa.send holds only a message's id, whose row has its own rule.
    await job('other-queue-old', 'wa.send', 'done', 40);
    await job('wa-system-old', 'wa.system', 'done', 31);
    await job('wa-system-new', 'wa.system', 'done', 28);
  });
  afterAll(async () => {
    await t?.close();
    removeDir(dataDir);
  });

  it('deletes only the old rows and files of each kind, keeps held sessions, and reports what went', async () => {
    const d = db().database.db;
    await t.app.jobs.drain();
    const report = lastReport(t.logs());
    expect(report.failed).toEqual([]);
    expect(report.kinds).toEqual({
      question_photos: { rows: 1, files: 1, bytes: 1000, held: 1, keptDays: 180 },
      // the old message and its photo in the 1:1 room, the old class message
      chat: { rows: 3, files: 1, bytes: 500, held: 1, keptDays: 365 },
      recordings: { rows: 1, files: 1, bytes: 4000, held: 1, keptDays: 90 },
      call_diagnostics: { rows: 2, files: 0, bytes: 0, held: 1, keptDays: 90 },
      check_reports: { rows: 1, files: 0, bytes: 0, held: 0, keptDays: 30 },
      failed_logins: { rows: 1, files: 0, bytes: 0, held: 0, keptDays: 30 },
      push_subscriptions: { rows: 1, files: 0, bytes: 0, held: 0, keptDays: 180 },
      notices: { rows: 3, files: 0, bytes: 0, held: 0, keptDays: 365 },
      finished_jobs: { rows: 4, files: 0, bytes: 0, held: 0, keptDays: 30 },
    });
    expect((await d.select({ text: schema.userNotifications.text }).from(schema.userNotifications)).map((r) => r.text).sort()).toEqual(['student new', 'tutor new']);
    const jobNames = (await d.select({ key: schema.jobs.dedupeKey }).from(schema.jobs)).map((r) => r.key).filter((k) => k?.startsWith('retention:'));
    expect(jobNames.sort()).toEqual(['retention:other-queue-old', 'retention:push-sent-new', 'retention:retrying-old', 'retention:running-old', 'retention:wa-system-new']);
    expect((await d.select({ endpoint: schema.pushSubscriptions.endpoint }).from(schema.pushSubscriptions)).map((r) => r.endpoint)).toEqual(['https://push.example.test/new']);

    // Rows: only the new and the held are left.
    const photoIds = (await d.select({ id: schema.questionPhotos.id }).from(schema.questionPhotos)).map((r) => r.id).sort();
    expect(photoIds).toEqual([ids.photoNew, ids.photoHeld].sort());
    expect((await d.select({ body: schema.roomMessages.body }).from(schema.roomMessages)).map((r) => r.body).sort()).toEqual(['held', 'new']);
    expect(await d.select().from(schema.roomPhotos)).toEqual([]);
    expect((await d.select({ body: schema.classroomMessages.body }).from(schema.classroomMessages)).map((r) => r.body)).toEqual(['new']);
    expect((await d.select({ id: schema.recordings.id }).from(schema.recordings)).map((r) => r.id).sort()).toEqual([ids.recNew, ids.recHeld].sort());
    expect((await d.select({ s: schema.callEvents.sessionId }).from(schema.callEvents)).map((r) => r.s).sort()).toEqual([sHeld, sNew].sort());
    expect(await d.select({ at: schema.classroomEvents.at }).from(schema.classroomEvents)).toEqual([{ at: ago(80) }]);
    expect((await d.select({ id: schema.connectivityReports.id }).from(schema.connectivityReports)).map((r) => r.id)).toEqual(['RET-NEW']);
    expect((await d.select({ ip: schema.failedLogins.ip }).from(schema.failedLogins)).map((r) => r.ip)).toEqual(['203.0.113.2']);
    // Files: deleted from storage with their rows, kept with theirs.
    expect(photoExists('photos', ids.photoOld)).toBe(false);
    expect(photoExists('photos', ids.photoNew)).toBe(true);
    expect(photoExists('photos', ids.photoHeld)).toBe(true);
    expect(photoExists('chat', ids.chatPhotoOld)).toBe(false);
    expect(recordingExists(ids.recOld)).toBe(false);
    expect(recordingExists(ids.recNew)).toBe(true);
    expect(recordingExists(ids.recHeld)).toBe(true);

    // The run queued tomorrow's, and nothing else is due before it.
    const queued = (await d.select().from(schema.jobs).where(eq(schema.jobs.queue, RETENTION_QUEUE.queue))).filter((j) => j.state === 'queued');
    expect(queued.map((j) => j.runAt.getTime())).toEqual([Math.floor(now / RETENTION_EVERY_MS) * RETENTION_EVERY_MS + RETENTION_EVERY_MS]);
  });

  it('running again removes nothing more; the next day the held session is still kept until its report is closed', async () => {
    const d = db().database.db;
    const again = await t.app.fastify.retention.run();
    for (const kind of Object.values(again.kinds)) expect({ rows: kind.rows, files: kind.files, bytes: kind.bytes }).toEqual({ rows: 0, files: 0, bytes: 0 });
    expect(again.kinds.chat.held).toBe(1);

    // Tomorrow's job (the clock moved a day) finds nothing new: the new rows are still inside their periods.
    clock.set(new Date(now + DAY));
    await t.app.jobs.drain();
    expect(Object.values(lastReport(t.logs()).kinds).every((k) => k.rows === 0)).toBe(true);

    // The report is closed: its hold is released, and the next run deletes the held session's old data and files.
    await d.update(schema.safetyReports).set({ status: 'closed', closedAt: clock.now() }).where(eq(schema.safetyReports.id, reportId));
    const released = await t.app.fastify.retention.run();
    expect(released.kinds.question_photos).toMatchObject({ rows: 1, files: 1, bytes: 1000, held: 0 });
    expect(released.kinds.chat).toMatchObject({ rows: 1, held: 0 });
    expect(released.kinds.recordings).toMatchObject({ rows: 1, files: 1, bytes: 2000, held: 0 });
    expect(released.kinds.call_diagnostics).toMatchObject({ rows: 1, held: 0 });
    expect(photoExists('photos', ids.photoHeld)).toBe(false);
    expect(recordingExists(ids.recHeld)).toBe(false);
    expect(await d.select().from(schema.recordings).where(inArray(schema.recordings.id, [ids.recHeld]))).toEqual([]);
    expect(photoExists('photos', ids.photoNew)).toBe(true);
  });
});
