/**
 * Serving stays fast while training (#17): the p99 of GET /api/recommendations through the real server route under
 * load while models train back to back (in the worker thread, as in production), over the p99 with no training.
 * Target ≤ 1.5, lower is better. The app runs in its own process (recs-serving-app.ts); autocannon runs here.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { measure } from './support/load';
import { ratio } from './support/report';

const root = path.resolve(import.meta.dirname, '..');

function startApp(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/recs-serving-app.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env: { ...process.env } });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /LISTENING (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`the bench app exited (${code}) before listening`)));
  });
}

const next = (child: ChildProcess, type: string) => new Promise<{ type: string; runs?: number }>((resolve) => child.on('message', (m: { type: string }) => m.type === type && resolve(m)));

export async function measureServingUnderTraining(): Promise<{ measured: false; reason: string } | { measured: true; p99RatioTrainingOverIdle: number; idleP99Ms: number; trainingP99Ms: number; trainingRuns: number }> {
  const { child, url } = await startApp();
  try {
    const signup = await fetch(`${url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'student', email: 'bench-student@example.test', password: 'correct horse battery', displayName: 'Bench Learner', birthDate: '2000-01-01' }),
    });
    if (signup.status !== 201) return { measured: false, reason: `signup failed: ${signup.status}` };
    const cookie = signup.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const { user } = (await signup.json()) as { user: { id: string } };
    const ready = next(child, 'ready');
    child.send({ type: 'prepare', studentId: user.id });
    await ready;
    const target = `${url}/api/recommendations?subject=maths&level=grade-11-12`;
    // 30 s windows: training runs at the lowest CPU priority (decision 054's addendum), so while autocannon and the
    // server keep both cores busy one run takes 10-15 s instead of ~1.5 s; a 10 s window often saw none finish.
    const settings = { connections: 4, pipelining: 1, durationS: Number(process.env.RECS_SERVING_SECONDS ?? 30), warmupS: 2 };
    // A measurement with failed or timed-out requests (a starved machine) is reported as not measured, not a crash.
    const tryMeasure = (label: string) => measure(label, target, settings, { headers: { cookie } }).then((r) => ({ r }), (err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }));
    const idleRun = await tryMeasure('recommendations idle');
    child.send({ type: 'train-loop' });
    const busyRun = 'r' in idleRun ? await tryMeasure('recommendations while training') : idleRun;
    const stopped = next(child, 'stopped');
    child.send({ type: 'stop' });
    const { runs = 0 } = await stopped;
    if (!('r' in idleRun)) return { measured: false, reason: idleRun.error };
    if (!('r' in busyRun)) return { measured: false, reason: busyRun.error };
    const [idle, busy] = [idleRun.r, busyRun.r];
    if (runs === 0) return { measured: false, reason: 'no training run finished during the measurement' };
    // No answer within the run (a very slow or starved server) gives autocannon's p99 of 0: that is no measurement.
    if (!idle.requests || !busy.requests) return { measured: false, reason: `no request answered (idle ${idle.requests}, while training ${busy.requests})` };
    return { measured: true, p99RatioTrainingOverIdle: ratio(busy.p99Ms, idle.p99Ms), idleP99Ms: idle.p99Ms, trainingP99Ms: busy.p99Ms, trainingRuns: runs };
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
}

// Run alone: `node --import tsx bench/recs-serving.ts`.
if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await measureServingUnderTraining()));
