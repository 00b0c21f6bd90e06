/**
 * The peak hour's clients, in their own process (never on a node's CPU account): tutor and student Socket.IO clients
 * through HAProxy, and the HTTP each of them sends. Times are taken on the shared monotonic clock (lib.monoMs), so the
 * parent subtracts a time taken here from one taken in another worker.
 *
 * IPC requests (lib.workerReady):
 *   { cmd: 'connect', url, tutors: Person[], students: Person[], acceptShare, seed } → { connected, failed, errors, ms }
 *   { cmd: 'phase', phase }  → tags what follows ('idle' | 'peak') in the accept reports
 *   { cmd: 'ask', student, timeoutMs }  → uploads a photo, asks, waits for help:claimed and does the student's side of
 *        the room; answers { questionId, askAt, errors }
 *   { cmd: 'book', student, tutorId, start, timeoutMs } → books, checks out, pays at the fake provider, waits until the
 *        checkout is paid; answers { ms, status: 'paid' | 'taken', errors }
 *   { cmd: 'close' }
 * Sent unasked: { type: 'alert', questionId, at } (this worker's first tutor to get the offer),
 *   { type: 'accept', questionId, status, ms, phase, outcome: 'won' | 'lost' | 'error', detail? },
 *   { type: 'tutor-done', questionId, errors } (the winner's side of the room, ended), { type: 'socket-error', detail }.
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import sharp from 'sharp';
import { sendFile } from '../../apps/server/test/uploads';
import type { Person } from '../help-fixtures';
import { monoMs, seededRandom, workerReady } from '../lib';

interface Client {
  person: Person;
  socket: Socket;
  busy: boolean;
}

let base = '';
let phase = 'idle';
let acceptShare = 0.3;
let random = seededRandom(1);
const tutors: Client[] = [];
const students: Client[] = [];
const alerted = new Set<string>();
const claimWaiters = new Map<string, (sessionId: string) => void>();
const earlyClaims = new Map<string, string>();
let closing = false;
let photo: Promise<Buffer> | undefined;
// A phone photo's size and entropy (noise does not compress): the server decodes, checks, re-encodes and thumbnails it.
const photoBytes = () => (photo ??= sharp({ create: { width: 1024, height: 768, channels: 3, background: '#d8d2c4', noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).jpeg({ quality: 80 }).toBuffer());

const send = (msg: Record<string, unknown>) => process.send?.(msg);
const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function http(method: string, path: string, cookie: string, body?: unknown, timeoutMs = 30_000) {
  const headers: Record<string, string> = { cookie };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? null : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, setCookies: res.headers.getSetCookie() };
}

type Ack = { ok: boolean; error?: { code?: string; message?: string }; [k: string]: unknown };
const emit = (socket: Socket, event: string, payload: unknown): Promise<Ack> => socket.timeout(15_000).emitWithAck(event, payload) as Promise<Ack>;
const expectOk = async (errors: string[], what: string, p: Promise<Ack>) => {
  try {
    const ack = await p;
    if (!ack.ok) errors.push(`${what}: ${ack.error?.code ?? 'refused'} ${ack.error?.message ?? ''}`);
    return ack;
  } catch (err) {
    errors.push(`${what}: ${describe(err)}`);
    return undefined;
  }
};

function connectOne(person: Person, role: 'tutor' | 'student'): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = io(base, { transports: ['websocket'], extraHeaders: { cookie: person.cookie }, reconnection: false, forceNew: true, timeout: 30_000 });
    const client: Client = { person, socket, busy: false };
    if (role === 'tutor') socket.on('help:question', (item: { questionId: string }) => onOffer(client, item.questionId));
    else socket.on('help:claimed', (p: { questionId: string; sessionId: string }) => onClaimed(p.questionId, p.sessionId));
    socket.once('session:ready', () => {
      socket.on('disconnect', (reason) => {
        if (!closing) send({ type: 'socket-error', detail: `${role} socket disconnected: ${reason}` });
      });
      resolve(client);
    });
    socket.once('connect_error', (err) => reject(err));
  });
}

function onClaimed(questionId: string, sessionId: string) {
  const waiter = claimWaiters.get(questionId);
  if (waiter) waiter(sessionId);
  else earlyClaims.set(questionId, sessionId);
}

/** A tutor offered a question accepts it with probability acceptShare, at once: several tutors race for each question. */
function onOffer(tutor: Client, questionId: string) {
  const at = monoMs();
  if (!alerted.has(questionId)) {
    alerted.add(questionId);
    send({ type: 'alert', questionId, at });
  }
  if (tutor.busy || random() >= acceptShare) return;
  tutor.busy = true;
  void acceptQuestion(tutor, questionId, phase);
}

