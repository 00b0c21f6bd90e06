/**
 * What `bench fanout` and `bench fanout-cluster` share: a seeded database of online tutors, the question's photo, the
 * traces the app's node(s) send over IPC (bench/app-server.ts BENCH_TRACE), and one timed round: a student asks, the
 * job runner runs the wave, and every tutor's client (bench/fanout-clients.ts) records when help:question arrives.
 * Every time is on CLOCK_MONOTONIC (monoMs), which all processes share.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { type Db, openDatabase } from '../../apps/server/src/platform/db';
import { createPostgresDatabase } from '../../apps/server/test/db';
import { schema } from '../../apps/server/test/schema';
import { LEVEL, type Person, seedCatalogue, seedStudents, seedTutors, SUBJECT } from '../help-fixtures';
import type { ChildServer, ChildWorker } from './processes';
import { type Latencies, latencies, monoMs, round } from './report';
import { onCleanup } from './run';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The app's dispatch settings for a fan-out bench: the first wave notifies every eligible tutor, and no second wave. */
export const fanoutHelpEnv = { HELP_FIRST_WAVE: '5000', HELP_COOLDOWN_SECONDS: '0', HELP_WAVE_SECONDS: '3600', HELP_EXPIRY_MINUTES: '10' };

/**
 * File descriptors: a client process holds one per socket, a server one per client. Answers the shell prefix that
 * raises the soft limit for the client processes when needed, or throws when the hard limit is too low.
 */
export function descriptorLimit(perClientProc: number, perServer: number): { soft: number; hard: string; shell: string | undefined } {
  const limits = spawnSync('/bin/sh', ['-c', 'ulimit -n; ulimit -Hn'], { encoding: 'utf8' }).stdout.trim().split('\n');
  const soft = Number(limits[0]);
  const hard = limits[1] === 'unlimited' ? Infinity : Number(limits[1]);
  const need = Math.max(perClientProc + 256, perServer + 512);
  let shell: string | undefined;
  if (Number.isFinite(soft) && soft < need) {
    if (hard < need) throw new Error(`ulimit -n is ${soft} (hard ${hard}); ${need} descriptors per process are needed: lower BENCH_TUTORS or raise BENCH_CLIENT_PROCS`);
    shell = `ulimit -n ${need}`;
  }
  console.log(`        ulimit -n ${soft} (hard ${limits[1]}); a client process needs ~${perClientProc + 256}, a server ~${perServer + 512}${shell ? `; raising with '${shell}' for the clients` : ''}`);
  return { soft, hard: limits[1] ?? '', shell };
}

export interface FanoutDatabase {
  url: string;
  db: Db;
  tutors: Person[];
  student: Person;
}

/** A fresh PostgreSQL database next to DATABASE_URL with `nTutors` approved, online maths tutors and one student; dropped at the end. */
export async function seedFanoutDatabase(nTutors: number): Promise<FanoutDatabase> {
  process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';
  const pgdb = await createPostgresDatabase();
  onCleanup(() => pgdb.drop());
  const database = await openDatabase({ kind: 'postgres', url: pgdb.url, poolMax: 4 });
  onCleanup(() => database.close());
  const t0 = performance.now();
  await seedCatalogue(database.db);
  const tutors = await seedTutors(database.db, nTutors, { online: true });
  const [student] = await seedStudents(database.db, 1);
  console.log(`seeded ${nTutors} online tutors and a student in ${Math.round(performance.now() - t0)} ms (${new URL(pgdb.url).pathname.slice(1)})`);
  return { url: pgdb.url, db: database.db, tutors, student: student! };
}

/**
 * Exploration only: a trigger in the bench's own database makes every notify.deliver job due in an hour, so no job
 * runner drains the wave's outbox (one job per notified tutor) while the clients receive.
 */
export async function deferNotifyOutbox(db: Db): Promise<void> {
  await db.execute(sql.raw("create function bench_defer_outbox() returns trigger language plpgsql as $$ begin new.run_at := now() + interval '1 hour'; return new; end $$"));
  await db.execute(sql.raw("create trigger bench_defer_outbox before insert on jobs for each row when (new.queue = 'notify.deliver') execute function bench_defer_outbox()"));
}

