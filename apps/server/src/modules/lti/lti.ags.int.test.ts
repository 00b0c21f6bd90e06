import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PlatformSim } from '../../integrations/lms/simulator';
import { agsSimOf } from '../../integrations/lms/simulator.ags';
import { adminClient, Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { freePort } from '../../../test/net';
import { schema } from '../../../test/schema';
import { SocketPool } from '../../../test/sockets';
import { waitUntil } from '../../../test/help';
import { QUESTION_RATED } from '../help';
import { ltiAgsScores } from './lti.ags.schema';
import { LTI_AGS_SCORE_QUEUE, type Outcome } from './lti.ags.service';
import { offsetClock, runLaunch, simulatorOf } from './lti.testkit';

const MINUTE = 60_000;
type AnySocket = { timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<{ ok: boolean }> } };

/** Issue #16, grades back (AGS 2.0) against the in-repo LMS simulator: tokens, line items, scores, retries, ordering. */
describeEachBackend('LTI AGS: scores to the LMS gradebook', ({ db }) => {
  let t: TestApp;
  let sim: PlatformSim;
  const clock = offsetClock();
  const sockets = new SocketPool();
  const students: Record<string, { userId: string; cookie: string }> = {};

  const ags = () => agsSimOf(sim);
  const service = () => t.app.fastify.lti!.ags;
  const logs = (event: string) =>
    t
      .logs()
      .split('\n')
      .filter((l) => l.includes(`"event":"${event}"`))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const jobsOfQueue = () => db().database.db.select().from(schema.jobs).where(eq(schema.jobs.queue, LTI_AGS_SCORE_QUEUE.queue));
  /** An outcome as a module's event reports it, inside its own transaction. */
  const outcome = (o: Omit<Outcome, 'at'> & { at?: Date }) => db().database.db.transaction((tx) => service().recordOutcome(tx, { at: clock.now(), ...o }));
  const scoreOf = (person: string, tag: string) => {
    const item = [...ags().lineItems.values()].find((i) => i.tag === tag);
    return item ? ags().scores.get(item.id)?.get(`${sim.opts.slug}-${person}`) : undefined;
  };
  const drain = () => t.app.jobs.drain();

  beforeAll(async () => {
    const port = await freePort();
    t = await startTestApp(db().database, { port, publicUrl: `http://127.0.0.1:${port}`, allowedOrigins: [`http://127.0.0.1:${port}`], login: relaxedLogin, lti: { simulator: true } }, clock, { manualJobs: true });
    sim = await simulatorOf(t).add({ slug: 'ags', dialect: 'canvas', clientId: 'canvas-ags-client', deploymentId: 'ags-dep-1' });
    const admin = (await adminClient(t)).client;
    expect((await admin.post('/api/admin/lti/registrations', sim.registrationBody())).status).toBe(201);
    for (const person of ['student-1', 'student-2', 'student-3']) {
      const launched = await runLaunch(t, sim, person);
      expect(launched.status, launched.body).toBe(302);
      const me = new Client(t.baseUrl);
      me.cookie = launched.sessionCookie!;
      students[person] = { userId: (await me.get('/api/me')).json.id, cookie: launched.sessionCookie! };
    }
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
  });

  it('posts a score when a booked lesson completes, and the gradebook page shows it', async () => {
    // The course already has a lesson column, on the container's second page behind eleven others, and the platform
    // ignores the tag filter: the tool follows Link rel="next" to it instead of adding a second column.
    ags().ignoreFilters = true;
    for (let i = 0; i < 11; i++) ags().addLineItem({ label: `Quiz ${i + 1}`, scoreMaximum: 20, tag: `quiz-${i + 1}` }, sim.url);
    const existing = ags().addLineItem({ label: 'Tutorline: Tutoring lessons completed', scoreMaximum: 10, tag: 'tutorline-lesson', resourceId: 'tutorline-lesson' }, sim.url);
    const tutor = new Client(t.baseUrl);
    const tutorId = (await signUpTutor(tutor)).user.id as string;
    const student = new Client(t.baseUrl);
    student.cookie = students['student-1']!.cookie;
    const start = new Date(Math.ceil((clock.now().getTime() + 5 * MINUTE) / MINUTE) * MINUTE);
    const [b] = await db()
      .database.db.insert(schema.bookings)
      .values({ tutorId, studentId: students['student-1']!.userId, startsAt: start, endsAt: new Date(start.getTime() + 30 * MINUTE), status: 'confirmed', idempotencyKey: 'ags-lesson-1', createdAt: clock.now() })
      .returning();
    const opened = await student.post(`/api/bookings/${b!.id}/room`);
    expect(opened.status, opened.text).toBe(200);
    const sessionId = opened.json.sessionId as string;
    for (const [c, userId] of [
      [student, students['student-1']!.userId],
      [tutor, tutorId],
    ] as const) {
      const { socket } = await sockets.connect(t.baseUrl, c.cookie);
      expect((await (socket as unknown as AnySocket).timeout(5_000).emitWithAck('room:join', { sessionId })).ok).toBe(true);
      const e = schema.callEvents;
      await waitUntil(async () => (await db().database.db.select().from(e).where(and(eq(e.sessionId, sessionId), eq(e.userId, userId), eq(e.type, 'joined')))).length > 0, 'the join');
    }
    clock.advance(start.getTime() + 31 * MINUTE - clock.now().getTime());
    await drain();
    await drain();

    expect((await db().database.db.select().from(schema.bookings).where(eq(schema.bookings.id, b!.id)))[0]!.outcome).toBe('completed');
    expect(ags().lineItems.size).toBe(12);
    expect(ags().scores.get(existing.id)?.get('ags-student-1')).toMatchObject({ scoreGiven: 1 });
    expect(ags().requests.filter((r) => r.target === 'lineitems').length).toBe(2);
    ags().ignoreFilters = false;
    expect(scoreOf('student-1', 'tutorline-lesson')).toMatchObject({ scoreGiven: 1, scoreMaximum: 10, activityProgress: 'InProgress', gradingProgress: 'FullyGraded', comment: '1 lesson completed on Tutorline' });
    const page = await fetch(`${t.baseUrl}/dev/lms/ags/gradebook`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Tutorline: Tutoring lessons completed');
    const asha = html.split('<section class="card" data-learner="student-1">')[1]!.split('</section>')[0]!;
    expect(asha).toMatch(/^<h2[^>]*>Asha Learner<\/h2>/);
    expect(asha).toContain('<div class="grade" data-line-item="tutorline-lesson" data-score="1"><span>Tutorline: Tutoring lessons completed</span><strong>1 / 10</strong></div><p class="role">1 lesson completed on Tutorline</p>');
    // The other learners have no score in that column.
    expect(html.match(/data-line-item="tutorline-lesson" data-score=/g)).toHaveLength(1);
    // The tutor came through no LMS: nothing was queued for them, and one job for the learner.
    expect((await jobsOfQueue()).map((j) => j.state)).toEqual(['done']);

    // The client assertion (RFC 7523 / 1EdTech Security Framework §4.1): our kid, iss = sub = client id, aud = token URL, short life.
    const [claims] = ags().assertions;
    expect(claims).toMatchObject({ iss: sim.clientId, sub: sim.clientId, aud: `${sim.url}/token` });
    expect(typeof claims!.jti).toBe('string');
    expect(Number(claims!.exp) - Number(claims!.iat)).toBeLessThanOrEqual(300);
    expect(ags().assertionHeaders[0]).toMatchObject({ alg: 'RS256', kid: (await t.app.fastify.lti!.repo.currentToolKey())!.kid });
  });

  it('caches the access token per registration and scopes until it expires', async () => {
    const before = ags().assertions.length;
    await outcome({ userId: students['student-2']!.userId, kind: 'lesson', sourceId: 'cache-1' });
    await outcome({ userId: students['student-3']!.userId, kind: 'lesson', sourceId: 'cache-2' });
    await drain();
    expect(scoreOf('student-2', 'tutorline-lesson')).toMatchObject({ scoreGiven: 1 });
    expect(scoreOf('student-3', 'tutorline-lesson')).toMatchObject({ scoreGiven: 1 });
    expect(ags().assertions.length).toBe(before);

    clock.advance(3600_000);
    await outcome({ userId: students['student-2']!.userId, kind: 'lesson', sourceId: 'cache-3' });
    await drain();
    expect(scoreOf('student-2', 'tutorline-lesson')).toMatchObject({ scoreGiven: 2, comment: '2 lessons completed on Tutorline' });
    expect(ags().assertions.length).toBe(before + 1);
    // Each assertion is new (a replayed jti would be refused).
    expect(new Set(ags().assertions.map((a) => a.jti)).size).toBe(ags().assertions.length);
  });

  it('fetches a new token once when the platform answers 401, then posts', async () => {
    const before = ags().assertions.length;
    ags().revokeTokens();
    await outcome({ userId: students['student-2']!.userId, kind: 'help', sourceId: 'q-401' });
    await drain();
    expect(scoreOf('student-2', 'tutorline-help')).toMatchObject({ scoreGiven: 1 });
    expect(ags().assertions.length).toBe(before + 1);
    expect(logs('lti_ags_token_rejected').length).toBeGreaterThanOrEqual(1);
  });

  it('retries a score after a 500 with backoff, and after a 429 no sooner than Retry-After', async () => {
    ags().failNext('scores', { status: 500 });
    await outcome({ userId: students['student-3']!.userId, kind: 'help', sourceId: 'q-500' });
    await drain();
    let [job] = (await jobsOfQueue()).filter((j) => j.state !== 'done');
    expect(job).toMatchObject({ state: 'queued', attempts: 1 });
    expect(job!.lastError).toContain('500');
    expect(scoreOf('student-3', 'tutorline-help')).toBeUndefined();
    clock.advance(2_000);
    await drain();
    expect(scoreOf('student-3', 'tutorline-help')).toMatchObject({ scoreGiven: 1 });

    ags().failNext('scores', { status: 429, retryAfter: '120' });
    await outcome({ userId: students['student-3']!.userId, kind: 'help', sourceId: 'q-429' });
    const queuedAt = clock.now().getTime();
    await drain();
    [job] = (await jobsOfQueue()).filter((j) => j.state !== 'done');
    expect(job!.runAt.getTime() - queuedAt).toBeGreaterThanOrEqual(119_000);
    clock.advance(60_000);
    await drain();
    expect(scoreOf('student-3', 'tutorline-help')).toMatchObject({ scoreGiven: 1 });
    clock.advance(61_000);
    await drain();
    expect(scoreOf('student-3', 'tutorline-help')).toMatchObject({ scoreGiven: 2 });
    expect(logs('lti_ags_score_retry').map((l) => l.status)).toEqual(expect.arrayContaining([500, 429]));
  });

  it('does not retry a 4xx: the job fails visibly at once', async () => {
    ags().failNext('scores', { status: 400 });
    await outcome({ userId: students['student-3']!.userId, kind: 'class', sourceId: 'class-400' });
    await drain();
    const failed = (await jobsOfQueue()).filter((j) => j.state === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ attempts: 1 });
    expect(logs('lti_ags_score_refused').at(-1)).toMatchObject({ status: 400, kind: 'class' });
  });

  it('refuses clearly when the token endpoint answers 401 (failed) or 500 (retried)', async () => {
    ags().revokeTokens();
    // A fresh cache: the test moves past the cached token's life.
    clock.advance(3600_000);
    ags().failNext('token', { status: 401 });
    await outcome({ userId: students['student-1']!.userId, kind: 'help', sourceId: 'q-token-401' });
    await drain();
    const failed = (await jobsOfQueue()).filter((j) => j.state === 'failed');
    expect(failed).toHaveLength(2);
    expect(failed.some((j) => j.lastError?.includes('token endpoint answered 401'))).toBe(true);
    expect(logs('lti_ags_token_refused').at(-1)).toMatchObject({ status: 401, error: 'invalid_client' });

    ags().failNext('token', { status: 500 });
    await outcome({ userId: students['student-1']!.userId, kind: 'help', sourceId: 'q-token-500' });
    await drain();
    expect((await jobsOfQueue()).filter((j) => j.state === 'queued')).toHaveLength(1);
    expect(logs('lti_ags_token_unavailable').at(-1)).toMatchObject({ status: 500 });
    clock.advance(2_000);
    await drain();
    expect((await jobsOfQueue()).filter((j) => j.state === 'queued')).toHaveLength(0);
    expect(scoreOf('student-1', 'tutorline-help')).toMatchObject({ scoreGiven: 2 });
  });

  it('never sends an older score over a newer one', async () => {
    const learner = students['student-1']!;
    const first = clock.now();
    ags().failNext('scores', { status: 500 });
    await outcome({ userId: learner.userId, kind: 'class', sourceId: 'class-a', at: first });
    await drain();
    // The second outcome is delivered while the first waits for its retry.
    clock.advance(500);
    await outcome({ userId: learner.userId, kind: 'class', sourceId: 'class-b' });
    await drain();
    expect(scoreOf('student-1', 'tutorline-class')).toMatchObject({ scoreGiven: 2 });
    const posts = ags().requests.filter((r) => r.target === 'scores').length;
    clock.advance(2_000);
    await drain();
    expect(scoreOf('student-1', 'tutorline-class')).toMatchObject({ scoreGiven: 2 });
    // The tool itself drops the stale score: the platform never sees it (it would refuse it with a 409 anyway).
    expect(ags().requests.filter((r) => r.target === 'scores').length).toBe(posts);
    const stale = logs('lti_ags_score_stale').at(-1);
    expect(stale).toMatchObject({ kind: 'class', count: 1 });
    expect(stale).not.toHaveProperty('by');
    expect((await jobsOfQueue()).filter((j) => j.state === 'queued')).toHaveLength(0);
    const [row] = await db().database.db.select().from(ltiAgsScores).where(and(eq(ltiAgsScores.userId, learner.userId), eq(ltiAgsScores.kind, 'class')));
    expect(row).toMatchObject({ scoreGiven: 2 });
  });

  it('hears a rated question through help’s event, and ignores learners who never came through LTI', async () => {
    const outsider = new Client(t.baseUrl);
    const outsiderId = (await signUpStudent(outsider)).user.id as string;
    const jobsBefore = (await jobsOfQueue()).length;
    await db().database.db.transaction((tx) => t.app.fastify.platform.events.emit(QUESTION_RATED, { tx, questionId: '00000000-0000-4000-8000-000000000001', studentId: outsiderId, tutorId: null, stars: 5, at: clock.now() }));
    expect((await jobsOfQueue()).length).toBe(jobsBefore);
    await db().database.db.transaction((tx) =>
      t.app.fastify.platform.events.emit(QUESTION_RATED, { tx, questionId: '00000000-0000-4000-8000-000000000002', studentId: students['student-2']!.userId, tutorId: null, stars: 4, at: clock.now() }),
    );
    await drain();
    expect(scoreOf('student-2', 'tutorline-help')).toMatchObject({ scoreGiven: 2 });
  });
});
