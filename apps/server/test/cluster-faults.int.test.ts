import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipBecause } from '../../../scripts/skips';
import { Client, leaksInternals, type TestApp } from './app';
import { everyDay } from './availability';
import { type FaultCluster, halfWritten, missingForFaults, startFaultCluster } from './fault-cluster';
import { askQuestion, type HelpUser, jpegBytes, makeStudent, makeTutor, waitUntil } from './help';
import { schema } from './schema';
import { SocketPool } from './sockets';
import { sendFile } from './uploads';

// Issue #19's fault tests, on two nodes behind HAProxy (the code of `npm run cluster`), with a PostgreSQL cluster and
// a redis-server this file starts itself: connections cut under a burst, Redis restarted, PostgreSQL restarted.
const missing = missingForFaults();
if (missing.length) skipBecause('the cluster fault tests', missing.join('; '));

const subjects = [{ subjectId: 'maths', level: 'grade-9-10' }];
type Res = { status: number; json: any; text: string; headers: Headers };

/** A 503 as the issue requires: JSON, the service_unavailable code, the request id (also in the header), nothing internal. */
function isCleanUnavailable(res: Res): boolean {
  return (
    res.status === 503 &&
    res.json?.error?.code === 'service_unavailable' &&
    typeof res.json.error.requestId === 'string' &&
    res.json.error.requestId === res.headers.get('x-request-id') &&
    !leaksInternals(res.text)
  );
}