async function acceptQuestion(tutor: Client, questionId: string, tag: string) {
  const start = monoMs();
  let won = false;
  try {
    const res = await http('POST', `/api/help/questions/${questionId}/accept`, tutor.person.cookie);
    const ms = monoMs() - start;
    if (res.status === 200) {
      won = true;
      send({ type: 'accept', questionId, status: 200, ms, phase: tag, outcome: 'won' });
      const errors = await tutorRoom(tutor, res.json.sessionId as string);
      send({ type: 'tutor-done', questionId, errors });
    } else {
      // A lost race is an answer, not an error: 409 with the code "conflict".
      const lost = res.status === 409 && res.text.includes('"conflict"');
      send({ type: 'accept', questionId, status: res.status, ms, phase: tag, outcome: lost ? 'lost' : 'error', ...(lost ? {} : { detail: res.text.slice(0, 200) }) });
    }
  } catch (err) {
    const ms = monoMs() - start;
    if (won) send({ type: 'tutor-done', questionId, errors: [describe(err)] });
    else send({ type: 'accept', questionId, status: 0, ms, phase: tag, outcome: 'error', detail: describe(err) });
  } finally {
    tutor.busy = false;
  }
}

const fakeSdp = (kind: string) => `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=${kind}\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n`;
const candidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };

/** The winner's side: join, offer and a candidate, a chat line, wait for the student's chat, end the session. */
async function tutorRoom(tutor: Client, sessionId: string): Promise<string[]> {
  const errors: string[] = [];
  const { socket } = tutor;
  // Listening before the join's answer: the student's line may come as an event, or in the join's history.
  const joined = expectOk(errors, 'tutor room:join', emit(socket, 'room:join', { sessionId }));
  const studentChat = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no chat line from the student within 30 s')), 30_000);
    const onChat = (m: { sessionId: string; senderId: string }) => {
      if (m.sessionId !== sessionId || m.senderId === tutor.person.id) return;
      clearTimeout(timer);
      socket.off('room:chat', onChat);
      resolve();
    };
    socket.on('room:chat', onChat);
    joined.then((ack) => {
      const history = (ack?.messages as { senderId: string }[] | undefined) ?? [];
      if (history.some((m) => m.senderId !== tutor.person.id)) onChat({ sessionId, senderId: 'history' });
    }, () => {});
  });
  studentChat.catch(() => {});
  if (!(await joined)?.ok) return errors;
  await expectOk(errors, 'tutor room:signal offer', emit(socket, 'room:signal', { sessionId, description: { type: 'offer', sdp: fakeSdp('offer') } }));
  await expectOk(errors, 'tutor room:signal candidate', emit(socket, 'room:signal', { sessionId, candidate }));
  await expectOk(errors, 'tutor room:chat', emit(socket, 'room:chat', { sessionId, clientId: randomUUID(), text: 'Hello! Let us look at your question.' }));
  try {
    await studentChat;
  } catch (err) {
    errors.push(describe(err));
  }
  const end = await http('POST', `/api/sessions/${sessionId}/end`, tutor.person.cookie).catch((err: unknown) => ({ status: 0, text: describe(err) }));
  if (end.status !== 200) errors.push(`end session: ${end.status} ${end.text.slice(0, 160)}`);
  return errors;
}

/** The student's side: join, an answer and a candidate, a chat line, leave. */
async function studentRoom(student: Client, sessionId: string): Promise<string[]> {
  const errors: string[] = [];
  const { socket } = student;
  if (!(await expectOk(errors, 'student room:join', emit(socket, 'room:join', { sessionId })))?.ok) return errors;
  await expectOk(errors, 'student room:signal answer', emit(socket, 'room:signal', { sessionId, description: { type: 'answer', sdp: fakeSdp('answer') } }));
  await expectOk(errors, 'student room:signal candidate', emit(socket, 'room:signal', { sessionId, candidate }));
  await expectOk(errors, 'student room:chat', emit(socket, 'room:chat', { sessionId, clientId: randomUUID(), text: 'Thank you, I am here.' }));
  await expectOk(errors, 'student room:leave', emit(socket, 'room:leave', { sessionId }));
  return errors;
}

