import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testConfig } from '../../config';
import { type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, countRows, type HelpUser, helpConfig, makeDataDir, makeStudent, makeTutor, removeDir, waitUntil, whenOffered } from '../../../test/help';
import { type LocalPushService, type LocalSubscription, startLocalPushService } from '../../../test/push-service';
import { schema } from '../../../test/schema';

/**
 * Web Push through the outbox (#21), end to end on the server side: the real web-push sender encrypts (RFC 8291) and
 * signs (VAPID) each push to a push service on loopback, which checks the request (RFC 8030) and decrypts the body with
 * the subscription's private key. Question alerts, accepts, 410 Gone, retries, the user's channel choice, once per tutor.
 */
describeEachBackend('notifications: Web Push', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  let pushService: LocalPushService;

  beforeAll(async () => {
    dataDir = makeDataDir();
    pushService = await startLocalPushService();
    const push = { ...testConfig().push, enabled: true };
    t = await startTestApp(db().database, { ...helpConfig(dataDir, { firstWave: 20, waveSeconds: 0.5, expiryMinutes: 2 }), push }, undefined, { pushAgent: pushService.agent() });
  });
  afterAll(async () => {
    await t?.close();
    await pushService?.close();
    removeDir(dataDir);
  });

  const subscribe = async (user: HelpUser): Promise<LocalSubscription> => {
    const sub = pushService.subscribe();
    const res = await user.client.post('/api/notifications/push/subscriptions', sub.json);
    expect(res.status).toBe(201);
    return sub;
  };
  const offlineTutor = (subjectId: string, level: string) => makeTutor(t, { subjects: [{ subjectId, level }], online: false, notifyWhenOffline: true });
  const subscriptionRows = (userId: string) => countRows(db().database, schema.pushSubscriptions, eq(schema.pushSubscriptions.userId, userId));

  it('refuses a malformed subscription with 400 and stores nothing; 401 without a log-in', async () => {
    const tutor = await offlineTutor('maths', 'grade-9-10');
    const good = pushService.subscribe().json;
    const bad = [
      { ...good, endpoint: 'not a url' },
      { ...good, endpoint: 'ftp://127.0.0.1/push/x' },
      { ...good, endpoint: `${good.endpoint}${'x'.repeat(2048)}` },
      { ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(0, 40) } },
      { ...good, keys: { ...good.keys, auth: `${good.keys.auth}==` } },
      { endpoint: good.endpoint },
    ];
    for (const body of bad) {
      const res = await tutor.client.post('/api/notifications/push/subscriptions', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.text).not.toMatch(/at .*\.ts:\d+/);
    }
    expect(await subscriptionRows(tutor.id)).toBe(0);
    const anonymous = await fetch(`${t.baseUrl}/api/notifications/push/subscriptions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(good) });
    expect(anonymous.status).toBe(401);
    const key = await tutor.client.get('/api/notifications/push/key');
    expect(key.json.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
  });

  it("pushes a tutor's question alert with Accept, once per tutor, and the student's accept when the tutor claims", async () => {
    const tutor = await offlineTutor('physics', 'grade-9-10');
    const sub = await subscribe(tutor);
    const student = await makeStudent(t);
    const studentSub = await subscribe(student);
    const q = await askQuestion(t, student, 'physics', 'grade-9-10');

    const [alert] = await pushService.waitFor(sub.id, 1);
    expect(alert).toMatchObject({ ttl: 600, urgency: 'high' });
    expect(alert!.vapidKey).toBe((await tutor.client.get('/api/notifications/push/key')).json.publicKey);
    expect(alert!.json).toEqual({
      kind: 'help.question',
      title: 'New question',
      body: expect.stringContaining('physics'),
      url: '/tutor',
      data: { questionId: q.id, subjectId: 'physics', level: 'grade-9-10' },
      actions: [{ action: 'accept', title: 'Accept' }],
      tag: `question:${q.id}`,
    });

    // The outbox job run again (a retry, a second node) pushes nothing twice: the push job is keyed per subscription and message.
    const message = { kind: 'help.question', text: 'again', data: { questionId: q.id } };
    await t.app.fastify.notifications.notifications.deliver({ userId: tutor.id, message, key: `question:${q.id}:tutor:${tutor.id}` });
    await t.app.fastify.notifications.notifications.deliver({ userId: tutor.id, message, key: `question:${q.id}:tutor:${tutor.id}` });
    await waitUntil(async () => (await t.app.database.db.select().from(schema.jobs).where(eq(schema.jobs.queue, 'notify.push'))).every((j) => j.state === 'done' || j.state === 'failed'), 'push jobs to settle');
    expect(pushService.received(sub.id)).toHaveLength(1);

    await whenOffered(tutor, q.id);
    const claim = await tutor.client.post(`/api/help/questions/${q.id}/accept`);
    expect(claim.status).toBe(200);
    const [accepted] = await pushService.waitFor(studentSub.id, 1);
    expect(accepted!.json).toMatchObject({ kind: 'help.accepted', url: `/session/${claim.json.sessionId}`, data: { questionId: q.id, sessionId: claim.json.sessionId } });
    expect(pushService.received(sub.id)).toHaveLength(1);
  });

  it('retries a push the service answers 500 and then 429 (after its Retry-After), and delivers it once', async () => {
    const tutor = await offlineTutor('geography', 'grade-9-10');
    const sub = await subscribe(tutor);
    pushService.failNext(sub.id, 500, 1);
    pushService.failNext(sub.id, 429, 1);
    await askQuestion(t, await makeStudent(t), 'geography', 'grade-9-10');
    await pushService.waitFor(sub.id, 1);
    expect(pushService.attempts(sub.id).map((a) => a.status)).toEqual([500, 429, 201]);
    expect(t.logs()).toContain('push_send_retry');
  });

  it('deletes a subscription the push service answers 410 Gone, and pushes to it no more', async () => {
    const tutor = await offlineTutor('economics', 'grade-11-12');
    const sub = await subscribe(tutor);
    pushService.expire(sub.id);
    await askQuestion(t, await makeStudent(t), 'economics', 'grade-11-12');
    await waitUntil(async () => (await subscriptionRows(tutor.id)) === 0, 'the gone subscription to be deleted');
    expect(pushService.attempts(sub.id).map((a) => a.status)).toEqual([410]);
    expect(t.logs()).toContain('push_subscription_gone');

    await askQuestion(t, await makeStudent(t), 'economics', 'grade-11-12');
    await waitUntil(async () => t.logs().split('\n').filter((l) => l.includes('notification_no_channel') && l.includes(tutor.id)).length > 0, "the second alert's delivery");
    expect(pushService.attempts(sub.id)).toHaveLength(1);
  });

  it("obeys each user's channel choice: no push when push is off, no in-app notice when in-app is off", { timeout: 120_000 }, async () => {
    const tutor = await offlineTutor('chemistry', 'university');
    const sub = await subscribe(tutor);
    expect((await tutor.client.get('/api/notifications/channels')).json).toEqual({ push: true, whatsapp: true, inApp: true });
    const off = await tutor.client.put('/api/notifications/channels', { push: false, inApp: false });
    expect(off.json).toEqual({ push: false, whatsapp: true, inApp: false });
    expect((await tutor.client.put('/api/notifications/channels', { push: 'no' })).status).toBe(400);
    expect((await tutor.client.get('/api/notifications/channels')).json).toEqual({ push: false, whatsapp: true, inApp: false });

    await askQuestion(t, await makeStudent(t), 'chemistry', 'university');
    await waitUntil(async () => t.logs().split('\n').some((l) => l.includes('notification_channel_declined') && l.includes(tutor.id)), 'the declined push to be logged');
    expect(pushService.attempts(sub.id)).toHaveLength(0);

    const now = new Date();
    const stored = await t.app.fastify.notifications.inbox.add(t.app.database.db, [{ userId: tutor.id, kind: 'test', text: 'hidden', dedupeKey: `t:${tutor.id}` }], now);
    expect(stored).toHaveLength(0);

    // Turned back on, the next question's alert is pushed.
    await tutor.client.put('/api/notifications/channels', { push: true });
    await askQuestion(t, await makeStudent(t), 'chemistry', 'university');
    await pushService.waitFor(sub.id, 1);
  });

  it('forgets a subscription on DELETE', async () => {
    const tutor = await offlineTutor('biology', 'university');
    const sub = await subscribe(tutor);
    expect(await subscriptionRows(tutor.id)).toBe(1);
    expect((await tutor.client.request('DELETE', '/api/notifications/push/subscriptions', { endpoint: sub.json.endpoint })).status).toBe(204);
    expect(await subscriptionRows(tutor.id)).toBe(0);
  });
});
