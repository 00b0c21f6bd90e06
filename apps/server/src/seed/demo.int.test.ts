import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, relaxedLogin, type TestApp, startTestApp } from '../../test/app';
import { describeEachBackend } from '../../test/db';
import { createIdentityRepo } from '../modules/identity';
import { schema } from '../../test/schema';
import { DEMO_PASSWORD, seedDemoData } from './demo';

const NOW = new Date('2026-11-30T00:00:00.000Z');

describeEachBackend('demo data: tutors people can find and book', ({ db }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin, seedDemo: true }, { now: () => NOW });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('seeds searchable tutors with bios, INR and USD rates, four continents of zones, and bookable slots', async () => {
    expect(t.app.seeded).toBe(true);
    const anon = new Client(t.baseUrl);
    const all = await anon.get('/api/tutors?pageSize=50');
    expect(all.status, all.text).toBe(200);
    expect(all.json.total).toBe(25);
    const tutors = all.json.tutors as { id: string; headline: string; currency: string; timeZone: string; languages: string[] }[];
    expect(new Set(tutors.map((x) => x.currency))).toEqual(new Set(['INR', 'USD']));
    for (const zone of ['Asia/Kolkata', 'Europe/London', 'America/New_York', 'Australia/Sydney']) expect(tutors.some((x) => x.timeZone === zone), zone).toBe(true);
    expect(tutors.every((x) => x.headline.length > 60 && x.languages.includes('English'))).toBe(true);

    const soon = await anon.get('/api/tutors?availableWithinDays=7&pageSize=50');
    expect(soon.json.total).toBeGreaterThan(15);
    const kolkata = tutors.find((x) => x.timeZone === 'Asia/Kolkata')!;
    const slots = await anon.get(`/api/tutors/${kolkata.id}/slots?from=2026-12-01T00:00:00Z&to=2026-12-08T00:00:00Z&duration=60&zone=Europe/London`);
    expect(slots.status, slots.text).toBe(200);
    expect(slots.json.slots.length).toBeGreaterThan(0);
  });

  it('seeds three upcoming group classes (free and paid) to enrol in, and seeding again adds none', async () => {
    const anon = new Client(t.baseUrl);
    const classes = (await anon.get('/api/classes')).json.classes as { title: string; free: boolean; start: string; seatsLeft: number }[];
    expect(classes).toHaveLength(3);
    expect(classes.every((c) => Date.parse(c.start) > NOW.getTime() && c.seatsLeft > 0)).toBe(true);
    expect(classes.filter((c) => c.free)).toHaveLength(2);
    const d = db().database.db;
    await seedDemoData(createIdentityRepo(d), { now: () => NOW }, t.app.logger, d);
    expect((await d.select({ n: count() }).from(schema.classes))[0]!.n).toBe(3);
  });

  it('has one demo account per staff role, each allowed its own tools and refused the others (least privilege, #18)', async () => {
    const as = async (email: string) => {
      const c = new Client(t.baseUrl);
      await c.logIn(email, DEMO_PASSWORD);
      return c;
    };
    const [ops, support, finance] = [await as('ops@tutorline.test'), await as('support@tutorline.test'), await as('finance@tutorline.test')];
    expect((await ops.get('/api/me')).json.staffRoles).toEqual(['ops']);
    expect((await support.get('/api/me')).json.staffRoles).toEqual(['support']);
    expect((await finance.get('/api/me')).json.staffRoles).toEqual(['finance']);
    // The dashboard: ops and finance (money for finance only); support is refused it but has the tickets.
    expect((await ops.get('/api/ops/summary')).json.money).toBeNull();
    expect((await finance.get('/api/ops/summary')).json.money).not.toBeNull();
    expect((await support.get('/api/ops/summary')).status).toBe(403);
    expect((await support.get('/api/support/tickets')).status).toBe(200);
    // Only an admin grants roles.
    for (const c of [ops, support, finance]) expect((await c.get('/api/admin/staff')).status).toBe(403);
  });

  it('keeps the demo logins working, and seeding again changes nothing', async () => {
    for (const email of ['admin@tutorline.test', 'tutor01@tutorline.test', 'tutor25@tutorline.test', 'student01@tutorline.test']) await new Client(t.baseUrl).logIn(email, DEMO_PASSWORD);
    const d = db().database.db;
    const users = async () => (await d.select({ n: count() }).from(schema.users))[0]!.n;
    const policies = async () => (await d.select({ n: count() }).from(schema.availabilityPolicies))[0]!.n;
    const [u0, p0] = [await users(), await policies()];
    expect(p0).toBe(25);
    expect(await seedDemoData(createIdentityRepo(d), { now: () => NOW }, t.app.logger, d)).toBe(false);
    expect([await users(), await policies()]).toEqual([u0, p0]);
  });

  it('gives demo tutors seeded before availability existed a policy, and never replaces one a tutor set', async () => {
    const d = db().database.db;
    const [tutor01] = await d.select().from(schema.users).where(eq(schema.users.email, 'tutor01@tutorline.test'));
    const [tutor02] = await d.select().from(schema.users).where(eq(schema.users.email, 'tutor02@tutorline.test'));
    // tutor01 set their own hours; tutor02's policy is missing (an older data folder).
    const client = new Client(t.baseUrl);
    await client.logIn('tutor01@tutorline.test', DEMO_PASSWORD);
    const own = { timeZone: 'Asia/Kolkata', rules: [{ weekday: 2, start: '06:00', end: '07:00' }], overrides: [], durationsMinutes: [60], bufferMinutes: 0, minNoticeMinutes: 60, maxPerDay: null, horizonDays: 30, cancelFreeHours: 24 };
    expect((await client.put('/api/tutors/me/availability', own)).status).toBe(200);
    await d.delete(schema.availabilityPolicies).where(eq(schema.availabilityPolicies.tutorId, tutor02!.id));
    expect(await seedDemoData(createIdentityRepo(d), { now: () => NOW }, t.app.logger, d)).toBe(false);
    const rows = await d.select().from(schema.availabilityPolicies);
    expect(rows).toHaveLength(25);
    expect(rows.find((r) => r.tutorId === tutor01!.id)!.rules).toEqual(own.rules);
    expect(rows.find((r) => r.tutorId === tutor02!.id)!.rules.length).toBeGreaterThan(0);
  });
});
