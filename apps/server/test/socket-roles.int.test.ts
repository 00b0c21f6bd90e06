import { type StaffRole, staffRoles } from '@tutorline/contracts';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { declaredSocketEvents, RESERVED_SOCKET_EVENTS, type SocketAccess } from '../src/platform/socket-access';
import { Client, relaxedLogin, signUpStudent, signUpTutor, staffClient, startTestApp, type TestApp } from './app';
import { describeEachBackend } from './db';
import { SocketPool } from './sockets';

type Who = StaffRole | 'student' | 'tutor';
const everyone: Who[] = [...staffRoles, 'tutor', 'student'];
/** Events whose only argument is the acknowledgement (see their signatures in packages/contracts). */
const ackOnly = new Set(['presence:heartbeat', 'ops:watch']);

/** The expected answer, written out from the rule rather than taken from the server's code. */
function expectedAllowed(access: SocketAccess, who: Who): boolean {
  if (access === 'user') return true;
  if (access.includes(who)) return true;
  // A staff admin may do whatever any staff role may.
  return who === 'admin' && access.some((r) => (staffRoles as readonly string[]).includes(r));
}

describeEachBackend('socket events: each declares its roles, and the socket layer enforces them', ({ db }) => {
  let t: TestApp;
  const sockets = new SocketPool();
  const cookies = {} as Record<Who, string>;

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin });
    for (const role of staffRoles) cookies[role] = (await staffClient(t, [role])).client.cookie;
    const tutor = new Client(t.baseUrl);
    await signUpTutor(tutor);
    cookies.tutor = tutor.cookie;
    const student = new Client(t.baseUrl);
    await signUpStudent(student);
    cookies.student = student.cookie;
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
  });

  it('refuses a logged-out socket at the handshake, so it can send no event at all', async () => {
    await expect(sockets.connect(t.baseUrl, '')).rejects.toThrow('unauthenticated');
    await expect(sockets.connect(t.baseUrl, 'tl_session=forged')).rejects.toThrow('unauthenticated');
  });

  it('has a declaration for every event a connected socket listens to', async () => {
    const declared = new Map(declaredSocketEvents(t.app.realtime.io).map((d) => [d.event, d]));
    for (const who of everyone) {
      const { socket } = await sockets.connect(t.baseUrl, cookies[who]);
      const server = t.app.realtime.io.sockets.sockets.get(socket.id!);
      const listened = (server?.eventNames() ?? []).map(String).filter((e) => !RESERVED_SOCKET_EVENTS.includes(e));
      // Every module's handlers: the list is read from the live socket, not written here.
      expect(listened.length, who).toBeGreaterThan(30);
      const undeclared = listened.filter((e) => !declared.has(e));
      expect(undeclared, `${who}: events with no declaration of the roles they allow`).toEqual([]);
    }
    for (const e of ['room:join', 'room:signal', 'class:join', 'class:media:publish', 'room:rec:ask', 'ops:watch', 'presence:heartbeat']) expect(declared.has(e), e).toBe(true);
  });

  it('walks every declared event with every role: allowed as declared, refused with a clear answer otherwise', async () => {
    const declarations = declaredSocketEvents(t.app.realtime.io);
    const seen: string[] = [];
    for (const who of everyone) {
      const { socket } = await sockets.connect(t.baseUrl, cookies[who]);
      const raw = socket as unknown as Socket;
      for (const d of declarations) {
        // An empty payload: an allowed sender gets the handler's own validation answer, never a change.
        const reply = (ackOnly.has(d.event) ? await raw.timeout(5_000).emitWithAck(d.event) : await raw.timeout(5_000).emitWithAck(d.event, {})) as {
          ok: boolean;
          error?: { code: string; message: string };
        };
        const where = `${who} ${d.event} (${d.owner}: ${String(d.access)}) -> ${JSON.stringify(reply).slice(0, 160)}`;
        if (expectedAllowed(d.access, who)) {
          expect(reply.error?.code, where).not.toBe('forbidden');
        } else {
          expect(reply, where).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/^This needs one of the roles: /) } });
        }
        seen.push(where);
      }
    }
    expect(seen.length).toBe(declarations.length * everyone.length);
    // Least privilege holds in the table itself: finance and support take no part in calls or classes.
    const allowedTo = (who: Who) => declarations.filter((d) => expectedAllowed(d.access, who)).map((d) => d.event);
    expect(allowedTo('finance')).toEqual(['presence:heartbeat', 'ops:watch']);
    expect(allowedTo('support')).toEqual(['presence:heartbeat']);
  });

  it('refuses an event that no module declares before any handler runs, and logs it', async () => {
    const { socket } = await sockets.connect(t.baseUrl, cookies.admin);
    const server = t.app.realtime.io.sockets.sockets.get(socket.id!)!;
    let ran = false;
    (server as unknown as { on(e: string, l: () => void): void }).on('debug:undeclared', () => (ran = true));
    const reply = await (socket as unknown as Socket).timeout(5_000).emitWithAck('debug:undeclared', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'undeclared_event', message: 'The event debug:undeclared is not accepted here.' } });
    expect(ran).toBe(false);
    expect(t.logs()).toContain('"event":"socket_event_refused","on":"debug:undeclared"');
  });
});
