import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PlatformSim } from '../../integrations/lms/simulator';
import { agsSimOf } from '../../integrations/lms/simulator.ags';
import { adminClient, Client } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { waitUntil } from '../../../test/help';
import { freePort } from '../../../test/net';
import { schema } from '../../../test/schema';
import { offsetClock, runLaunch, simulatorOf } from '../lti/lti.testkit';
import { consentByCode, guardianFromInvite, type GuardianWorld, inviteTokenSentTo, newWaNumber, startGuardianWorld } from './guardians.testkit';

/**
 * Issue #20 (COPPA 2025): consent to sharing a child's data with third parties is apart from the main consent, off until
 * a guardian gives it, kept with its evidence, and honoured where sharing is optional: grades to the school's LMS.
 */
describeEachBackend('guardians: third-party sharing consent, honoured by LTI grade passback', ({ db }) => {
  let w: GuardianWorld;
  let sim: PlatformSim;
  const clock = offsetClock();
  beforeAll(async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    w = await startGuardianWorld(db().database, clock, { port, publicUrl: base, allowedOrigins: [base], lti: { simulator: true } as never });
    sim = await simulatorOf(w.t).add({ slug: 'share', dialect: 'canvas', clientId: 'canvas-share-client', deploymentId: 'share-dep-1' });
    expect((await (await adminClient(w.t)).client.post('/api/admin/lti/registrations', sim.registrationBody())).status).toBe(201);
  });
  afterAll(async () => {
    await w?.close();
  });

  const launch = async (person: string) => {
    const launched = await runLaunch(w.t, sim, person);
    expect(launched.status, launched.body).toBe(302);
    const client = new Client(w.t.baseUrl);
    client.cookie = launched.sessionCookie!;
    const me = await client.get('/api/me');
    expect(me.status, me.text).toBe(200);
    return { client, id: me.json.id as string };
  };
  const outcome = (userId: string) => db().database.db.transaction((tx) => w.t.app.fastify.lti!.ags.recordOutcome(tx, { userId, kind: 'help', sourceId: crypto.randomUUID(), at: clock.now() }));
  const logged = (event: string) => w.t.logs().split('\n').filter((l) => l.includes(`"event":"${event}"`)).map((l) => JSON.parse(l) as Record<string, unknown>);
  const scoreOf = (person: string) => {
    const item = [...agsSimOf(sim).lineItems.values()].find((i) => i.tag === 'tutorline-help');
    return item ? agsSimOf(sim).scores.get(item.id)?.get(`${sim.opts.slug}-${person}`) : undefined;
  };
  const rows = (studentId: string) => db().database.db.select().from(schema.guardianSharingConsents).where(eq(schema.guardianSharingConsents.studentId, studentId));

  it('a child is withheld from grade passback until a guardian gives sharing consent; withdrawing (or revoking consent) stops it again', async () => {
    // A ten-year-old in India, launched from the school's LMS, whose guardian gave the main consent.
    const kid = await launch('student-1');
    const tenYearsAgo = new Date(clock.now().getTime() - 10 * 365.25 * 86_400_000).toISOString().slice(0, 10);
    await db().database.db.update(schema.users).set({ birthDate: tenYearsAgo, country: 'IN' }).where(eq(schema.users.id, kid.id));
    const guardianWa = newWaNumber();
    await w.t.app.fastify.guardians.consent.sendInvite(kid.id, `+${guardianWa}`, 'Asha');
    const token = await inviteTokenSentTo(w, guardianWa);
    const guardian = await guardianFromInvite(w, token);
    // Before the main consent, sharing cannot be given: nothing is recorded.
    const view0 = (await guardian.client.get('/api/guardian/children')).json.children[0];
    expect(view0.sharing).toMatchObject({ given: false, at: null, giveText: expect.stringContaining("the school's learning platform") });
    const give = { given: true, fullName: 'Meera Iyer', agreed: true, textVersion: view0.sharing.textVersion, text: view0.sharing.giveText };
    const early = await guardian.client.post(`/api/guardian/children/${kid.id}/sharing`, give);
    expect(early.status).toBe(409);
    expect(early.json.error.message).toContain('Give your consent for this child first');
    expect((await consentByCode(w, guardian.client, kid.id, guardianWa, token)).status).toBe(200);

    // Main consent alone does not share: the outcome queues no score, and says why.
    expect(await outcome(kid.id)).toBe(0);
    expect(logged('lti_ags_score_withheld').at(-1)).toMatchObject({ userId: kid.id, kind: 'help' });
    // An adult learner of the same course (no age, no guardian) is not held back.
    const adult = await launch('student-2');
    expect(await outcome(adult.id)).toBe(1);
    await waitUntil(async () => scoreOf('student-2'), 'the adult learner’s score', 15_000);

    // Bad input changes nothing: another text, no signature, someone else's child.
    const changed = await guardian.client.post(`/api/guardian/children/${kid.id}/sharing`, { ...give, text: `${give.text} And more.` });
    expect(changed.status).toBe(409);
    const unsigned = await guardian.client.post(`/api/guardian/children/${kid.id}/sharing`, { ...give, fullName: ' ' });
    expect(unsigned.status).toBe(400);
    const stranger = await guardianFromInvite(w, await (async () => {
      const wa = newWaNumber();
      await w.t.app.fastify.guardians.consent.sendInvite(kid.id, `+${wa}`, 'Asha');
      return inviteTokenSentTo(w, wa);
    })());
    await db().database.db.delete(schema.guardianLinks).where(eq(schema.guardianLinks.guardianId, stranger.id));
    expect((await stranger.client.post(`/api/guardian/children/${kid.id}/sharing`, give)).status).toBe(404);
    expect(await rows(kid.id)).toEqual([]);

    // Given: the evidence is kept (method, time, IP, the exact text, the name), and the score goes out.
    const given = await guardian.client.post(`/api/guardian/children/${kid.id}/sharing`, give);
    expect(given.status, given.text).toBe(200);
    expect(given.json).toMatchObject({ given: true, at: expect.any(String) });
    const [evidence] = await rows(kid.id);
    expect(evidence).toMatchObject({ guardianId: guardian.id, given: true, method: 'signed_declaration', ip: '127.0.0.1', textVersion: give.textVersion, textAgreed: give.text, signedName: 'Meera Iyer' });
    expect(logged('guardian_sharing_given').at(-1)).toMatchObject({ audit: true, guardianId: guardian.id, studentId: kid.id });
    expect(await outcome(kid.id)).toBe(1);
    await waitUntil(async () => scoreOf('student-1'), 'the child’s score', 15_000);
    expect(scoreOf('student-1')).toMatchObject({ scoreGiven: 1 });

    // Withdrawn: new outcomes queue nothing, and a score queued before is not sent when its job runs.
    const withdraw = { ...give, given: false, text: view0.sharing.withdrawText };
    const withdrawn = await guardian.client.post(`/api/guardian/children/${kid.id}/sharing`, withdraw);
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.json.given).toBe(false);
    expect(await outcome(kid.id)).toBe(0);
    const [job] = await db().database.db.select().from(schema.jobs).where(eq(schema.jobs.queue, 'lti.ags_score'));
    const requestsBefore = agsSimOf(sim).requests.length;
    await w.t.app.fastify.lti!.ags.sendScore({ courseId: (job!.payload as { courseId: string }).courseId, userId: kid.id, kind: 'help', count: 5, timestamp: clock.now() }, 1);
    expect(agsSimOf(sim).requests.length).toBe(requestsBefore);
    expect(scoreOf('student-1')).toMatchObject({ scoreGiven: 1 });
    expect((await rows(kid.id)).map((r) => r.given).sort()).toEqual([false, true]);

    // Given again, then the main consent revoked: sharing stands on it, so it stops too.
    expect((await guardian.client.post(`/api/guardian/children/${kid.id}/sharing`, give)).status).toBe(200);
    expect((await guardian.client.post(`/api/guardian/children/${kid.id}/revoke`)).status).toBe(204);
    expect(await outcome(kid.id)).toBe(0);
  });
});
