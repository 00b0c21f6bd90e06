import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, signUpStudent } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { waitUntil } from '../../../test/help';
import { schema } from '../../../test/schema';
import { guardianFromInvite, type GuardianWorld, inviteTokenSentTo, newWaNumber, signUpChild, startGuardianWorld } from '../guardians/guardians.testkit';
import { download, jsonOf, logLines, unzip } from './privacy.testkit';

/** Issue #20: a guardian exports their child's data from settings; another guardian, or the child's link in another's hands, cannot. */
describeEachBackend('privacy: a guardian exports a child’s data', ({ db }) => {
  let w: GuardianWorld;
  const clock = { now: () => new Date() };
  let child: { client: Client; id: string };
  let guardian: { client: Client; id: string };
  let otherGuardian: { client: Client; id: string };

  beforeAll(async () => {
    w = await startGuardianWorld(db().database, clock);
    const wa = newWaNumber();
    child = await signUpChild(w, { birthDate: '2014-03-01', country: 'IN', guardianContact: `+${wa}` });
    guardian = await guardianFromInvite(w, await inviteTokenSentTo(w, wa));
    const wa2 = newWaNumber();
    const otherChild = await signUpChild(w, { birthDate: '2014-03-01', country: 'IN', guardianContact: `+${wa2}` });
    otherGuardian = await guardianFromInvite(w, await inviteTokenSentTo(w, wa2));
    expect(otherChild.id).not.toBe(child.id);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('a guardian of another child, or a stranger, can neither ask for nor see the child’s export', async () => {
    const stranger = new Client(w.t.baseUrl);
    await signUpStudent(stranger);
    for (const c of [otherGuardian.client, stranger]) {
      expect((await c.post('/api/privacy/export', { userId: child.id })).status).toBe(403);
      expect((await c.get(`/api/privacy/export?userId=${child.id}`)).status).toBe(403);
    }
    expect((await guardian.client.post('/api/privacy/export', { userId: 'not-an-id' })).status).toBe(400);
    expect(await w.t.app.database.db.select().from(schema.dataExports)).toEqual([]);
  });

  it('the guardian asks, both are told, the guardian downloads the child’s ZIP; the other guardian cannot use the link', async () => {
    const asked = await guardian.client.post('/api/privacy/export', { userId: child.id });
    expect(asked.status, asked.text).toBe(202);
    expect(asked.json.latest).toMatchObject({ userId: child.id, status: 'pending' });
    // The child sees it pending in their own settings too: one export per user, whoever asked.
    expect((await child.client.post('/api/privacy/export', {})).status).toBe(409);
    const ready = await waitUntil(async () => {
      const s = (await guardian.client.get(`/api/privacy/export?userId=${child.id}`)).json;
      if (s.latest?.status === 'failed') throw new Error(`export failed: ${logLines(w.t.logs(), 'data_export')}`);
      return s.latest?.status === 'ready' && s;
    }, 'the export to be ready', 20_000);
    const [row] = await w.t.app.database.db.select().from(schema.dataExports).where(eq(schema.dataExports.userId, child.id));
    expect(row).toMatchObject({ requestedBy: guardian.id, status: 'ready' });
    for (const who of [guardian.id, child.id]) {
      const notices = await w.t.app.database.db.select().from(schema.userNotifications).where(eq(schema.userNotifications.userId, who));
      expect(notices.some((n) => n.kind === 'data_export_ready'), who).toBe(true);
    }
    const res = await download(`${w.t.baseUrl}${ready.latest.downloadUrl}`, guardian.client.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    const files = await unzip(res.body);
    expect(jsonOf(files, 'profile.json')).toMatchObject({ id: child.id, role: 'student', country: 'IN' });
    // The child can download their own export.
    expect((await download(`${w.t.baseUrl}${ready.latest.downloadUrl}`, child.client.cookie)).status).toBe(200);
    // Another guardian, logged in, with the right link: refused.
    const refused = await download(`${w.t.baseUrl}${ready.latest.downloadUrl}`, otherGuardian.client.cookie);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('This export is not yours');
  });
});
