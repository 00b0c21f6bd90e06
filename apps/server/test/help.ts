import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FeedItem, HelpClaimedPayload, HelpClosedPayload, HelpProgressPayload } from '@tutorline/contracts';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import sharp from 'sharp';
import type { Config } from '../src/config';
import { createIdentityRepo } from '../src/modules/identity';
import { type NotificationChannel, type OutboundMessage, PermanentJobError } from '../src/modules/notifications';
import { type Database } from '../src/platform/db';
import { schema } from './schema';
import { Client, relaxedLogin, signUpStudent, signUpTutor, type TestApp } from './app';
import type { SocketPool, TestSocket } from './sockets';
import { sendFile } from './uploads';

/** Dispatch settings small enough for a test: no cooldown, no scarce-subject hold-back, quick waves. */
export function quickHelp(overrides: Partial<Config['help']> = {}): Config['help'] {
  return { firstWave: 20, waveSeconds: 0.5, expiryMinutes: 1, cooldownSeconds: 0, scarceHoldBackShare: 0, scarceHoldBackWaves: 0, probationWaves: 2, scarceThreshold: 0, ...overrides };
}

/** Config overrides for a help suite: its own data dir (photos land there), fast job polling, no sign-up limits. */
export function helpConfig(dataDir: string, help: Partial<Config['help']> = {}): Partial<Config> {
  return { dataDir, jobsPollMs: 50, login: relaxedLogin, help: quickHelp(help) };
}

/** A fresh temp folder for DATA_DIR, so a suite never writes into the repository. */
export const makeDataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-help-'));
export const removeDir = (dir: string | undefined) => dir && fs.rmSync(dir, { recursive: true, force: true });

/** Every file under a folder, relative to it; none when the folder does not exist yet. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

/** A small, valid JPEG. */
export const jpegBytes = (width = 120, height = 90) =>
  sharp({ create: { width, height, channels: 3, background: '#7a8b9c' } })
    .jpeg()
    .toBuffer();

/** POSTs one file as multipart field `file`, the way the web app does. */
export async function postPhoto(baseUrl: string, cookie: string, data: Buffer | string, filename = 'question.jpg', type = 'image/jpeg') {
  return sendFile(`${baseUrl}/api/help/photos`, cookie, data, filename, type);
}

/** Uploads a valid photo and returns its id; throws on anything but 201. */
export async function uploadPhoto(t: TestApp, client: Client): Promise<string> {
  const res = await postPhoto(t.baseUrl, client.cookie, await jpegBytes());
  if (res.status !== 201) throw new Error(`photo upload failed: ${res.status} ${res.text}`);
  return res.json.photoId as string;
}

export interface HelpEvent {
  event: string;
  payload: any;
}

/** Records every event a socket receives from the moment it is attached, and waits on them. */
export class EventLog {
  readonly events: HelpEvent[] = [];
  private readonly changed = new EventEmitter();

  constructor(socket: TestSocket) {
    this.changed.setMaxListeners(100);
    socket.onAny((event: string, payload: unknown) => {
      this.events.push({ event, payload });
      this.changed.emit('event');
    });
  }

  /** The payloads of `event` about one question. */
  about<T = any>(event: string, questionId: string): T[] {
    return this.events.filter((e) => e.event === event && e.payload?.questionId === questionId).map((e) => e.payload as T);
  }

  questions = (questionId: string) => this.about<FeedItem>('help:question', questionId);
  progress = (questionId: string) => this.about<HelpProgressPayload>('help:progress', questionId);
  taken = (questionId: string) => this.about<{ questionId: string }>('help:taken', questionId);
  claimed = (questionId: string) => this.about<HelpClaimedPayload>('help:claimed', questionId);
  closed = (questionId: string) => this.about<HelpClosedPayload>('help:closed', questionId);

