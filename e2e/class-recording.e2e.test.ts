import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../apps/server/test/app';
import { publishOverSocket, type SocketPublisher } from '../apps/server/test/class-media-clients';
import { freshDatabase, type FreshDatabase } from '../apps/server/test/db';
import { janusNetnsAvailable, type JanusInNetns, startJanusInNetns } from '../apps/server/test/janus-netns';
import { SocketPool, type TestSocket } from '../apps/server/test/sockets';
import { waitFor } from '../apps/server/test/webrtc-clients';
import { ask, control, joinClass, provideFakePorts, record } from '../apps/server/src/modules/classroom/classroom.testkit';
import { probe } from '../apps/server/src/modules/recordings';
import { chromiumAvailable, launchBrowser, phone, root, screenshotPath } from './harness';

// Issue #15, Recording: a short class through a real Janus (in a network namespace) with a teacher and two students as
// headless clients over our socket, one student a minor without guardian consent. The teacher starts and stops the
// recording with `class:control`; the job converts with janus-pp-rec and ffmpeg; ffprobe checks each WebM; the
// minor's feed is absent; an enrolled learner's browser plays the recording from the range-capable route.
const built = fs.existsSync(path.join(root, 'apps/web/dist/index.html'));
const runs = janusNetnsAvailable('class recording e2e (network namespace)') && chromiumAvailable('class recording e2e') && built;
const T0 = Date.parse('2026-12-06T10:00:00Z');
const clock = { now: () => new Date(T0) };
const tools = { ppRec: '/usr/bin/janus-pp-rec', ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe', timeoutMs: 60_000 };
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

interface Person {
  id: string;
  client: Client;
  socket: TestSocket;
}
type State = { recordingSince: string | null };

describe.runIf(runs)('a class recorded from the teacher’s controls and played back in the page', () => {
  let j: JanusInNetns;
  let fresh: FreshDatabase;
  let t: TestApp;
  let browser: Browser;
  const sockets = new SocketPool();
  const pubs: SocketPublisher[] = [];
  let classId: string;
  let teacher: Person, adult: Person, minor: Person, outsider: Person;

  async function person(kind: 'tutor' | 'student', extra: Record<string, unknown> = {}): Promise<Person> {
    const client = new Client(t.baseUrl);
    const { user } = kind === 'tutor' ? await signUpTutor(client) : await signUpStudent(client, extra);
    return { id: user.id, client, socket: (await sockets.connect(t.baseUrl, client.cookie)).socket };
  }

  beforeAll(async () => {
    [j, fresh, browser] = await Promise.all([startJanusInNetns(), freshDatabase('pglite'), launchBrowser()]);
    t = await startTestApp(fresh.database, { login: relaxedLogin }, clock, { sfu: j.janus.api, manualJobs: true });
    const fake = provideFakePorts(t.app.fastify.platform.ports);
    teacher = await person('tutor');
    adult = await person('student');
    // 14 on the class's day, and no guardian consent on file: never recorded.
    minor = await person('student', { birthDate: '2012-05-05', guardianContact: 'parent@example.test' });
    outsider = await person('student');
    classId = fake.addClass({ tutorId: teacher.id, learners: [adult.id, minor.id], roomOpensAt: new Date(T0 - 60_000), endsAt: new Date(T0 + 3_600_000) }).id;
  }, 60_000);
  afterAll(async () => {
    for (const p of pubs) p.stop();
    sockets.closeAll();
    await browser?.close();
    await t?.close();
    await fresh?.drop();
    await j?.stop();
  });

  it('records the teacher and the consented learner, leaves the minor out, converts, and the learner’s page plays it', async () => {
    // Joining: the minor is marked as left out, for themselves and for the teacher.
    const joined = [];
    for (const p of [teacher, adult, minor]) joined.push(await joinClass(p.socket, classId));
    const minorView = joined[2] as { ok: true; participants: { userId: string; leftOutOfRecording: boolean }[]; state: State };
    expect(minorView.participants.find((p) => p.userId === minor.id)?.leftOutOfRecording).toBe(true);
    expect(minorView.participants.find((p) => p.userId === adult.id)?.leftOutOfRecording).toBe(false);
    expect(minorView.state.recordingSince).toBeNull();

    // Everyone publishes camera and microphone through our socket (the consented learner unmutes).
    const announced = record<{ publishers: { userId: string; feed: number }[] }>(teacher.socket, 'class:media:publishers');
    for (const p of [teacher, adult, minor]) pubs.push(await publishOverSocket(p.socket, classId, { simulcast: false }));
    expect(code(await ask(adult.socket, 'class:media', { classId, audioMuted: false, videoStopped: false }))).toBe('ok');
    await waitFor('all three publishers announced', () => announced.some((a) => a.publishers.length === 3), 20_000);
    const feedOf = new Map(announced.findLast((a) => a.publishers.length === 3)!.publishers.map((p) => [p.userId, p.feed]));

    // Only the teacher may record (typed refusal); the indicator appears live for everyone.
    expect(code(await control(adult.socket, classId, { type: 'record', on: true }))).toBe('teacher_only');
    const states = [teacher, adult, minor].map((p) => record<{ state: State }>(p.socket, 'class:state'));
    const before = performance.now();
    expect(code(await control(teacher.socket, classId, { type: 'record', on: true }))).toBe('ok');
    await waitFor('everyone to see the recording indicator', () => states.every((s) => s.at(-1)?.state.recordingSince));
    const t0 = performance.now();
    // A reload still shows it: a fresh socket of the learner joins and reads the stored state.
    const reloaded = (await sockets.connect(t.baseUrl, adult.client.cookie)).socket;
    const again = (await joinClass(reloaded, classId)) as { ok: true; state: State };
    expect(again.state.recordingSince).not.toBeNull();
    await waitFor('about 4 s of recorded media', () => performance.now() - t0 >= 4000, 10_000);
    expect(code(await control(teacher.socket, classId, { type: 'record', on: false }))).toBe('ok');
    // From just before the start to just after the stop: what any participant's part can span at most.
    const spanMs = performance.now() - before;
    await waitFor('the indicator to go for everyone', () => states.every((s) => s.at(-1)?.state.recordingSince === null));

    // The convert job: one WebM per recorded participant, nothing of the minor.
    await t.app.jobs.drain();
    const list = await teacher.client.get(`/api/classes/${classId}/recordings`);
    expect(list.status).toBe(200);
    const [rec] = list.json.recordings as { id: string; status: string; durationMs: number; files: { feed: number; url: string; durationMs: number }[] }[];
    expect(rec).toMatchObject({ status: 'ready' });
    expect(rec!.files.map((f) => f.feed).sort()).toEqual([feedOf.get(teacher.id), feedOf.get(adult.id)].sort());
    expect(rec!.files.some((f) => f.feed === feedOf.get(minor.id))).toBe(false);
    const dir = path.join(t.app.config.recordings.dir, rec!.id);
    for (const f of rec!.files) {
      const info = await probe(tools, path.join(dir, `feed-${f.feed}.webm`));
      if (!info.ok) throw new Error(JSON.stringify(info));
      const who = f.feed === feedOf.get(teacher.id) ? 'teacher' : 'learner';
      console.log(`${who}'s part: ${info.value.durationMs} ms (recorded for ${Math.round(spanMs)} ms), video ${info.value.video}, audio ${info.value.audio}`);
      expect(info.value).toMatchObject({ video: true, audio: true });
      expect(info.value.durationMs).toBeGreaterThanOrEqual(3000);
      expect(info.value.durationMs).toBeLessThanOrEqual(spanMs + 1000);
    }
    const raw = path.join(t.app.config.recordings.dir, 'raw');
    const leftovers = fs.readdirSync(raw, { recursive: true }).map(String);
    expect(leftovers.filter((f) => f.includes(`-feed-${feedOf.get(minor.id)}-`))).toEqual([]);

    // Enrolled learners watch (the left-out minor too); anyone else gets 404.
    expect((await minor.client.get(`/api/classes/${classId}/recordings`)).status).toBe(200);
    expect((await outsider.client.get(`/api/classes/${classId}/recordings`)).status).toBe(404);
    expect((await outsider.client.get(`/api/recordings/${rec!.id}`)).status).toBe(404);
    expect((await outsider.client.get(rec!.files[0]!.url)).status).toBe(404);

    // The page plays it: the learner's browser, the <video> fed by ranges from our route.
    const context = await browser.newContext({ viewport: phone, baseURL: t.baseUrl });
    const [name, value] = adult.client.cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: t.baseUrl }]);
    const page = await context.newPage();
    await page.goto(`/recordings/${rec!.id}`);
    const video = page.getByTestId('recording-video');
    await video.waitFor();
    await page.waitForFunction(() => ((document.querySelector('[data-testid="recording-video"]') as HTMLVideoElement | null)?.readyState ?? 0) >= 2, undefined, { timeout: 15_000 });
    const seconds = await video.evaluate((v: HTMLVideoElement) => v.duration);
    // The player opens on the first part (the recording's durationMs is its longest part's).
    console.log(`the page's <video>: ${seconds} s (its part: ${rec!.files[0]!.durationMs} ms)`);
    expect(Math.abs(seconds * 1000 - rec!.files[0]!.durationMs)).toBeLessThan(500);
    await page.screenshot({ path: screenshotPath('class-recording-player-phone') });
    await context.close();
  }, 60_000);
});