/** A folder for the app's uploaded files, removed at the end. */
export function filesFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-files-'));
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The question's photo: a 1200×900 JPEG of an equation. */
export function questionPhoto(): Promise<Buffer> {
  return sharp({ create: { width: 1200, height: 900, channels: 3, background: '#f4f1e8' } })
    .composite([{ input: Buffer.from('<svg width="1200" height="900"><text x="80" y="450" font-size="96">x² − 5x + 6 = 0</text></svg>'), top: 0, left: 0 }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** Traces (trace:wave-commit, trace:emit) from any of `apps`, each tagged with the name of the app that sent it. */
export interface TraceLog {
  wait(type: string, questionId: string, timeoutMs?: number): Promise<any>;
  /** Every trace of `type` for the question so far, from any app. */
  all(type: string, questionId: string): any[];
}

export function traceLog(apps: ChildServer[]): TraceLog {
  const traces: any[] = [];
  const waiters: (() => void)[] = [];
  for (const app of apps) {
    app.onMessage((m) => {
      if (typeof m?.type !== 'string' || !m.type.startsWith('trace:')) return;
      traces.push({ ...m, node: app.name });
      for (const w of waiters.splice(0)) w();
    });
  }
  return {
    all: (type, questionId) => traces.filter((x) => x.type === type && x.questionId === questionId),
    async wait(type, questionId, timeoutMs = 60_000) {
      const deadline = monoMs() + timeoutMs;
      for (;;) {
        const t = traces.find((x) => x.type === type && x.questionId === questionId);
        if (t) return t;
        if (monoMs() > deadline) throw new Error(`no ${type} for question ${questionId} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
  };
}

export interface Collected {
  /** Receipt time per client, in the order of the group's clients across the workers; null if none came. */
  times: (number | null)[];
  duplicates: number;
  questionIds: Record<string, number>[];
  sample: unknown;
}

/** Arms a client group in every worker: from now on each client's first message is recorded. */
export const armGroup = (workers: ChildWorker[], group: string) => Promise.all(workers.map((w) => w.request({ cmd: 'arm', group })));

/** Waits (up to 30 s) until every client of the group has its message, and gathers the receipts of every worker. */
export async function collectGroup(workers: ChildWorker[], group: string): Promise<Collected> {
  const parts = await Promise.all(
    workers.map((w) => w.request<{ times: (number | null)[]; duplicates: number; questionIds: Record<string, number>; sample: unknown }>({ cmd: 'collect', group, timeoutMs: 30_000 }, 60_000)),
  );
  return { times: parts.flatMap((p) => p.times), duplicates: parts.reduce((a, p) => a + p.duplicates, 0), questionIds: parts.map((p) => p.questionIds), sample: parts[0]!.sample };
}

export interface WaveRound {
  /** The node whose job runner ran the wave (the app's name). */
  waveNode: string;
  fromCommit: Latencies;
  fromEmit: Latencies;
  missing: number;
  duplicates: number;
  wrongQuestion: number;
  emitLoopMs: number;
  commitToEmitMs: number;
  askToCommitMs: number;
  askToWaveStartMs: number;
  waveStartToCommitMs: number;
  waveTxMs: number;
  notifyOutboxDrainMs: number;
  notified: number;
  item: unknown;
  /**
   * Where the time went, per node (app name), from the commit: when the node started writing help:question to its own
   * sockets and how long that loop took (trace:local-broadcast), and the emitting node's XADD (trace:publish).
   */
  profile: { publishMs: number | null; nodes: Record<string, { localStartMs: number; localLoopMs: number }> };
  /** Per client (same order as Collected.times): ms from the commit to receipt, or null. Not for the report. */
  receipts: (number | null)[];
}

export interface WaveTarget {
  label: string;
  workers: ChildWorker[];
  /** The client group of this app's tutors. */
  group: string;
  /** The node the student asks on. */
  askUrl: string;
  student: Person;
  /** This app's database: the wave's start and the notify outbox are read there. */
  db: Db;
  traces: TraceLog;
  photo: Buffer;
  /** Exploration: the outbox is deferred, so there is nothing to wait for. */
  outboxDeferred?: boolean;
}

/**
 * One round: the student uploads the photo and asks (the real API) on askUrl; a job runner runs the wave; latency per
 * tutor from the wave's COMMIT (as traced by the node that ran it) to receipt. Waits for the notify outbox to drain
 * (up to 90 s) before it returns, so the next round starts on a quiet app.
 */
export async function waveRound(t: WaveTarget): Promise<WaveRound> {
  const studentFetch = async (method: string, pathname: string, body?: string | FormData, json = false) => {
    const res = await fetch(t.askUrl + pathname, { method, headers: { cookie: t.student.cookie, ...(json ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as any) : undefined, text };
  };
  await armGroup(t.workers, t.group);
  const form = new FormData();
  form.append('file', new Blob([t.photo], { type: 'image/jpeg' }), 'question.jpg');
  const up = await studentFetch('POST', '/api/help/photos', form);
  if (up.status !== 201) throw new Error(`photo upload answered ${up.status}: ${up.text}`);
  const offset = Date.now() - monoMs(); // Date.now() has 1 ms steps
  const askMs = monoMs();
  const asked = await studentFetch('POST', '/api/help/questions', JSON.stringify({ requestId: randomUUID(), subjectId: SUBJECT, level: LEVEL, text: 'Solve x² − 5x + 6 = 0', photoIds: [up.json.photoId] }), true);
  if (asked.status !== 201) throw new Error(`ask answered ${asked.status}: ${asked.text}`);
  const questionId = asked.json.id as string;
  const commit = await t.traces.wait('trace:wave-commit', questionId);
  const emit = await t.traces.wait('trace:emit', questionId);
  const got = await collectGroup(t.workers, t.group);
  const times = got.times.filter((x): x is number => x !== null);
  const wrongQuestion = got.questionIds.reduce((a, ids) => a + Object.entries(ids).filter(([id]) => id !== questionId).reduce((s, [, n]) => s + n, 0), 0);
  const { questionEvents, jobs } = schema;
  const [wave] = await t.db.select({ at: questionEvents.at }).from(questionEvents).where(and(eq(questionEvents.questionId, questionId), eq(questionEvents.type, 'wave'))).limit(1);
  const waveStartMono = wave ? wave.at.getTime() - offset : Number.NaN;
  // The outbox: one notify.deliver job per notified tutor, drained by the job runner(s) after the commit.
  const backlog = async () => {
    const [row] = await t.db.select({ n: sql<number>`count(*)::int` }).from(jobs).where(and(eq(jobs.queue, 'notify.deliver'), inArray(jobs.state, ['queued', 'running'])));
    return row?.n ?? 0;
  };
  let left = t.outboxDeferred ? 0 : await backlog();
  const drainDeadline = monoMs() + 90_000;
  while (left > 0 && monoMs() < drainDeadline) {
    await sleep(100);
    left = await backlog();
  }
  const r: WaveRound = {
    waveNode: String(commit.node),
    fromCommit: latencies(times.map((x) => x - commit.commitMs)),
    fromEmit: latencies(times.map((x) => x - emit.startMs)),
    missing: got.times.length - times.length,
    duplicates: got.duplicates,
    wrongQuestion,
    emitLoopMs: round(emit.endMs - emit.startMs, 3),
    commitToEmitMs: round(emit.startMs - commit.commitMs, 3),
    askToCommitMs: round(commit.commitMs - askMs, 1),
    askToWaveStartMs: round(waveStartMono - askMs, 1),
    waveStartToCommitMs: round(commit.commitMs - waveStartMono, 1),
    waveTxMs: round(commit.commitMs - commit.txStartMs, 1),
    notifyOutboxDrainMs: left > 0 ? Number.NaN : round(monoMs() - commit.commitMs, 0),
    notified: Number(commit.notified),
    item: got.sample,
    receipts: got.times.map((x) => (x === null ? null : x - commit.commitMs)),
    profile: { publishMs: null, nodes: {} },
  };
  const published = t.traces.all('trace:publish', questionId)[0];
  if (published) r.profile.publishMs = round(published.endMs - published.startMs, 2);
  for (const b of t.traces.all('trace:local-broadcast', questionId)) r.profile.nodes[b.node] = { localStartMs: round(b.startMs - commit.commitMs, 2), localLoopMs: round(b.endMs - b.startMs, 2) };
  console.log(
    `${t.label.padEnd(22)} commit→receipt p50 ${r.fromCommit.p50Ms.toFixed(2).padStart(7)} p99 ${r.fromCommit.p99Ms.toFixed(2).padStart(7)} max ${r.fromCommit.maxMs.toFixed(1).padStart(6)} ms | ` +
      `emit→receipt p50 ${r.fromEmit.p50Ms.toFixed(2)} p99 ${r.fromEmit.p99Ms.toFixed(2)} | emit loop ${r.emitLoopMs.toFixed(1)} ms, commit→emit ${r.commitToEmitMs.toFixed(2)} ms | ` +
      `${times.length}/${got.times.length} received${r.duplicates ? `, ${r.duplicates} duplicates` : ''}${wrongQuestion ? `, ${wrongQuestion} wrong question` : ''}`,
  );
  console.log(
    `${''.padEnd(22)} before the commit: ask→wave start ${r.askToWaveStartMs} ms, wave start→commit ${r.waveStartToCommitMs} ms (transaction ${r.waveTxMs} ms); ` +
      `ask→commit ${r.askToCommitMs} ms; ${r.notified} notified by ${r.waveNode}; notify outbox drained ${r.notifyOutboxDrainMs} ms after the commit`,
  );
  const nodes = Object.entries(r.profile.nodes);
  if (nodes.length) {
    console.log(
      `${''.padEnd(22)} after the commit: ${r.profile.publishMs === null ? '' : `XADD ${r.profile.publishMs} ms; `}` +
        nodes.map(([n, p]) => `${n} writes its sockets at +${p.localStartMs} ms for ${p.localLoopMs} ms`).join(', '),
    );
  }
  return r;
}

/** A round as it goes into a report: without the item and the per-client receipts. */
export function reportedRound(r: WaveRound) {
  const { item: _item, receipts: _receipts, ...rest } = r;
  return rest;
}

/** Whether every client got exactly one message, for the right question. */
export const completeRound = (r: Pick<WaveRound, 'missing' | 'duplicates' | 'wrongQuestion'>) => r.missing === 0 && r.duplicates === 0 && r.wrongQuestion === 0;