  /** Resolves once `ready()` holds (checked now and after every event); rejects after timeoutMs naming `what`. */
  until<T>(ready: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = ready();
        if (value === undefined || value === false) return false;
        clearTimeout(timer);
        this.changed.off('event', check);
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        this.changed.off('event', check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(this.events.map((e) => e.event))}`));
      }, timeoutMs);
      if (!check()) this.changed.on('event', check);
    });
  }

  /** The first `event` about the question, waiting for it if it has not come yet. */
  first<T = any>(event: string, questionId: string, timeoutMs = 10_000): Promise<T> {
    return this.until(() => this.about<T>(event, questionId)[0], `${event} for ${questionId}`, timeoutMs);
  }
}

/** Polls a condition that no event announces (a database row, a job's state) until it holds. */
export async function waitUntil<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 10_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface HelpUser {
  id: string;
  email: string;
  client: Client;
  socket?: TestSocket;
  events?: EventLog;
}

/** Connects the user's socket and starts recording what it receives. */
export async function connect(t: TestApp, sockets: SocketPool, user: HelpUser): Promise<Required<HelpUser>> {
  const { socket } = await sockets.connect(t.baseUrl, user.client.cookie);
  user.socket = socket;
  user.events = new EventLog(socket);
  return user as Required<HelpUser>;
}

export interface TutorOptions {
  subjects: { subjectId: string; level: string }[];
  approved?: boolean;
  /** The instant-help switch. */
  online?: boolean;
  notifyWhenOffline?: boolean;
  /** A socket is the other half of being online. */
  sockets?: SocketPool;
}

/** Signs a tutor up, approves them, sets their subjects and switch, and connects a socket when given a pool. */
export async function makeTutor(t: TestApp, opts: TutorOptions): Promise<HelpUser> {
  const client = new Client(t.baseUrl);
  const { email, user } = await signUpTutor(client);
  if (opts.approved ?? true) await createIdentityRepo(t.app.database.db).setApproval(user.id, 'approved', user.id, new Date());
  const profile = await client.put('/api/tutors/me/profile', { subjects: opts.subjects });
  if (profile.status !== 200) throw new Error(`profile failed: ${profile.status} ${profile.text}`);
  const body = { online: opts.online ?? true, ...(opts.notifyWhenOffline === undefined ? {} : { notifyWhenOffline: opts.notifyWhenOffline }) };
  const availability = await client.put('/api/help/availability', body);
  if (availability.status !== 200) throw new Error(`availability failed: ${availability.status} ${availability.text}`);
  const tutor: HelpUser = { id: user.id, email, client };
  return opts.sockets ? connect(t, opts.sockets, tutor) : tutor;
}

/** Signs a student up (an adult unless `extra` says otherwise) and connects a socket when given a pool. */
export async function makeStudent(t: TestApp, sockets?: SocketPool, extra: Record<string, unknown> = {}): Promise<HelpUser> {
  const client = new Client(t.baseUrl);
  const { email, user } = await signUpStudent(client, extra);
  const student: HelpUser = { id: user.id, email, client };
  return sockets ? connect(t, sockets, student) : student;
}

/** Asks a question with one fresh photo; throws on anything but 201. */
export async function askQuestion(t: TestApp, student: HelpUser, subjectId: string, level: string): Promise<{ id: string; [k: string]: any }> {
  const photoId = await uploadPhoto(t, student.client);
  const res = await student.client.post('/api/help/questions', { requestId: crypto.randomUUID(), subjectId, level, photoIds: [photoId] });
  if (res.status !== 201) throw new Error(`ask failed: ${res.status} ${res.text}`);
  return res.json;
}

/**
 * Waits until the tutor was offered the question (notified by a wave: their read of it stops being a 404). A tutor
 * may claim only what they were offered, so a test accepts after this. The tutor must be reachable: online with a
 * socket, or `notifyWhenOffline`.
 */
export async function whenOffered(tutor: HelpUser, questionId: string, timeoutMs = 10_000): Promise<void> {
  await waitUntil(async () => (await tutor.client.get(`/api/help/questions/${questionId}`)).status === 200, `question ${questionId} offered to tutor ${tutor.id}`, timeoutMs);
}

/** The question_notifications rows of one question. */
export function notificationRows(database: Database, questionId: string) {
  const n = schema.questionNotifications;
  return database.db.select({ tutorId: n.tutorId, wave: n.wave }).from(n).where(eq(n.questionId, questionId));
}

/** The outbox job that carries one question's notification to one tutor. */
export async function notifyJob(database: Database, questionId: string, tutorId: string) {
  const j = schema.jobs;
  const [row] = await database.db
    .select()
    .from(j)
    .where(and(eq(j.queue, 'notify.deliver'), eq(j.dedupeKey, `notify:question:${questionId}:tutor:${tutorId}`)));
  return row;
}

/** How many rows of `table` match `where`. */
export async function countRows(database: Database, table: PgTable, where?: SQL): Promise<number> {
  const [row] = await database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(table)
    .where(where);
  return Number(row!.n);
}

export interface ChannelAttempt {
  userId: string;
  message: OutboundMessage;
  outcome: 'sent' | 'failed' | 'refused';
}

/**
 * A notification channel for tests: it reaches everyone, records every attempt, and fails on script:
 * `failNext(user, n)` throws n times (retryable), `refuse(user)` always throws PermanentJobError.
 */
export class FakeChannel implements NotificationChannel {
  readonly name = 'fake';
  readonly attempts: ChannelAttempt[] = [];
  private readonly failures = new Map<string, number>();
  private readonly refused = new Set<string>();
  private readonly changed = new EventEmitter();

  failNext(userId: string, times: number) {
    this.failures.set(userId, times);
  }

  refuse(userId: string) {
    this.refused.add(userId);
  }

  async reaches(): Promise<boolean> {
    return true;
  }

  async send(userId: string, message: OutboundMessage): Promise<void> {
    const record = (outcome: ChannelAttempt['outcome']) => {
      this.attempts.push({ userId, message, outcome });
      this.changed.emit('attempt');
    };
    if (this.refused.has(userId)) {
      record('refused');
      throw new PermanentJobError('the fake provider refused this number');
    }
    const left = this.failures.get(userId) ?? 0;
    if (left > 0) {
      this.failures.set(userId, left - 1);
      record('failed');
      throw new Error('the fake provider is down');
    }
    record('sent');
  }

  /** Attempts for one user about one question. */
  attemptsFor(userId: string, questionId: string, outcome?: ChannelAttempt['outcome']) {
    return this.attempts.filter((a) => a.userId === userId && a.message.data?.questionId === questionId && (!outcome || a.outcome === outcome));
  }

  /** Resolves once `ready()` holds, checked now and after every attempt. */
  until(ready: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ready()) return false;
        clearTimeout(timer);
        this.changed.off('attempt', check);
        resolve();
        return true;
      };
      const timer = setTimeout(() => {
        this.changed.off('attempt', check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      if (!check()) this.changed.on('attempt', check);
    });
  }
}
