import type { RoomAck, RoomJoined } from '@tutorline/contracts';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { SocketPool, type TestSocket } from '../../../test/sockets';
import { schema } from '../../../test/schema';

type AnySocket = { timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<any> }; on(e: string, l: (p: any) => void): void };
const ask = <T = object>(socket: TestSocket, event: string, payload: unknown): Promise<RoomAck<T>> => (socket as unknown as AnySocket).timeout(5_000).emitWithAck(event, payload);
let clientIds = 0;

/** A board side: a Yjs doc whose 'elements' map holds whole Excalidraw elements, as the web app's binding writes them. */
function boardSide() {
  const doc = new Y.Doc();
  return {
    write(id: string, element: Record<string, unknown>): Uint8Array {
      const before = Y.encodeStateVector(doc);
      doc.getMap('elements').set(id, { id, ...element });
      return Y.encodeStateAsUpdate(doc, before);
    },
  };
}

/** Issue #20: contact details in the board's text (in a minor's session) and in tutors' bios. */
describeEachBackend('safety: board text and profile bios screened for contact details', ({ db }) => {
  let t: TestApp;
  const clock = { now: () => new Date('2026-12-07T09:00:00.000Z') };
  const sockets = new SocketPool();
  const people = { minor: new Client(''), adult: new Client(''), tutor: new Client(''), tutor2: new Client('') };
  const ids = { minor: '', adult: '', tutor: '', tutor2: '', minorSession: '', adultSession: '' };
  const sockOf: Record<string, TestSocket> = {};
  const attempts = (senderId: string) => db().database.db.select().from(schema.safetyContactAttempts).where(eq(schema.safetyContactAttempts.senderId, senderId));
  const flagsOf = (userId: string) => db().database.db.select().from(schema.safetyFlags).where(and(eq(schema.safetyFlags.userId, userId), eq(schema.safetyFlags.kind, 'repeat_contact')));
  const join = async (who: keyof typeof people, sessionId: string) => {
    sockOf[who] ??= (await sockets.connect(t.baseUrl, people[who].cookie)).socket;
    expect((await ask<RoomJoined>(sockOf[who], 'room:join', { sessionId })).ok).toBe(true);
    return sockOf[who];
  };

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin }, clock, { manualJobs: true });
    for (const k of Object.keys(people) as (keyof typeof people)[]) people[k] = new Client(t.baseUrl);
    ids.minor = (await signUpStudent(people.minor, { birthDate: '2011-05-01', guardianContact: 'parent@example.org' })).user.id;
    ids.adult = (await signUpStudent(people.adult)).user.id;
    ids.tutor = (await signUpTutor(people.tutor)).user.id;
    ids.tutor2 = (await signUpTutor(people.tutor2)).user.id;
    const session = async (studentId: string, tutorId: string) => (await db().database.db.insert(schema.tutoringSessions).values({ kind: 'instant', studentId, tutorId, startedAt: clock.now() }).returning())[0]!.id;
    ids.minorSession = await session(ids.minor, ids.tutor);
    ids.adultSession = await session(ids.adult, ids.tutor2);
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
  });

  it('board text with contact details in a minor’s session: the writer is warned, one attempt per element is kept, and board attempts count toward the repeat flag with chat', async () => {
    const tutor = await join('tutor', ids.minorSession);
    const minor = await join('minor', ids.minorSession);
    const relayed: Uint8Array[] = [];
    (minor as unknown as AnySocket).on('room:board', (p: { update: Uint8Array }) => relayed.push(new Uint8Array(p.update)));
    const board = boardSide();
    // Maths on the board passes untouched, and so does a shape.
    expect(await ask(tutor, 'room:board', { sessionId: ids.minorSession, update: board.write('t0', { type: 'text', text: 'x + 2 = 5, so x = 3 (page 98, ex. 4 5 6)' }) })).toEqual({ ok: true });
    expect(await ask(tutor, 'room:board', { sessionId: ids.minorSession, update: board.write('r0', { type: 'rectangle' }) })).toEqual({ ok: true });
    expect(await attempts(ids.tutor)).toEqual([]);

    // A number spelled out, then the element edited on (each keystroke re-sends it whole): warned each time, recorded once, with the latest text.
    const partial = await ask<{ warning?: string }>(tutor, 'room:board', { sessionId: ids.minorSession, update: board.write('t1', { type: 'text', text: 'whatsapp me nine eight seven six five 4 3 2 1 0' }) });
    expect(partial).toMatchObject({ ok: true, warning: expect.stringMatching(/Contact details \(.*phone numbers.*\) aren't allowed on the board with students under 18/) });
    const full = await ask<{ warning?: string }>(tutor, 'room:board', { sessionId: ids.minorSession, update: board.write('t1', { type: 'text', text: 'whatsapp me nine eight seven six five 4 3 2 1 0 after class' }) });
    expect(full.ok && full.warning).toBeTruthy();
    let rows = await attempts(ids.tutor);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sessionId: ids.minorSession, surface: 'board', ref: 't1', original: 'whatsapp me nine eight seven six five 4 3 2 1 0 after class', categories: expect.arrayContaining(['phone']) });
    expect(t.logs()).toContain('"event":"contact_details_on_board"');
    // Not masked: the shared Yjs doc reaches the student as written (the warning and the review are the protection).
    expect(relayed.length).toBeGreaterThanOrEqual(4);
    expect(await flagsOf(ids.tutor)).toEqual([]);

    // One chat attempt and a second board element: the third attempt in the session flags the tutor to ops, once.
    const chatted = await ask<{ warning?: string }>(tutor, 'room:chat', { sessionId: ids.minorSession, clientId: `00000000-0000-4000-8000-${String(++clientIds).padStart(12, '0')}`, text: 'mail me at riya@example.com' });
    expect(chatted.ok && chatted.warning).toBeTruthy();
    expect(await flagsOf(ids.tutor)).toEqual([]);
    await ask(tutor, 'room:board', { sessionId: ids.minorSession, update: board.write('t2', { type: 'text', text: 'pay me on upi riya@okaxis' }) });
    rows = await attempts(ids.tutor);
    expect(rows.map((r) => r.surface).sort()).toEqual(['board', 'board', 'chat']);
    const flags = await flagsOf(ids.tutor);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ sessionId: ids.minorSession, detail: expect.objectContaining({ reached: 'session', inSession: 3, surface: 'board' }) });
  });

  it('between adults the board is not screened', async () => {
    const tutor2 = await join('tutor2', ids.adultSession);
    await join('adult', ids.adultSession);
    expect(await ask(tutor2, 'room:board', { sessionId: ids.adultSession, update: boardSide().write('a1', { type: 'text', text: 'call 98765 43210' }) })).toEqual({ ok: true });
    expect(await attempts(ids.tutor2)).toEqual([]);
  });

  it('a tutor’s bio with contact details is refused, naming what was found but not the value, and nothing is saved', async () => {
    const before = (await people.tutor2.get('/api/tutors/me/profile')).json.bio;
    const refused = await people.tutor2.put('/api/tutors/me/profile', { bio: 'Maths tutor, 10 years. Insta @riya.maths or riya.tutor@gmail.com for notes.' });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toMatch(/Your profile can't include contact details: we found (email addresses, social media handles|social media handles, email addresses)/);
    expect(refused.text).not.toContain('riya.tutor@gmail.com');
    expect(refused.json.error.details.fields[0]).toMatchObject({ path: 'body.bio' });
    expect((await people.tutor2.get('/api/tutors/me/profile')).json.bio).toBe(before);
    expect(await attempts(ids.tutor2)).toEqual([expect.objectContaining({ surface: 'bio', sessionId: null, original: expect.stringContaining('riya.tutor@gmail.com') })]);
    // A bio about teaching (years, grades, a price) is saved.
    const fine = await people.tutor2.put('/api/tutors/me/profile', { bio: 'Maths tutor since 2015 for grades 6 to 10; CBSE and ICSE. ₹500 an hour.' });
    expect(fine.status, fine.text).toBe(200);
    expect(fine.json.bio).toContain('since 2015');
  });

  it('a tutor application’s bio is screened the same way', async () => {
    const res = await people.tutor.put('/api/onboarding/application', { bio: 'Call me on 9876543210 to book directly.', experience: '', languages: ['en'], subjects: [] });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('we found phone numbers');
  });
});
