import fs from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, Client, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { fakeSfu } from '../../../test/fake-sfu';
import { helpConfig, jpegBytes, listFiles, makeDataDir, removeDir } from '../../../test/help';
import { freePort } from '../../../test/net';
import { insertRow } from '../../../test/old-rows';
import { schema } from '../../../test/schema';
import { SocketPool, type TestSocket } from '../../../test/sockets';
import { sendFile } from '../../../test/uploads';
import { ask as classAsk, control, joinClass, provideFakePorts } from '../classroom/classroom.testkit';
import { launchCourse } from '../lti/lti.testkit';
import { cleanPdf } from '../onboarding/onboarding.testkit';
import { everyMention } from './privacy.erasure.testkit';
import { DAY, SetClock } from './privacy.testkit';

/** Rows of a table that name a user in one column (SQL names: this is the test looking, not a module). */
async function rowsOf(t: TestApp, table: string, column: string, id: string): Promise<number> {
  const r = (await t.app.database.db.execute(sql.raw(`select count(*)::int as n from ${table} where ${column}::text = '${id}'`))) as unknown as { rows: { n: number }[] };
  return r.rows[0]!.n;
}

/**
 * Issue #20, erasure across the modules the first suite leaves empty: a learner who came from a school's LMS (LTI),
 * sat a live class (chat, a named poll vote, the pen and the spotlight) and reported a problem to support; and the
 * class's tutor, who has a profile photo, an onboarding application with documents, and a class recording on disk.
 * After the grace period each module's eraser deletes or anonymises its rows and the stored files are gone.
 */
