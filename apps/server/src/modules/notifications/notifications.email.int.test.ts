import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, signUpStudent, signUpTutor } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { waitUntil } from '../../../test/help';
import { schema } from '../../../test/schema';
import { type ReceivedMail, startSmtp, type TestSmtp } from '../../../test/smtp';
import { guardianFromInvite, type GuardianWorld, signUpChild, startGuardianWorld } from '../guardians/guardians.testkit';
import { EMAIL_SEND_QUEUE } from './notifications.email';

/** 2026-06-01 is a Monday. The runner's back-off is measured on this clock, so a retry comes due when the test moves it. */
let now = new Date('2026-06-01T06:30:00.000Z');
const clock = { now: () => now };
const TWELVE = '2014-03-10';
let n = 0;
const address = (who: string) => `${who}-${Date.now().toString(36)}-${++n}@example.test`;

/** Issues #20 and #18: email through the notification outbox, to a real SMTP server on loopback. */
describeEachBackend('email: guardian invites, summaries and export links, to a real SMTP server', ({ db }) => {
  let w: GuardianWorld;
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
    w = await startGuardianWorld(db().database, clock, { mail: { mode: 'smtp', smtpUrl: smtp.url(), from: 'Tutorline <no-reply@tutorline.test>' } });
  });
  afterAll(async () => {
    await w?.close();
    await smtp?.close();
  });
  const mailTo = (to: string) => waitUntil(async () => smtp.received.find((m) => m.to.includes(to)), `an email to ${to}`, 15_000);
  const emailJobs = async () => (await db().database.db.select().from(schema.jobs).where(eq(schema.jobs.queue, EMAIL_SEND_QUEUE.queue))).filter((j) => JSON.stringify(j.payload).includes('guardian.invite'));
  const tokenIn = (mail: ReceivedMail) => {
    const m = /\/guardian\/invite#([A-Za-z0-9_-]{16,64})/.exec(mail.text);
    if (!m) throw new Error(`no invite link in ${mail.text}`);
    return m[1]!;
  };

  it("a child's guardian invite arrives by email once, and its link opens the invite and makes the guardian's account", async () => {
    const dad = address('dad');
    const kid = await signUpChild(w, { birthDate: TWELVE, country: 'IN', guardianContact: dad });
    const mail = await mailTo(dad);
    expect(mail.subject).toBe('Asha asked you to be their guardian on Tutorline');
    expect(mail.html).toContain('<a href="http://');
    expect(mail.html).not.toMatch(/<img|src=/i);
    const token = tokenIn(mail);
    expect((await new Client(w.t.baseUrl).get(`/api/guardian-invites/${token}`)).json).toMatchObject({ childName: 'Asha', channel: 'email', expired: false });
    const guardian = await guardianFromInvite(w, token);
    expect((await guardian.client.get('/api/guardian/children')).json.children.map((c: { id: string }) => c.id)).toEqual([kid.id]);
    // Sent again from settings: a new link, queued and sent; each invite is one email, however often its job runs.
    const again = await kid.client.post('/api/guardians/invite', { contact: dad });
    expect(again.json).toEqual({ channel: 'email', sent: true });
    await waitUntil(async () => smtp.received.filter((m) => m.to.includes(dad)).length === 2, 'the second invite');
    expect(tokenIn(smtp.received.filter((m) => m.to.includes(dad))[1]!)).not.toBe(token);
    // Neither the address nor the link's token is in any log line.
    expect(w.t.logs()).not.toContain(dad);
    expect(w.t.logs()).not.toContain(token);
  });

  it('while the mail server is down the email is retried with back-off, and delivered once it is back', async () => {
    await smtp.stop();
    const kid = await signUpChild(w, { birthDate: TWELVE, country: 'IN', guardianContact: address('mum') });
    const mum = address('mum2');
    expect((await kid.client.post('/api/guardians/invite', { contact: mum })).json).toEqual({ channel: 'email', sent: true });
    const mine = async () => (await emailJobs()).find((j) => JSON.stringify(j.payload).includes(mum));
    const failed = await waitUntil(async () => {
      const j = await mine();
      return j && j.attempts >= 1 && j.state === 'queued' ? j : undefined;
    }, 'a failed first attempt');
    expect(failed.lastError).toMatch(/ECONNREFUSED|ESOCKET|ECONNECTION/);
    expect(failed.lastError).not.toContain('@');
    expect(failed.runAt.getTime()).toBeGreaterThan(now.getTime());
    await smtp.start();
    now = new Date(now.getTime() + 3_600_000);
    w.t.app.fastify.platform.jobs.poke();
    const mail = await mailTo(mum);
    expect(mail.text).toContain('/guardian/invite#');
    const done = await waitUntil(async () => ((await mine())?.state === 'done' ? mine() : undefined), 'the job done');
    expect(done!.attempts).toBeGreaterThanOrEqual(2);
    expect(smtp.received.filter((m) => m.to.includes(mum))).toHaveLength(1);
  });

  it('a recipient the mail server refuses for good (550) is recorded as a failed job, tried once', async () => {
    const gone = address('gone');
    smtp.refuse(gone);
    const kid = await signUpChild(w, { birthDate: TWELVE, country: 'IN', guardianContact: address('x') });
    await kid.client.post('/api/guardians/invite', { contact: gone });
    const job = await waitUntil(async () => (await emailJobs()).find((j) => JSON.stringify(j.payload).includes(gone) && j.state === 'failed'), 'the failed job');
    expect(job.attempts).toBe(1);
    expect(job.lastError).toBe('mail server refused (550)');
  });

  it('a bad address is refused at input, and nothing is written', async () => {
    const kid = await signUpChild(w, { birthDate: TWELVE, country: 'IN', guardianContact: address('y') });
    await mailTo((await db().database.db.select().from(schema.users).where(eq(schema.users.id, kid.id)))[0]!.guardianContact!);
    const invitesBefore = await db().database.db.select().from(schema.guardianInvites).where(eq(schema.guardianInvites.studentId, kid.id));
    const jobsBefore = (await emailJobs()).length;
    for (const contact of ['dad@example', 'dad@@example.test', 'dad <dad@example.test>', 'dad@whatsapp.tutorline.invalid']) {
      const res = await kid.client.post('/api/guardians/invite', { contact });
      expect(res.status, contact).toBe(400);
      expect(res.json.error.details.fields[0].path).toBe('body.contact');
    }
    expect(await db().database.db.select().from(schema.guardianInvites).where(eq(schema.guardianInvites.studentId, kid.id))).toEqual(invitesBefore);
    expect((await emailJobs()).length).toBe(jobsBefore);
  });

  it('a guardian with no WhatsApp number gets the weekly summary by email, in their language', async () => {
    const dad = address('hi-dad');
    const kid = await signUpChild(w, { birthDate: TWELVE, country: 'IN', guardianContact: dad });
    const guardian = await guardianFromInvite(w, tokenIn(await mailTo(dad)));
    await guardian.client.patch('/api/me', { language: 'hi' });
    // Consent by a method that leaves no WhatsApp number (the card check's outcome, written as its port would).
    await db().database.db.update(schema.guardianLinks).set({ status: 'consented' }).where(eq(schema.guardianLinks.studentId, kid.id));
    expect(await w.t.app.fastify.guardians.summary.sendSummary(guardian.id, '2026-06-08')).toBe(true);
    const mail = await mailTo(guardian.email);
    expect(mail.subject).toContain('Tutorline साप्ताहिक सारांश');
    expect(mail.text).toContain('Asha: 0 तुरंत मदद');
    expect(mail.text).toContain('/guardian');
  });

  it('the data export link is emailed when the ZIP is ready, and it downloads for its owner only', async () => {
    const student = new Client(w.t.baseUrl);
    const email = address('ravi');
    await signUpStudent(student, { email, displayName: 'Ravi' });
    expect((await student.post('/api/privacy/export', {})).status).toBe(202);
    const mail = await mailTo(email);
    expect(mail.subject).toBe('Your Tutorline data is ready');
    const path = /\/api\/privacy\/exports\/[\w-]+\/download\?\S+/.exec(mail.text)?.[0];
    expect(path, mail.text).toBeTruthy();
    const zip = await fetch(`${w.t.baseUrl}${path}`, { headers: { cookie: student.cookie } });
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toMatch(/zip/);
    expect((await fetch(`${w.t.baseUrl}${path}`)).status).not.toBe(200);
    expect(w.t.logs()).not.toContain(email);
  });

  it("a tutor's application notice from the outbox goes by email too, in Hindi for a Hindi account; other kinds stay off email", async () => {
    const tutor = new Client(w.t.baseUrl);
    const { email, user } = await signUpTutor(tutor);
    await tutor.patch('/api/me', { language: 'hi' });
    const { notifications } = w.t.app.fastify.notifications;
    const database = db().database.db;
    await notifications.queue(database, user.id, { kind: 'booking.confirmed', text: 'Lesson booked', data: {} }, `test-booking:${user.id}`);
    await notifications.queue(database, user.id, { kind: 'onboarding.status', text: 'Your Tutorline application needs more information.', data: { applicationId: 'a1', status: 'needs_info' } }, `onboarding:test:${user.id}`);
    w.t.app.fastify.platform.jobs.poke();
    const mail = await mailTo(email);
    expect(mail.subject).toBe('आपका Tutorline ट्यूटर आवेदन');
    expect(mail.text).toContain('आपके आवेदन के लिए और जानकारी चाहिए।');
    expect(mail.text).toContain('/tutor/application');
    await waitUntil(async () => (await database.select().from(schema.jobs).where(eq(schema.jobs.dedupeKey, `notify:test-booking:${user.id}`)))[0]?.state === 'done', 'the booking notice delivered');
    expect(smtp.received.filter((m) => m.to.includes(email))).toHaveLength(1);
  });
});

/** Development without SMTP_URL: the email lands in the mailbox at /dev/mail, where `npm start` shows the guardian link. */
describeEachBackend('email: the development mailbox', ({ db }) => {
  it('keeps the guardian invite and shows it at /dev/mail, link included', async () => {
    const w = await startGuardianWorld(db().database, clock, { mail: { mode: 'dev', smtpUrl: undefined, from: 'Tutorline <no-reply@127.0.0.1>' } });
    try {
      const dad = address('dev-dad');
      await signUpChild(w, { birthDate: TWELVE, country: 'IN', guardianContact: dad });
      const box = new Client(w.t.baseUrl);
      const listed = await waitUntil(async () => ((await box.get('/dev/mail/api/messages')).json.messages as { to: string; text: string }[]).find((m) => m.to === dad), 'the invite in the mailbox');
      expect(listed.text).toMatch(/\/guardian\/invite#[\w-]{16,}/);
      const page = await box.get('/dev/mail');
      expect(page.status).toBe(200);
      expect(page.text).toContain('Asha asked you to be their guardian on Tutorline');
      expect(page.text).toMatch(/<a href="http[^"]+\/guardian\/invite#/);
    } finally {
      await w.close();
    }
  });
});