async function ask(studentIndex: number, timeoutMs: number) {
  const student = students[studentIndex];
  if (!student) throw new Error(`no student ${studentIndex} in this worker`);
  const errors: string[] = [];
  const upload = await sendFile(`${base}/api/help/photos`, student.person.cookie, await photoBytes(), 'question.jpg', 'image/jpeg');
  if (upload.status !== 201) return { questionId: null, askAt: null, errors: [`photo upload: ${upload.status} ${upload.text.slice(0, 160)}`] };
  const askAt = monoMs();
  const res = await http('POST', '/api/help/questions', student.person.cookie, { requestId: randomUUID(), subjectId: 'maths', level: 'grade-9-10', photoIds: [upload.json.photoId] });
  if (res.status !== 201) return { questionId: null, askAt, errors: [`ask: ${res.status} ${res.text.slice(0, 160)}`] };
  const questionId = res.json.id as string;
  const sessionId = await new Promise<string | null>((resolve) => {
    const early = earlyClaims.get(questionId);
    if (early) return resolve(early);
    const timer = setTimeout(() => {
      claimWaiters.delete(questionId);
      resolve(null);
    }, timeoutMs);
    claimWaiters.set(questionId, (id) => {
      clearTimeout(timer);
      claimWaiters.delete(questionId);
      resolve(id);
    });
  });
  earlyClaims.delete(questionId);
  if (!sessionId) return { questionId, askAt, errors: [`no help:claimed within ${timeoutMs} ms`] };
  errors.push(...(await studentRoom(student, sessionId)));
  return { questionId, askAt, errors };
}

/** A priced lesson: book (held), check out, pay at the fake provider (sticky to the node that holds the checkout), wait until paid. */
async function book(studentIndex: number, tutorId: string, start: string, timeoutMs: number) {
  const student = students[studentIndex];
  if (!student) throw new Error(`no student ${studentIndex} in this worker`);
  const t0 = monoMs();
  const cookie = student.person.cookie;
  const b = await http('POST', '/api/bookings', cookie, { tutorId, start, durationMinutes: 60, idempotencyKey: randomUUID() });
  if (b.status === 409) return { ms: monoMs() - t0, status: 'taken', errors: [] };
  if (b.status !== 201) return { ms: monoMs() - t0, status: 'error', errors: [`book: ${b.status} ${b.text.slice(0, 160)}`] };
  const c = await http('POST', '/api/billing/checkout', cookie, { bookingId: b.json.id, idempotencyKey: randomUUID() });
  if (c.status !== 201) return { ms: monoMs() - t0, status: 'error', errors: [`checkout: ${c.status} ${c.text.slice(0, 160)}`] };
  // The fake provider keeps its checkouts in the memory of the node that made them: HAProxy's tl_node cookie routes there.
  const node = c.setCookies.map((s) => s.split(';')[0]!).filter((s) => s.startsWith('tl_node='));
  const pay = await http('POST', `/dev/fake-pay/${c.json.id}/succeed`, [cookie, ...node].join('; '));
  if (pay.status !== 200) return { ms: monoMs() - t0, status: 'error', errors: [`pay: ${pay.status} ${pay.text.slice(0, 160)}`] };
  const deadline = monoMs() + timeoutMs;
  for (;;) {
    const s = await http('GET', `/api/billing/checkouts/${c.json.id}`, cookie);
    if (s.status === 200 && s.json.status === 'paid') return { ms: monoMs() - t0, status: 'paid', errors: [] };
    if (s.status !== 200 || s.json.status === 'failed') return { ms: monoMs() - t0, status: 'error', errors: [`checkout state: ${s.status} ${s.text.slice(0, 160)}`] };
    if (monoMs() > deadline) return { ms: monoMs() - t0, status: 'error', errors: [`checkout not paid within ${timeoutMs} ms`] };
    await new Promise((r) => setTimeout(r, 100)); // polls like the return page does
  }
}

async function connectAll(people: Person[], role: 'tutor' | 'student', into: Client[], concurrency: number) {
  let next = 0;
  const errors: string[] = [];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, people.length) }, async () => {
      while (next < people.length) {
        const i = next++;
        try {
          into[i] = await connectOne(people[i]!, role);
        } catch (err) {
          errors.push(describe(err));
        }
      }
    }),
  );
  return errors;
}

workerReady(
  async (msg: { cmd: string; [k: string]: any }) => {
    switch (msg.cmd) {
      case 'connect': {
        base = msg.url;
        acceptShare = msg.acceptShare;
        random = seededRandom(msg.seed);
        const t0 = monoMs();
        await photoBytes();
        const errors = [...(await connectAll(msg.tutors, 'tutor', tutors, 50)), ...(await connectAll(msg.students, 'student', students, 50))];
        return { connected: tutors.filter(Boolean).length + students.filter(Boolean).length, failed: errors.length, errors: [...new Set(errors)].slice(0, 5), ms: Math.round(monoMs() - t0) };
      }
      case 'phase':
        phase = msg.phase;
        return true;
      case 'ask':
        return ask(msg.student, msg.timeoutMs);
      case 'book':
        return book(msg.student, msg.tutorId, msg.start, msg.timeoutMs);
      case 'close':
        closing = true;
        for (const c of [...tutors, ...students]) c?.socket.disconnect();
        return true;
      default:
        throw new Error(`unknown command ${msg.cmd}`);
    }
  },
  () => {
    closing = true;
    for (const c of [...tutors, ...students]) c?.socket.disconnect();
  },
);