describeEachBackend('privacy: erasure in the LTI, classroom, support, onboarding and recordings modules', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const clock = new SetClock(Date.now());
  const sockets = new SocketPool();
  const sfu = fakeSfu();
  let learner: { client: Client; id: string };
  let tutor: { client: Client; id: string };
  let other: { client: Client; id: string };
  let classId = '';
  let pollId = '';
  const files = { tutor: [] as string[], recording: '', raw: '', sessionRecording: '' };
  const requests = { learner: '', tutor: '' };
  const filesDir = () => path.join(dataDir, 'files');
  const erasure = () => t.app.fastify.privacy!.erasure;

  beforeAll(async () => {
    dataDir = makeDataDir();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    t = await startTestApp(db().database, { ...helpConfig(dataDir), port, publicUrl, allowedOrigins: [publicUrl], lti: { simulator: true } } as never, clock, { sfu: sfu.sfu, manualJobs: true });
    const { client: admin } = await adminClient(t);
    // The learner's account comes from an LTI launch (lti_users, course membership).
    const course = await launchCourse(t, admin, 'erasure');
    learner = await course.as('student-1');
    const mates = await course.as('student-2');
    other = { client: mates.client, id: mates.id };

    // The tutor: a profile photo, an application with two documents.
    const tc = new Client(t.baseUrl);
    tutor = { client: tc, id: (await signUpTutor(tc, { displayName: 'Ravindra Kulkarni' })).user.id };
    expect((await sendFile(`${t.baseUrl}/api/tutors/me/photo`, tc.cookie, await jpegBytes(400, 400), 'me.jpg', 'image/jpeg', 'PUT')).status).toBe(200);
    const draft = { bio: 'Ravindra Kulkarni, maths teacher in Pune for eight years.', experience: 'Eight years.', languages: ['English'], subjects: [{ subjectId: 'maths', level: 'grade-9-10', sampleAnswer: 'Maths: start from what is given, write the law that links it to what is asked, then solve.' }] };
    expect((await tc.put('/api/onboarding/application', draft)).status).toBe(200);
    for (const [kind, data, name, type] of [['id_document', await jpegBytes(600, 400), 'aadhaar.jpg', 'image/jpeg'], ['qualification', cleanPdf(), 'degree.pdf', 'application/pdf']] as const) {
      const up = await sendFile(`${t.baseUrl}/api/onboarding/documents?kind=${kind}`, tc.cookie, data, name, type);
      expect(up.status, up.text).toBe(201);
    }
    const [profile] = await t.app.database.db.select().from(schema.tutorProfiles).where(eq(schema.tutorProfiles.userId, tutor.id));
    const docs = await t.app.database.db.select().from(schema.tutorApplicationDocuments);
    files.tutor = [profile!.photoKey!, profile!.photoKey!.replace(/\.jpg$/, '.thumb.jpg'), ...docs.map((d) => d.storageKey)];
    for (const key of files.tutor) expect(listFiles(filesDir())).toContain(key);

    // A live class: the learner chats, votes in a named poll, holds the pen and is in the spotlight.
    const fake = provideFakePorts(t.app.fastify.platform.ports);
    classId = fake.addClass({ tutorId: tutor.id, learners: [learner.id, other.id], roomOpensAt: new Date(clock.now().getTime() - 60_000), endsAt: new Date(clock.now().getTime() + 3_600_000) }).id;
    const teacherSocket = (await sockets.connect(t.baseUrl, tc.cookie)).socket;
    const learnerSocket: TestSocket = (await sockets.connect(t.baseUrl, learner.client.cookie)).socket;
    expect((await joinClass(teacherSocket, classId)).ok).toBe(true);
    expect((await joinClass(learnerSocket, classId)).ok).toBe(true);
    expect((await classAsk(learnerSocket, 'class:chat', { classId, clientId: crypto.randomUUID(), text: 'This is Asha Learner, asha@school.example' })).ok).toBe(true);
    const poll = await control(teacherSocket, classId, { type: 'poll-create', poll: { question: 'Which did you finish?', options: ['A', 'B'], multiple: false, anonymous: false } });
    pollId = poll.ok ? poll.pollId! : '';
    expect(await classAsk(learnerSocket, 'class:vote', { classId, pollId, choices: [1] })).toEqual({ ok: true });
    expect((await control(teacherSocket, classId, { type: 'pen', userId: learner.id })).ok).toBe(true);
    expect((await control(teacherSocket, classId, { type: 'spotlight', userId: learner.id })).ok).toBe(true);

    // The tutor records the class: Janus's raw file and a converted participant's WebM on disk.
    const rec = await t.app.fastify.recordings.start({ roomRef: classId, sfuRoom: 4242, secret: 's', ownerId: tutor.id });
    if (!rec.ok) throw new Error(rec.reason);
    files.raw = path.join(t.app.fastify.recordings.recordDirFor(4242), `${rec.value.id}-feed-1-video-0.mjr`);
    fs.writeFileSync(files.raw, 'raw');
    // `<root>/raw/<room>` is where Janus writes; `<root>/<id>` holds the converted files.
    files.recording = path.join(t.app.fastify.recordings.recordDirFor(4242), '..', '..', rec.value.id, 'feed-1.webm');
    fs.mkdirSync(path.dirname(files.recording), { recursive: true });
    fs.writeFileSync(files.recording, 'webm');

    // A 1:1 session the tutor asked to record and the learner agreed to: the tutor owns the recording, the learner is in it.
    const sessionId = crypto.randomUUID();
    await insertRow(t.app.database.db, 'tutoring_sessions', { id: sessionId, kind: 'instant', status: 'ended', student_id: learner.id, tutor_id: tutor.id, started_at: clock.now(), ended_at: clock.now() });
    const one = await t.app.fastify.recordings.start({ roomRef: `session:${sessionId}`, sfuRoom: 4343, secret: 's', ownerId: tutor.id });
    if (!one.ok) throw new Error(one.reason);
    await insertRow(t.app.database.db, 'session_recordings', { id: crypto.randomUUID(), session_id: sessionId, asked_by: tutor.id, asked_at: clock.now(), expires_at: clock.now(), status: 'stopped', answered_by: learner.id, answered_at: clock.now(), recording_id: one.value.id });
    files.sessionRecording = path.join(t.app.fastify.recordings.recordDirFor(4343), '..', '..', one.value.id, 'feed-2.webm');
    fs.mkdirSync(path.dirname(files.sessionRecording), { recursive: true });
    fs.writeFileSync(files.sessionRecording, 'webm');

    // The learner reports a problem and adds a message.
    const ticket = await learner.client.post('/api/support/tickets', { areas: ['video'], device: 'phone', network: 'mobile', workedBefore: 'yes', description: 'Asha Learner here: the video froze.' });
    expect(ticket.status, ticket.text).toBe(201);
    expect((await learner.client.post(`/api/support/tickets/${ticket.json.id}/messages`, { body: 'Still frozen, write to asha@school.example' })).status).toBe(200);

    learnerSocket.disconnect();
    teacherSocket.disconnect();
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
    removeDir(dataDir);
  });

  it('before: every module holds the users’ rows and files', async () => {
    expect(await rowsOf(t, 'lti_users', 'user_id', learner.id)).toBe(1);
    expect(await rowsOf(t, 'lti_course_members', 'user_id', learner.id)).toBe(1);
    expect(await rowsOf(t, 'classroom_participants', 'user_id', learner.id)).toBe(1);
    expect(await rowsOf(t, 'classroom_messages', 'sender_id', learner.id)).toBe(1);
    expect(await rowsOf(t, 'classroom_events', 'user_id', learner.id)).toBeGreaterThan(0);
    expect(await rowsOf(t, 'classroom_poll_ballots', 'user_id', learner.id)).toBe(1);
    expect(await rowsOf(t, 'classroom_poll_votes', 'voter_id', learner.id)).toBe(1);
    expect(await rowsOf(t, 'classroom_states', 'pen_user_id', learner.id)).toBe(1);
    expect(await rowsOf(t, 'support_tickets', 'user_id', learner.id)).toBe(1);
    expect(await rowsOf(t, 'tutor_applications', 'tutor_id', tutor.id)).toBe(1);
    expect(await rowsOf(t, 'recordings', 'owner_id', tutor.id)).toBe(2);
    expect(fs.existsSync(files.sessionRecording)).toBe(true);
    const found = await everyMention(t.app.database.db, ['Asha Learner', 'asha@school.example', 'Ravindra Kulkarni']);
    expect(found).toEqual(expect.arrayContaining(['users.display_name has Asha Learner', 'lti_pending_links.display_name has Asha Learner', 'support_ticket_messages.body has asha@school.example', 'classroom_messages.body has Asha Learner', 'support_tickets.description has Asha Learner', 'tutor_applications.bio has Ravindra Kulkarni']));
    expect(fs.existsSync(files.recording) && fs.existsSync(files.raw)).toBe(true);

    const asked = await learner.client.post('/api/privacy/erasure', {});
    expect(asked.status, asked.text).toBe(202);
    requests.learner = asked.json.pending.id;
    const tutorAsked = await tutor.client.post('/api/privacy/erasure', {});
    expect(tutorAsked.status, tutorAsked.text).toBe(202);
    requests.tutor = tutorAsked.json.pending.id;
  });

  it('after the grace period: the learner’s LTI link, class rows and tickets are erased; class chat and votes stay without them', async () => {
    clock.advance(14 * DAY + 1000);
    expect(await erasure().run(requests.learner)).toBe('erased');
    const [done] = await t.app.database.db.select().from(schema.erasureRequests).where(eq(schema.erasureRequests.id, requests.learner));
    expect(done!.counts).toMatchObject({
      lti: { lti_users: 1, lti_course_members: 1 },
      classroom: { classroom_participants: 1, classroom_messages: 1, classroom_poll_ballots: 1, classroom_poll_votes: 1, classroom_states: 1 },
      support: { support_tickets: 1, support_ticket_messages: 1 },
      // The recording of the 1:1 session the learner agreed to goes, though the tutor asked for it and owns it.
      sessionrec: { recordings: 1, session_recordings: 1 },
    });
    expect(fs.existsSync(files.sessionRecording)).toBe(false);
    expect(await rowsOf(t, 'session_recordings', 'answered_by', learner.id)).toBe(0);
    // Deleted.
    for (const [table, column] of [['lti_users', 'user_id'], ['lti_course_members', 'user_id'], ['classroom_participants', 'user_id'], ['classroom_events', 'user_id'], ['classroom_poll_ballots', 'user_id'], ['support_tickets', 'user_id']] as const) {
      expect(await rowsOf(t, table, column, learner.id), table).toBe(0);
    }
    expect(await rowsOf(t, 'support_ticket_messages', 'author_id', learner.id)).toBe(0);
    // Anonymised: the line and the vote stay for the class, naming no one; the pen and spotlight let go.
    const lines = await t.app.database.db.select().from(schema.classroomMessages).where(eq(schema.classroomMessages.classId, classId));
    expect(lines.map((l) => [l.senderId, l.body])).toEqual([[learner.id, 'Message from a deleted user']]);
    const votes = await t.app.database.db.select().from(schema.classroomPollVotes).where(eq(schema.classroomPollVotes.pollId, pollId));
    expect(votes.map((v) => [v.voterId, v.choices])).toEqual([[null, [1]]]);
    const [state] = await t.app.database.db.select().from(schema.classroomStates).where(eq(schema.classroomStates.classId, classId));
    expect(state).toMatchObject({ penUserId: null, spotlightUserId: null });
    // The classmate who came from the same course keeps their own LTI link.
    expect(await rowsOf(t, 'lti_users', 'user_id', other.id)).toBe(1);
    expect(await everyMention(t.app.database.db, ['Asha Learner', 'asha@school.example'])).toEqual([]);
  });

  it('the tutor’s application, documents, photo and class recording are deleted, rows and files', async () => {
    expect(await erasure().run(requests.tutor)).toBe('erased');
    const [done] = await t.app.database.db.select().from(schema.erasureRequests).where(eq(schema.erasureRequests.id, requests.tutor));
    expect(done!.counts).toMatchObject({
      recordings: { recordings: 1 },
      onboarding: { tutor_applications: 1, tutor_application_subjects: 1, tutor_application_documents: 2, files: 2 },
      identity: { tutor_profiles: 1, files: 2 },
    });
    for (const [table, column] of [['tutor_applications', 'tutor_id'], ['recordings', 'owner_id']] as const) expect(await rowsOf(t, table, column, tutor.id), table).toBe(0);
    expect(await t.app.database.db.select().from(schema.tutorApplicationDocuments)).toEqual([]);
    expect(await t.app.database.db.select().from(schema.tutorApplicationSubjects)).toEqual([]);
    const left = listFiles(filesDir());
    for (const key of files.tutor) expect(left, key).not.toContain(key);
    expect(fs.existsSync(files.recording)).toBe(false);
    expect(fs.existsSync(files.raw)).toBe(false);
    expect(await everyMention(t.app.database.db, ['Ravindra Kulkarni'])).toEqual([]);
    // The class's poll and board stay, naming the teacher by id only.
    expect(await rowsOf(t, 'classroom_polls', 'id', pollId)).toBe(1);
  });
});
