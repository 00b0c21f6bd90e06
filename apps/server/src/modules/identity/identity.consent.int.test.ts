import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, Client, relaxedLogin, signUpStudent, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { schema } from '../../../test/schema';

const clock = { now: () => new Date('2026-06-01T12:00:00Z') };
const valid = { guardianName: 'Meera Iyer', relationship: 'mother', contact: 'meera.iyer@example.test', method: 'paper_form', evidence: 'Signed form #2026-0042, scanned to the case file' };

/** Issue #13.9: recording a guardian's consent needs who gave it, how and the evidence; the admin sees it; it is audited. */
describeEachBackend('identity: guardian consent with its evidence', ({ db }) => {
  let t: TestApp;
  let admin: Client;
  let adminId: string;
  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin }, clock);
    const a = await adminClient(t);
    admin = a.client;
    adminId = a.user.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const kid = async () => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpStudent(client, { birthDate: '2015-03-10', guardianContact: 'parent@example.test' });
    return { client, id: user.id };
  };
  const consentsOf = (studentId: string) => db().database.db.select().from(schema.guardianConsents).where(eq(schema.guardianConsents.studentId, studentId));
  const needsConsent = async (c: Client) => (await c.get('/api/me')).json.minor.needsConsent as boolean;

  it('refuses an empty or incomplete body with 400 naming the fields, and changes nothing', async () => {
    const k = await kid();
    const url = `/api/admin/students/${k.id}/guardian-consent`;
    const empty = await admin.post(url);
    expect(empty.status).toBe(400);
    expect(empty.json.error.code).toBe('validation_failed');
    const bare = await admin.post(url, {});
    expect(bare.status).toBe(400);
    const paths = (bare.json.error.details.fields as { path: string }[]).map((f) => f.path).sort();
    expect(paths).toEqual(['body.contact', 'body.evidence', 'body.guardianName', 'body.method', 'body.relationship']);
    const { evidence: _e, ...noEvidence } = valid;
    expect((await admin.post(url, noEvidence)).json.error.details.fields).toEqual([expect.objectContaining({ path: 'body.evidence' })]);
    expect((await admin.post(url, { ...valid, evidence: '  ' })).status).toBe(400);
    const other = await admin.post(url, { ...valid, method: 'other' });
    expect(other.status).toBe(400);
    expect(other.json.error.details.fields).toEqual([expect.objectContaining({ path: 'body.methodOther', message: 'must say how consent was given' })]);
    expect((await admin.post(url, { ...valid, method: 'carrier_pigeon' })).status).toBe(400);
    expect((await admin.post(url, { ...valid, extra: 1 })).status).toBe(400);
    expect(await consentsOf(k.id)).toEqual([]);
    expect(await needsConsent(k.client)).toBe(true);
  });

  // Issue #20: the consent age is the country's (18 in India under the DPDP Act, 13 by default), in the admin's list too.
  it("lists as waiting for consent a student under their own country's consent age, not one over the default's", async () => {
    const born15 = '2011-01-15';
    const india = await signUpStudent(new Client(t.baseUrl), { birthDate: born15, country: 'IN', guardianContact: 'parent@example.test' });
    const elsewhere = await signUpStudent(new Client(t.baseUrl), { birthDate: born15, country: 'GB', guardianContact: 'parent@example.test' });
    const ids = ((await admin.get('/api/admin/users?role=student&consent=needed&limit=200')).json.users as { id: string }[]).map((u) => u.id);
    expect(ids).toContain(india.user.id);
    expect(ids).not.toContain(elsewhere.user.id);
  });

  it('records who, how and the evidence, with the admin and the time; the admin’s view shows it; an audit event is logged', async () => {
    const k = await kid();
    const waiting = await admin.get('/api/admin/users?role=student&consent=needed&limit=200');
    expect(waiting.status).toBe(200);
    expect((waiting.json.users as { id: string }[]).map((u) => u.id)).toContain(k.id);

    const res = await admin.post(`/api/admin/students/${k.id}/guardian-consent`, { ...valid, method: 'other', methodOther: 'Phone call with the school counsellor present' });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ id: k.id, canAskOrBook: true, minor: { needsConsent: false, consentAt: clock.now().toISOString() } });
    expect(await needsConsent(k.client)).toBe(false);

    const [row] = await consentsOf(k.id);
    expect(row).toMatchObject({ guardianName: 'Meera Iyer', relationship: 'mother', contact: 'meera.iyer@example.test', method: 'other', methodOther: 'Phone call with the school counsellor present', evidence: valid.evidence, recordedBy: adminId, recordedAt: clock.now() });

    const recorded = await admin.get('/api/admin/users?role=student&consent=recorded&limit=200');
    const me = (recorded.json.users as { id: string }[]).find((u) => u.id === k.id);
    expect(me).toMatchObject({
      minor: { isMinor: true, needsConsent: false },
      guardianConsent: { guardianName: 'Meera Iyer', relationship: 'mother', method: 'other', methodOther: 'Phone call with the school counsellor present', evidence: valid.evidence, recordedBy: { id: adminId, displayName: 'A' }, recordedAt: clock.now().toISOString() },
    });
    expect(((await admin.get('/api/admin/users?role=student&consent=needed&limit=200')).json.users as { id: string }[]).map((u) => u.id)).not.toContain(k.id);

    const audit = t
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.event === 'guardian_consent_recorded' && l.userId === k.id);
    expect(audit).toMatchObject({ level: 'info', audit: true, consentId: row!.id, by: adminId, method: 'other', at: clock.now().toISOString() });
    // The guardian's contact stays in the table, out of the logs.
    expect(JSON.stringify(audit)).not.toContain('meera.iyer@example.test');
  });

  it('refuses students and tutors (403) and non-students (404), before anything changes', async () => {
    const k = await kid();
    expect((await k.client.post(`/api/admin/students/${k.id}/guardian-consent`, valid)).status).toBe(403);
    const { user } = await adminClient(t);
    expect((await admin.post(`/api/admin/students/${user.id}/guardian-consent`, valid)).status).toBe(404);
    expect(await consentsOf(k.id)).toEqual([]);
  });
});
