import { randomUUID } from 'node:crypto';
import { type StaffRole, staffRoles } from '@tutorline/contracts';
import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, Client, relaxedLogin, signUpStudent, signUpTutor, staffClient, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { installAuth, type IdentityService } from '../identity';
import { recordAudit } from './audit.repo';

const auditCount = async (t: TestApp) => Number(((await t.app.database.db.execute(sql`select count(*)::int as n from audit_log`)) as unknown as { rows: { n: number }[] }).rows[0]!.n);

it('refuses to start when a route under /api/admin names no staff role', async () => {
  const app = Fastify();
  installAuth(app, {} as IdentityService);
  expect(() => app.get('/api/admin/forgot', { config: { access: 'user' } }, async () => ({}))).toThrow(/staff route but its config\.access names no staff role/);
  expect(() => app.get('/api/admin/students-only', { config: { access: ['student'] } }, async () => ({}))).toThrow(/names no staff role/);
  app.get('/api/admin/declared', { config: { access: ['ops'] } }, async () => ({}));
  expect(app.staffRoutes).toEqual([{ method: 'GET', url: '/api/admin/declared', staff: ['ops'] }]);
  await app.close();
});

describeEachBackend('staff roles: the role matrix, grants and the audit log', ({ db }) => {
  let t: TestApp;
  const staff = {} as Record<StaffRole, { client: Client; user: { id: string } }>;
  let studentId: string;
  let tutorId: string;

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin });
    for (const role of staffRoles) staff[role] = await staffClient(t, [role]);
    studentId = (await signUpStudent(new Client(t.baseUrl))).user.id;
    tutorId = (await signUpTutor(new Client(t.baseUrl))).user.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('walks every registered staff route with every staff role: allowed as declared, refused with 403 otherwise', async () => {
    const routes = t.app.fastify.staffRoutes;
    // Enumerated from the app, not listed by hand; a few known ones prove the list is the real one.
    expect(routes.length).toBeGreaterThan(20);
    for (const url of [
      '/api/admin/staff/:id/roles',
      '/api/admin/payments/:id/refund',
      '/api/admin/tutors/:id/approval',
      '/api/admin/tutors/:id/suspend',
      '/api/admin/tutors/:id/reinstate',
      '/api/admin/tutors/:id/probation',
      '/api/admin/tutors/:id/standing',
      '/api/admin/users',
      '/api/admin/audit',
      '/api/admin/onboarding/applications/:id/decision',
      '/api/admin/onboarding/documents/:id',
      '/api/admin/billing/payout-accounts',
      '/api/admin/billing/payout-accounts/:tutorId',
    ]) {
      expect(routes.map((r) => r.url)).toContain(url);
    }
    const before = await auditCount(t);
    const seen: string[] = [];
    for (const route of routes) {
      // Unknown ids and empty bodies: an allowed caller gets a validation error or not-found, never a change.
      const path = route.url.replace(/:[A-Za-z0-9_]+/g, () => randomUUID());
      for (const role of staffRoles) {
        const res = await staff[role].client.request(route.method, path, ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined);
        const allowed = role === 'admin' || route.staff.includes(role);
        const where = `${role} ${route.method} ${route.url} -> ${res.status} ${res.text.slice(0, 120)}`;
        if (allowed) {
          expect(res.status, where).not.toBe(401);
          expect(res.status, where).not.toBe(403);
          expect(res.status, where).toBeLessThan(500);
        } else {
          expect(res.status, where).toBe(403);
          expect(res.json.error.message, where).toContain('This needs one of the staff roles');
        }
        seen.push(where);
      }
    }
    expect(seen.length).toBe(routes.length * staffRoles.length);
    // Students and tutors are refused on every pure staff route.
    const studentClient = new Client(t.baseUrl);
    await signUpStudent(studentClient);
    for (const route of routes.filter((r) => r.url.startsWith('/api/admin'))) {
      expect((await studentClient.request(route.method, route.url.replace(/:[A-Za-z0-9_]+/g, () => randomUUID()), route.method === 'GET' ? undefined : {})).status).toBe(403);
    }
    expect(await auditCount(t)).toBe(before);
  });

  it('refuses a support user opening finance, with a clear message, and changes nothing', async () => {
    const before = await auditCount(t);
    const payments = await staff.support.client.get('/api/admin/billing/payments');
    expect(payments.status).toBe(403);
    expect(payments.json.error).toMatchObject({ code: 'forbidden', message: 'This needs one of the staff roles: finance.' });
    const refund = await staff.support.client.post(`/api/admin/payments/${randomUUID()}/refund`, { idempotencyKey: 'refund-by-support-1', reason: 'asked' });
    expect(refund.status).toBe(403);
    expect(await auditCount(t)).toBe(before);
  });

  it('refuses an ops user granting roles, with a clear message, and changes nothing', async () => {
    const before = await auditCount(t);
    const grant = await staff.ops.client.post(`/api/admin/staff/${staff.ops.user.id}/roles`, { role: 'admin', reason: 'promote myself' });
    expect(grant.status).toBe(403);
    expect(grant.json.error.message).toBe('This needs one of the staff roles: admin.');
    const list = await staff.admin.client.get('/api/admin/staff');
    expect(list.json.staff.find((m: { id: string }) => m.id === staff.ops.user.id).staffRoles).toEqual(['ops']);
    expect(await auditCount(t)).toBe(before);
  });

  it('lets an admin grant and revoke a role with a reason, audited, taking effect on the next request', async () => {
    const { client: newcomer, user } = await staffClient(t, []);
    expect((await newcomer.get('/api/admin/users')).status).toBe(403);
    const granted = await staff.admin.client.post(`/api/admin/staff/${user.id}/roles`, { role: 'support', reason: 'joined the support team' });
    expect(granted.status).toBe(200);
    expect(granted.json.staffRoles).toEqual(['support']);
    expect((await newcomer.get('/api/admin/users')).status).toBe(200);
    expect((await newcomer.get('/api/me')).json.staffRoles).toEqual(['support']);

    const again = await staff.admin.client.post(`/api/admin/staff/${user.id}/roles`, { role: 'support', reason: 'twice' });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toContain('already has the support role');
    const toStudent = await staff.admin.client.post(`/api/admin/staff/${studentId}/roles`, { role: 'ops', reason: 'mistake' });
    expect(toStudent.status).toBe(409);
    expect(toStudent.json.error.message).toContain('staff accounts only');
    const noReason = await staff.admin.client.post(`/api/admin/staff/${user.id}/roles`, { role: 'ops' });
    expect(noReason.status).toBe(400);
    const ownAdmin = await staff.admin.client.post(`/api/admin/staff/${staff.admin.user.id}/roles/revoke`, { role: 'admin', reason: 'oops' });
    expect(ownAdmin.status).toBe(409);

    const revoked = await staff.admin.client.post(`/api/admin/staff/${user.id}/roles/revoke`, { role: 'support', reason: 'moved team' });
    expect(revoked.json.staffRoles).toEqual([]);
    expect((await newcomer.get('/api/admin/users')).status).toBe(403);

    const log = await staff.admin.client.get(`/api/admin/audit?objectType=user&objectId=${user.id}`);
    expect(log.json.entries.map((e: { action: string }) => e.action)).toEqual(['staff_role.revoke', 'staff_role.grant']);
    expect(log.json.entries[1]).toMatchObject({ actorId: staff.admin.user.id, actorRole: 'admin', reason: 'joined the support team', before: { staffRoles: [] }, after: { staffRoles: ['support'] } });
  });

  it('audits a tutor approval with the acting role, before and after, and the reason', async () => {
    const res = await staff.ops.client.post(`/api/admin/tutors/${tutorId}/approval`, { status: 'approved', reason: 'documents checked' });
    expect(res.status).toBe(200);
    const log = await staff.admin.client.get(`/api/admin/audit?action=tutor.approve&objectId=${tutorId}`);
    expect(log.json.entries).toHaveLength(1);
    expect(log.json.entries[0]).toMatchObject({ actorId: staff.ops.user.id, actorRole: 'ops', objectType: 'tutor', reason: 'documents checked', before: { approvalStatus: 'pending' }, after: { approvalStatus: 'approved' } });
  });

  it('writes audit rows only with the action: a transaction that fails after the write leaves no row', async () => {
    const before = await auditCount(t);
    const objectId = randomUUID();
    await expect(
      t.app.database.db.transaction(async (tx) => {
        await recordAudit(tx, t.app.clock.now(), { actor: { id: staff.admin.user.id, role: 'admin' }, action: 'test.fails_after', object: { type: 'test', id: objectId } });
        throw new Error('the action failed after its audit row');
      }),
    ).rejects.toThrow('the action failed after its audit row');
    expect(await auditCount(t)).toBe(before);
    // And a refused action writes nothing: approving an unknown tutor.
    expect((await staff.ops.client.post(`/api/admin/tutors/${randomUUID()}/approval`, { status: 'approved' })).status).toBe(404);
    expect(await auditCount(t)).toBe(before);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the audit log in the database', async () => {
    expect(await auditCount(t)).toBeGreaterThan(0);
    const before = await auditCount(t);
    await expect(t.app.database.db.execute(sql`update audit_log set reason = 'rewritten'`)).rejects.toThrow();
    await expect(t.app.database.db.execute(sql`delete from audit_log`)).rejects.toThrow();
    await expect(t.app.database.db.execute(sql`truncate audit_log`)).rejects.toThrow();
    const refused = await t.app.database.db.execute(sql`delete from audit_log`).catch((err: unknown) => err as Error);
    expect(String((refused as { cause?: unknown }).cause ?? refused)).toContain('append-only');
    expect(await auditCount(t)).toBe(before);
    const rewritten = (await t.app.database.db.execute(sql`select count(*)::int as n from audit_log where reason = 'rewritten'`)) as unknown as { rows: { n: number }[] };
    expect(rewritten.rows[0]!.n).toBe(0);
  });

  it('searches by actor, action, object and time range, and exports CSV', async () => {
    const now = t.app.clock.now();
    const byActor = await staff.admin.client.get(`/api/admin/audit?actorId=${staff.ops.user.id}`);
    expect(byActor.json.entries.length).toBeGreaterThan(0);
    expect(byActor.json.entries.every((e: { actorId: string }) => e.actorId === staff.ops.user.id)).toBe(true);
    const future = new Date(now.getTime() + 60_000).toISOString();
    const past = new Date(now.getTime() - 24 * 3600_000).toISOString();
    expect((await staff.admin.client.get(`/api/admin/audit?from=${encodeURIComponent(future)}`)).json.entries).toEqual([]);
    const inRange = await staff.admin.client.get(`/api/admin/audit?from=${encodeURIComponent(past)}&to=${encodeURIComponent(future)}&action=tutor.approve`);
    expect(inRange.json.entries).toHaveLength(1);
    expect((await staff.admin.client.get('/api/admin/audit?from=yesterday')).status).toBe(400);
    expect((await staff.admin.client.get('/api/admin/audit?actorId=nope')).status).toBe(400);

    const csv = await staff.admin.client.get(`/api/admin/audit.csv?objectId=${tutorId}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('at,actor_id,actor_role,action,object_type,object_id,reason,before,after');
    expect(lines[1]).toContain(`,ops,tutor.approve,tutor,${tutorId},documents checked,"{""approvalStatus"":""pending""}","{""approvalStatus"":""approved""}"`);
    // Only admins read the log.
    expect((await staff.finance.client.get('/api/admin/audit')).status).toBe(403);
  });

  it('keeps an admin made by the operator an admin (npm run admin:create)', async () => {
    const made = await t.app.identity.createAdmin({ email: `ops-lead-${randomUUID().slice(0, 8)}@example.test`, password: 'a long enough pass phrase 42' });
    expect(made.staffRoles).toEqual(['admin']);
    const admin = await adminClient(t);
    expect((await admin.client.get('/api/admin/staff')).status).toBe(200);
  });
});