describe.skipIf(missing.length > 0)('cluster faults: two nodes behind HAProxy on a PostgreSQL and a Redis of the test’s own', { timeout: 240_000 }, () => {
  const sockets = new SocketPool();
  let f: FaultCluster;
  let jpeg: Buffer;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    const started = Date.now();
    f = await startFaultCluster();
    jpeg = await jpegBytes();
    timings.start = Date.now() - started;
  }, 180_000);

  afterAll(async () => {
    sockets.closeAll();
    const started = Date.now();
    const codes = await f?.stop();
    timings.stop = Date.now() - started;
    console.info(`cluster-faults timings (ms): ${JSON.stringify(timings)}`);
    // Every node drained and exited by itself, after all three faults.
    if (codes) expect(codes).toEqual({ 'node-1': 0, 'node-2': 0 });
  }, 60_000);

  /** A tutor with a price and every day's hours (UTC 06:00–22:00) open for booking. */
  async function bookableTutor(t: TestApp, pool?: SocketPool): Promise<HelpUser> {
    const tutor = await makeTutor(t, { subjects, ...(pool ? { sockets: pool } : {}) });
    const res = await tutor.client.put('/api/tutors/me/availability', everyDay('UTC', '06:00', '22:00'));
    if (res.status !== 200) throw new Error(`availability failed: ${res.status} ${res.text}`);
    await f.database.db.update(schema.tutorProfiles).set({ hourlyRateMinor: 60_000, currency: 'INR' }).where(eq(schema.tutorProfiles.userId, tutor.id));
    return tutor;
  }

  it('connections cut under a burst of asks, claims and bookings: clean 503s, nodes survive, nothing half-written', async () => {
    const started = Date.now();
    const t = f.viaHaproxy;
    const tutors = [await bookableTutor(t, sockets), await bookableTutor(t, sockets), await bookableTutor(t, sockets)];
    const students = await Promise.all([0, 1, 2, 3].map(() => makeStudent(t)));
    // One-hour lessons from the day after tomorrow (UTC), 07:00 to 20:00, a different hour per booking: none overlaps.
    let booked = 0;
    const slot = () => {
      const n = booked++;
      const day = new Date(Date.now() + (2 + Math.floor(n / 14)) * 86_400_000).toISOString().slice(0, 10);
      return `${day}T${String(7 + (n % 14)).padStart(2, '0')}:00:00.000Z`;
    };

    const seen: { step: string; res: Res }[] = [];
    const record = (step: string, res: Res) => (seen.push({ step, res }), res);
    const unanswered: { student: HelpUser; requestId: string }[] = [];

    async function upload(student: HelpUser): Promise<Res> {
      const res = await sendFile(`${t.baseUrl}/api/help/photos`, student.client.cookie, jpeg, 'question.jpg', 'image/jpeg');
      return record('upload', res as Res);
    }
    /** Ask, wait until offered, then two tutors race to accept. */
    async function askAndClaim(student: HelpUser, round: number) {
      const photo = await upload(student);
      if (photo.status !== 201) return;
      const requestId = crypto.randomUUID();
      const asked = record('ask', await student.client.post('/api/help/questions', { requestId, subjectId: 'maths', level: 'grade-9-10', photoIds: [photo.json.photoId] }));
      if (asked.status !== 201) {
        unanswered.push({ student, requestId });
        return;
      }
      const pair = [tutors[round % 3]!, tutors[(round + 1) % 3]!];
      const offered = await waitUntil(
        async () => (await Promise.all(pair.map((x) => x.client.get(`/api/help/questions/${asked.json.id}`)))).every((r) => r.status === 200),
        'the offer to both tutors',
        20_000,
      ).catch(() => false);
      if (!offered) return;
      for (const r of await Promise.all(pair.map((x) => x.client.post(`/api/help/questions/${asked.json.id}/accept`)))) record('accept', r);
    }
    /** Book a slot, open a checkout for it, pay it on the fake provider. */
    async function bookAndPay(student: HelpUser, round: number) {
      const tutor = tutors[round % 3]!;
      const booked = record('book', await student.client.post('/api/bookings', { tutorId: tutor.id, start: slot(), durationMinutes: 60, idempotencyKey: crypto.randomUUID() }));
      if (booked.status !== 201) return;
      const checkout = record('checkout', await student.client.post('/api/billing/checkout', { bookingId: booked.json.id, idempotencyKey: crypto.randomUUID() }));
      if (checkout.status !== 201) return;
      // The fake provider keeps its checkout sessions in the memory of the node that made them (Stripe is one service):
      // its page works behind HAProxy through the sticky cookie, which a browser keeps and this client must send.
      const sticky = checkout.headers.getSetCookie().find((c) => c.startsWith('tl_node='))?.split(';')[0];
      const cookie = [student.client.cookie, sticky].filter(Boolean).join('; ');
      record('pay', await student.client.request('POST', `/dev/fake-pay/${checkout.json.id}/succeed`, undefined, { 'content-type': 'application/x-www-form-urlencoded', cookie }));
    }

    // The killer: the nodes' backends that are running a statement, terminated every 80 to 200 ms, and every one of
    // them (idle too) now and then.
    let stop = false;
    let killed = 0;
    const killer = (async () => {
      for (let i = 1; !stop; i++) {
        killed += await f.terminateNodeBackends(i % 10 !== 0).catch(() => 0);
        await new Promise((r) => setTimeout(r, 80 + Math.random() * 120));
      }
    })();
    const burstStarted = Date.now();
    // Rounds until each kind of work both failed somewhere and got through somewhere (bounded in rounds and time).
    const done = () => {
      const ok = (step: string, status: number) => seen.some((x) => x.step === step && x.res.status === status);
      return seen.filter((x) => x.res.status === 503).length >= 3 && ok('accept', 200) && ok('pay', 200);
    };
    try {
      await Promise.all(
        students.map(async (student, s) => {
          for (let round = 0; round < 8 && !done() && Date.now() - burstStarted < 20_000; round++) {
            await askAndClaim(student, s + round);
            await bookAndPay(student, s + round);
          }
        }),
      );
    } finally {
      stop = true;
      await killer;
    }
    timings.burst = Date.now() - burstStarted;

    // The random killer may miss every request in flight (a node's retry absorbs a cut between statements; one CI run
    // killed 158 backends and cut no request). So one ask and one booking are also cut for sure: their tables are
    // locked, and every node backend waiting on the lock is killed until both have answered.
    const cutStudent = await makeStudent(t);
    const cutPhoto = await upload(cutStudent);
    expect(cutPhoto.status).toBe(201);
    const cutRequestId = crypto.randomUUID();
    const hold = await f.holdTables(['questions', 'bookings']);
    let cutAsk: Res | undefined;
    let cutBook: Res | undefined;
    try {
      const asking = cutStudent.client.post('/api/help/questions', { requestId: cutRequestId, subjectId: 'maths', level: 'grade-9-10', photoIds: [cutPhoto.json.photoId] }).then((r) => (cutAsk = record('ask', r)));
      const booking = cutStudent.client.post('/api/bookings', { tutorId: tutors[0]!.id, start: slot(), durationMinutes: 60, idempotencyKey: crypto.randomUUID() }).then((r) => (cutBook = record('book', r)));
      await waitUntil(async () => ((killed += await hold.killWaiting()), cutAsk !== undefined && cutBook !== undefined), 'the locked ask and booking answered', 60_000, 50);
      await Promise.all([asking, booking]);
    } finally {
      await hold.release();
    }
    expect(isCleanUnavailable(cutAsk!), `${cutAsk!.status} ${cutAsk!.text}`).toBe(true);
    expect(isCleanUnavailable(cutBook!), `${cutBook!.status} ${cutBook!.text}`).toBe(true);
    unanswered.push({ student: cutStudent, requestId: cutRequestId });
    // Nothing of either was written.
    expect(await f.database.db.select().from(schema.questions).where(eq(schema.questions.requestId, cutRequestId))).toHaveLength(0);
    expect(await f.database.db.select().from(schema.bookings).where(eq(schema.bookings.studentId, cutStudent.id))).toHaveLength(0);

    // Every answer is one the step may give, and every failure a clean 503 (never HAProxy's own page, a 500 or a hang).
    const allowed: Record<string, number[]> = { upload: [201], ask: [201], accept: [200, 409], book: [201], checkout: [201], pay: [200] };
    const unexpected = seen.filter(({ step, res }) => !allowed[step]!.includes(res.status) && !isCleanUnavailable(res));
    expect(unexpected.map(({ step, res }) => `${step}: ${res.status} ${res.text.slice(0, 200)}`)).toEqual([]);
    const failed = seen.filter(({ res }) => res.status === 503);
    const summary = `killed ${killed}; ${seen.length} requests, ${failed.length} cut (${[...new Set(failed.map((x) => x.step))].join(', ')}), ${seen.filter((x) => x.step === 'accept' && x.res.status === 200).length} claims, ${seen.filter((x) => x.step === 'pay' && x.res.status === 200).length} payments`;
    console.info(`connections cut: ${summary}`);
    expect(killed, summary).toBeGreaterThan(0);
    expect(failed.length, summary).toBeGreaterThan(0);
    // Payments got through between the cuts. (Claims, the end of a chain of ask, wave job and offer, get through in
    // some runs only under this killer; the invariants below check every one that did.)
    expect(seen.filter(({ step, res }) => step === 'pay' && res.status === 200).length, summary).toBeGreaterThan(0);

    // The nodes survived: the same processes, ready again, serving.
    expect(f.nodesAlive()).toBe(true);
    for (const n of f.cluster.nodes) await waitUntil(async () => (await fetch(`${n.url}/readyz`)).status === 200, `${n.id} ready`, 20_000);
    expect(f.lines.filter((l) => l.line.includes('shutting down after an error'))).toEqual([]);

    // An ask cut short is retried with its requestId: one question, never two.
    for (const { student, requestId } of unanswered) {
      const photo = await upload(student);
      expect(photo.status).toBe(201);
      const again = await student.client.post('/api/help/questions', { requestId, subjectId: 'maths', level: 'grade-9-10', photoIds: [photo.json.photoId] });
      expect([200, 201], again.text).toContain(again.status);
      expect(await f.database.db.select().from(schema.questions).where(eq(schema.questions.requestId, requestId))).toHaveLength(1);
    }

    // Once the webhooks that got in are processed, nothing in the database is half-written.
    await waitUntil(
      async () => (await f.database.db.select().from(schema.providerEvents)).every((e) => e.processedAt !== null),
      'every stored webhook processed',
      30_000,
      100,
    );
    // A payment's booking is confirmed by a durable job queued with the payment (billing's booking settlement): a cut
    // makes it retry with back-off, so the invariants are checked once those jobs have run, and none gave up.
    const settlementJobs = () =>
      f.database.db.select({ state: schema.jobs.state, attempts: schema.jobs.attempts }).from(schema.jobs).where(eq(schema.jobs.queue, 'billing.booking_payment'));
    await waitUntil(async () => (await settlementJobs()).every((j) => j.state === 'done' || j.state === 'failed'), 'every booking settlement job run', 120_000, 200);
    expect((await settlementJobs()).filter((j) => j.state === 'failed')).toEqual([]);
    const broken = (await halfWritten(f.database)).filter((c) => c.rows.length > 0);
    expect(broken).toEqual([]);
    timings.connectionsCut = Date.now() - started;
  });

  it('Redis restarted: the nodes report realtime degraded yet stay ready, cross-node events work again after the restart, nothing is lost', async () => {
    const started = Date.now();
    const [a, b] = f.viaNode as [TestApp, TestApp];
    const student = await makeStudent(a, sockets);
    const tutorOnB = await makeTutor(b, { subjects, sockets });
    const before = await askQuestion(a, student, 'maths', 'grade-9-10');
    await tutorOnB.events!.first('help:question', before.id, 15_000);

    const realtimeOf = async (url: string) => {
      const res = await fetch(`${url}/readyz`);
      return res.status === 200 && ((await res.json()) as { realtime?: string }).realtime;
    };
    for (const n of f.cluster.nodes) expect(await realtimeOf(n.url)).toBe('redis');

    await f.redis.kill();
    // Every node says realtime is degraded, yet stays ready (HAProxy keeps sending it requests), and asks still work.
    for (const n of f.cluster.nodes) await waitUntil(async () => (await realtimeOf(n.url)) === 'degraded', `${n.id} reporting Redis down`, 15_000, 100);
    const degradedLogs = () => f.lines.filter((l) => l.line.includes('"event":"realtime_degraded"')).map((l) => l.from);
    await waitUntil(async () => degradedLogs().length === 2, 'both nodes logging realtime_degraded', 5_000);
    expect(degradedLogs().sort()).toEqual(['node-1', 'node-2']);
    const during = await askQuestion(a, student, 'maths', 'grade-9-10');

    await f.redis.restart();
    for (const n of f.cluster.nodes) await waitUntil(async () => (await realtimeOf(n.url)) === 'redis', `${n.id} reporting Redis back`, 15_000, 100);
    const after = await waitUntil(
      async () => {
        const q = await askQuestion(a, student, 'maths', 'grade-9-10');
        return tutorOnB.events!.first('help:question', q.id, 3_000).then(
          () => q,
          () => false as const,
        );
      },
      'a cross-node alert after the restart',
      30_000,
    );
    expect(after.id).toBeTruthy();
    for (const q of [before, during, after]) expect(await f.database.db.select().from(schema.questions).where(eq(schema.questions.id, q.id))).toHaveLength(1);
    timings.redisRestarted = Date.now() - started;
  });

  it('PostgreSQL restarted: /readyz goes 503, then 200 again without restarting the nodes, and requests succeed', async () => {
    const started = Date.now();
    const student = await makeStudent(f.viaHaproxy);
    await f.pg.stop();
    for (const n of f.cluster.nodes) await waitUntil(async () => (await fetch(`${n.url}/readyz`)).status === 503, `${n.id} unready`, 20_000, 100);
    expect((await fetch(`${f.cluster.url}/readyz`)).status).toBe(503);
    const down = await new Client(f.cluster.nodes[0]!.url).request('GET', '/api/help/questions', undefined, { cookie: student.client.cookie });
    expect(isCleanUnavailable(down as Res), down.text).toBe(true);

    await f.pg.start();
    for (const n of f.cluster.nodes) await waitUntil(async () => (await fetch(`${n.url}/readyz`)).status === 200, `${n.id} ready again`, 30_000, 100);
    await waitUntil(async () => (await fetch(`${f.cluster.url}/readyz`)).status === 200, 'HAProxy sending traffic again', 10_000, 100);
    const list = await student.client.get('/api/help/questions');
    expect(list.status, list.text).toBe(200);
    await askQuestion(f.viaHaproxy, student, 'maths', 'grade-9-10');
    expect(f.nodesAlive()).toBe(true);
    timings.postgresRestarted = Date.now() - started;
  });
});
