import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { agsSimOf } from '../../integrations/lms/simulator.ags';
import { nrpsOf } from '../../integrations/lms/simulator.nrps';
import type { PlatformSim } from '../../integrations/lms/simulator';
import { adminClient, Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { freePort } from '../../../test/net';
import { schema } from '../../../test/schema';
import { LTI_COURSE_LEFT } from './index';
import { ltiCourseBookings } from './lti.schema';
import { offsetClock, runLaunch, simulatorOf } from './lti.testkit';

/** A tiny Learning Record Store: records each statement; answers 503 to the first `failFirst` posts. */
async function startLrs(failFirst: number) {
  const got: { auth: string | undefined; version: string | undefined; body: Record<string, unknown> }[] = [];
  let posts = 0;
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      posts += 1;
      if (req.method !== 'POST' || req.url !== '/xapi/statements') return void res.writeHead(404).end();
      if (posts <= failFirst) return void res.writeHead(503).end('busy');
      const body = JSON.parse(text) as Record<string, unknown>;
      got.push({ auth: req.headers.authorization, version: req.headers['x-experience-api-version'] as string | undefined, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([body.id]));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/xapi`, got, posts: () => posts, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * Issue #16, the second half: rosters through NRPS (paging, loops refused, leavers lose the course), the usage report
 * for course staff, and the exports (CSV, xAPI to an LRS through the outbox), against the in-repo simulator.
 */
describeEachBackend('LTI rosters, usage and exports', ({ db }) => {
  let t: TestApp;
  let admin: Client;
  let p: PlatformSim;
  let courseId = '';
  let teacher: Client;
  let asha: Client;
  let ben: Client;
  const clock = offsetClock();
  const left: { courseId: string; userIds: string[] }[] = [];
  const launchAs = async (c: Client, person: string) => {
    const r = await runLaunch(t, p, person);
    expect(r.status, r.body).toBe(302);
    c.cookie = r.sessionCookie!;
    return r.location!.split('/').pop()!;
  };

  beforeAll(async () => {
    const port = await freePort();
    t = await startTestApp(db().database, { port, publicUrl: `http://127.0.0.1:${port}`, allowedOrigins: [`http://127.0.0.1:${port}`], login: relaxedLogin, lti: { simulator: true } }, clock, { manualJobs: true });
    [teacher, asha, ben] = [new Client(t.baseUrl), new Client(t.baseUrl), new Client(t.baseUrl)];
    admin = (await adminClient(t)).client;
    p = await simulatorOf(t).add({ slug: 'nrps', dialect: 'moodle', clientId: 'nrps-client', deploymentId: 'nrps-dep' });
    expect((await admin.post('/api/admin/lti/registrations', p.registrationBody())).status).toBe(201);
    t.app.fastify.platform.events.on(LTI_COURSE_LEFT, async (e) => void left.push(e));
    nrpsOf(p).pageSize = 2;
    courseId = await launchAs(teacher, 'teacher-1');
    expect(await launchAs(asha, 'student-1')).toBe(courseId);
    expect(await launchAs(ben, 'student-2')).toBe(courseId);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('fetches the roster page by page when course staff open the usage report, with a service token', async () => {
    const report = await teacher.get(`/api/lti/courses/${courseId}/usage`);
    expect(report.status, report.text).toBe(200);
    // Five people on three pages of two: the three learners are listed, Chen without an account yet.
    expect(nrpsOf(p).pageRequests).toBe(3);
    expect(agsSimOf(p).requests.filter((r) => r.target === 'token')).toHaveLength(1);
    expect(report.json.roster.problem).toBeNull();
    expect(report.json.learners.map((l: { name: string; launched: boolean }) => [l.name, l.launched])).toEqual([
      ['Asha Learner', true],
      ['Ben Learner', true],
      ['Chen Learner', false],
    ]);
    expect(t.logs()).toContain('"event":"lti_roster_synced"');
    // Fresh for ten minutes: opening it again reads no page.
    await teacher.get(`/api/lti/courses/${courseId}/usage`);
    expect(nrpsOf(p).pageRequests).toBe(3);
  });

  it('a learner the roster no longer lists loses the course (and the course-left event fires); one marked Inactive too', async () => {
    const benPerson = p.people.splice(p.people.findIndex((x) => x.id === 'student-2'), 1)[0]!;
    nrpsOf(p).inactive.add('student-1');
    clock.advance(11 * 60_000);
    const report = await teacher.get(`/api/lti/courses/${courseId}/usage`);
    expect(report.json.learners.map((l: { name: string }) => l.name)).toEqual(['Chen Learner']);
    expect((await ben.get(`/api/lti/courses/${courseId}`)).status).toBe(404);
    expect((await asha.get('/api/lti/courses')).json.courses).toEqual([]);
    expect(left).toHaveLength(1);
    expect(left[0]!.userIds).toHaveLength(2);
    // Back in the course: active again, and a launch also restores a member.
    nrpsOf(p).inactive.delete('student-1');
    expect((await t.app.fastify.lti!.nrps.roster.syncRoster(courseId, { force: true })).ok).toBe(true);
    expect((await asha.get(`/api/lti/courses/${courseId}`)).status).toBe(200);
    p.people.push(benPerson);
    await launchAs(ben, 'student-2');
    expect((await ben.get('/api/me')).json.displayName).toBe('Ben Learner');
    expect((await ben.get(`/api/lti/courses/${courseId}`)).status).toBe(200);
  });

  it('refuses a roster whose pages loop: bounded reads, the last roster kept, the refusal logged and shown', async () => {
    nrpsOf(p).pages = 'loop';
    const before = nrpsOf(p).pageRequests;
    const r = await t.app.fastify.lti!.nrps.roster.syncRoster(courseId, { force: true });
    expect(r).toEqual({ ok: false, reason: 'roster_loops' });
    expect(nrpsOf(p).pageRequests - before).toBe(4); // the first URL, ?page=2, ?page=3, ?page=1 (new spelling); its next, ?page=2, was read
    expect(t.logs()).toMatch(/"event":"lti_roster_refused".*"reason":"roster_loops"/);
    clock.advance(11 * 60_000);
    const report = await teacher.get(`/api/lti/courses/${courseId}/usage`);
    expect(report.json.roster.problem).toBe('roster_loops');
    expect(report.json.learners.map((l: { name: string }) => l.name)).toEqual(['Asha Learner', 'Chen Learner']);
    expect((await asha.get(`/api/lti/courses/${courseId}`)).status).toBe(200);
    nrpsOf(p).pages = 'normal';
  });

  it('a token endpoint answering 500 or 401 is a refusal the report shows, and nothing changes', async () => {
    for (const status of [500, 401] as const) {
      agsSimOf(p).failNext('token', { status });
      clock.advance(2 * 3_600_000); // past the cached token
      const report = await teacher.get(`/api/lti/courses/${courseId}/usage`);
      expect(report.status).toBe(200);
      expect(report.json.roster.problem).toBe('token_failed');
      expect(report.json.learners).toHaveLength(2);
    }
  });

  it('only the course staff and admins read the report and the CSV', async () => {
    expect((await asha.get(`/api/lti/courses/${courseId}/usage`)).status).toBe(403);
    expect((await asha.get(`/api/lti/courses/${courseId}/activities.csv`)).status).toBe(403);
    const other = await simulatorOf(t).add({ slug: 'nrps2', dialect: 'moodle', clientId: 'nrps-client-2', deploymentId: 'nrps-dep-2' });
    expect((await admin.post('/api/admin/lti/registrations', other.registrationBody())).status).toBe(201);
    const otherTeacher = new Client(t.baseUrl);
    const r = await runLaunch(t, other, 'teacher-1');
    otherTeacher.cookie = r.sessionCookie!;
    expect((await otherTeacher.get(`/api/lti/courses/${courseId}/usage`)).status).toBe(404);
    expect((await admin.get(`/api/lti/courses/${courseId}/usage`)).status).toBe(200);
    expect((await teacher.get('/api/lti/courses/not-a-uuid/usage')).status).toBe(400);
  });

  it("counts each learner's sessions, lessons, classes, minutes and last activity, and exports them as CSV and xAPI through the outbox", async () => {
    const tutorClient = new Client(t.baseUrl);
    const tutor = (await signUpTutor(tutorClient)).user;
    const ashaId = (await asha.get('/api/me')).json.id as string;
    const d = db().database.db;
    const now = clock.now().getTime();
    const at = (minutes: number) => new Date(now - minutes * 60_000);
    // An instant-help session counts when its question was asked from this course (decision 076); one asked elsewhere does not.
    const [session] = await d.insert(schema.tutoringSessions).values({ kind: 'instant', status: 'ended', studentId: ashaId, tutorId: tutor.id, startedAt: at(200), endedAt: at(170) }).returning();
    const question = { studentId: ashaId, subjectId: 'maths', level: 'grade-9', status: 'answered' as const, createdAt: at(201), expiresAt: at(190), claimedBy: tutor.id };
    await d.insert(schema.questions).values({ ...question, requestId: crypto.randomUUID(), sessionId: session!.id, courseId });
    const [elsewhere] = await d.insert(schema.tutoringSessions).values({ kind: 'instant', status: 'ended', studentId: ashaId, tutorId: tutor.id, startedAt: at(300), endedAt: at(290) }).returning();
    await d.insert(schema.questions).values({ ...question, requestId: crypto.randomUUID(), sessionId: elsewhere!.id });
    // A lesson booked from this course's link (tagged with it) counts; one booked elsewhere (no tag) counts nowhere here.
    const [lesson] = await d.insert(schema.bookings).values({ tutorId: tutor.id, studentId: ashaId, startsAt: at(160), endsAt: at(100), status: 'completed', idempotencyKey: 'lti-usage-1', createdAt: at(1000) }).returning();
    await d.insert(ltiCourseBookings).values({ bookingId: lesson!.id, courseId, userId: ashaId, taggedAt: at(1000) });
    await d.insert(schema.bookings).values({ tutorId: tutor.id, studentId: ashaId, startsAt: at(400), endsAt: at(340), status: 'completed', idempotencyKey: 'lti-usage-untagged', createdAt: at(1000) });
    const [klass] = await d
      .insert(schema.classes)
      .values({ tutorId: tutor.id, subjectId: 'maths', level: 'grade-9', title: 'Algebra, together', description: 'x', language: 'en', startsAt: at(90), endsAt: at(45), timeZone: 'UTC', capacity: 10, priceMinor: 0, currency: 'INR', status: 'completed', createdAt: at(1000) })
      .returning();
    await d.insert(schema.classAttendance).values({ classId: klass!.id, userId: ashaId, kind: 'join', at: at(89) });
    await d.insert(schema.classEnrolments).values({ classId: klass!.id, studentId: ashaId, status: 'enrolled', enrolledAt: at(1000), courseId });
    // A class Asha joined with a seat taken outside the course counts nowhere here.
    const [elsewhereClass] = await d
      .insert(schema.classes)
      .values({ tutorId: tutor.id, subjectId: 'maths', level: 'grade-9', title: 'Not this course', description: 'x', language: 'en', startsAt: at(80), endsAt: at(75), timeZone: 'UTC', capacity: 10, priceMinor: 0, currency: 'INR', status: 'completed', createdAt: at(1000) })
      .returning();
    await d.insert(schema.classEnrolments).values({ classId: elsewhereClass!.id, studentId: ashaId, status: 'enrolled', enrolledAt: at(1000) });
    await d.insert(schema.classAttendance).values({ classId: elsewhereClass!.id, userId: ashaId, kind: 'join', at: at(79) });
    const other = new Client(t.baseUrl);
    await signUpStudent(other); // not in the course: never counted

    const report = await teacher.get(`/api/lti/courses/${courseId}/usage`);
    const row = report.json.learners.find((l: { name: string }) => l.name === 'Asha Learner');
    expect(row).toMatchObject({ sessions: 1, lessons: 1, classes: 1, minutes: 30 + 60 + 45, lastActivityAt: at(90).toISOString(), launched: true, ltiUserId: 'nrps-student-1' });

    const csv = await teacher.get(`/api/lti/courses/${courseId}/activities.csv`);
    expect(csv.status).toBe(200);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('learner,lti_user_id,verb,activity_kind,activity_id,title,started_at,ended_at,minutes');
    expect(lines.slice(1).map((l) => l.split(',').slice(2, 4).join(' '))).toEqual(['attended session', 'completed lesson', 'attended class']);

    // No LRS yet: refused in words. Then an LRS that is busy once: the outbox retries.
    expect((await teacher.post(`/api/lti/courses/${courseId}/xapi-export`)).status).toBe(409);
    const lrs = await startLrs(1);
    try {
      const regId = (await admin.get('/api/admin/lti/registrations')).json.registrations.find((r: { clientId: string }) => r.clientId === 'nrps-client').id;
      expect((await admin.put(`/api/admin/lti/registrations/${regId}/lrs`, { lrs: { endpoint: 'javascript:alert(1)', key: 'k', secret: 's' } })).status).toBe(400);
      expect((await admin.put(`/api/admin/lti/registrations/${regId}/lrs`, { lrs: { endpoint: lrs.url, key: 'school', secret: 'lrs-secret' } })).status).toBe(200);
      // The secret is stored sealed, like the tool's private keys: not in the row, not in any answer.
      const stored = (await t.app.fastify.lti!.repo.findRegistration(regId))!.settings.lrs as Record<string, unknown>;
      expect(Object.keys(stored).sort()).toEqual(['endpoint', 'key', 'secretSealed']);
      expect(JSON.stringify(stored)).not.toContain('lrs-secret');
      expect((await admin.get('/api/admin/lti/registrations')).text).not.toContain('lrs-secret');
      const queued = await teacher.post(`/api/lti/courses/${courseId}/xapi-export`);
      expect(queued.status, queued.text).toBe(202);
      expect(queued.json.queued).toBe(3);
      await t.app.jobs.drain();
      expect(lrs.got.length).toBe(2); // the first post met a 503
      clock.advance(60_000);
      await t.app.jobs.drain();
      expect(lrs.got.length).toBe(3);
      const verbs = lrs.got.map((g) => (g.body.verb as { id: string }).id).sort();
      expect(verbs).toEqual(['http://adlnet.gov/expapi/verbs/attended', 'http://adlnet.gov/expapi/verbs/attended', 'http://adlnet.gov/expapi/verbs/completed']);
      expect(lrs.got[0]!.body.actor).toEqual({ objectType: 'Agent', name: 'Asha Learner', account: { homePage: p.issuer, name: 'nrps-student-1' } });
      expect(lrs.got.every((g) => g.version === '1.0.3' && g.auth === `Basic ${Buffer.from('school:lrs-secret').toString('base64')}`)).toBe(true);
      // Made once: a second export queues nothing.
      expect((await teacher.post(`/api/lti/courses/${courseId}/xapi-export`)).json.queued).toBe(0);
    } finally {
      await lrs.close();
    }
  });

  it('the daily job refreshes every roster', async () => {
    const before = nrpsOf(p).pageRequests;
    clock.advance(2 * 86_400_000);
    await t.app.jobs.drain();
    expect(nrpsOf(p).pageRequests).toBeGreaterThan(before);
    expect(t.logs()).toContain('"event":"lti_roster_refresh_done"');
  });
});
