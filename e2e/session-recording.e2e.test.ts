import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../apps/server/test/app';
import { freshDatabase, type FreshDatabase } from '../apps/server/test/db';
import { janusNetnsAvailable, type JanusInNetns, startJanusInNetns } from '../apps/server/test/janus-netns';
import { schema } from '../apps/server/test/schema';
import { probe } from '../apps/server/src/modules/recordings';
import { chromiumAvailable, freePort, launchBrowser, root, screenshotPath } from './harness';
import { enterRoom, expectMediaFlowing, mediaStats, type MediaStats, waitFor } from './room-helpers';

// Issue #15: a 1:1 session recorded when both agree, in two Chromium pages (student on a phone, tutor on a desktop)
// with fake camera and microphone and a real Janus in a network namespace. While recorded, each page sends its tracks
// only to the SFU (the peer-to-peer senders carry nothing) and shows the other from the SFU; when the recording stops
// the call is peer-to-peer again without a prompt. The recording converts, plays (ffprobe) for the two of them and is
// 404 for a stranger. A declined question records nothing.
const built = fs.existsSync(path.join(root, 'apps/web/dist/index.html'));
const runs = janusNetnsAvailable('session recording e2e (network namespace)') && chromiumAvailable('session recording e2e') && built;
const tools = { ppRec: '/usr/bin/janus-pp-rec', ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe', timeoutMs: 60_000 };
const desktop = { width: 1280, height: 800 };
const phone390 = { width: 390, height: 844 };

declare global {
  interface Window {
    __tutorlineSessionSfu?: { publisher(): RTCPeerConnection | null; subscriber(): RTCPeerConnection | null };
  }
}

interface SfuStats {
  on: boolean;
  framesDecoded: number;
  audioBytesReceived: number;
  videoBytesSent: number;
  /** The page's remote <video> shows the SFU's track (not the peer-to-peer one). */
  showsSfu: boolean;
}

/** getStats of the page's SFU connections (window.__tutorlineSessionSfu), and which stream its remote video shows. */
function sfuStats(page: Page): Promise<SfuStats> {
  return page.evaluate(async () => {
    const hook = window.__tutorlineSessionSfu;
    const out = { on: Boolean(hook), framesDecoded: 0, audioBytesReceived: 0, videoBytesSent: 0, showsSfu: false };
    const sub = hook?.subscriber();
    if (sub) {
      (await sub.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') out.framesDecoded += Number(s.framesDecoded ?? 0);
        if (s.type === 'inbound-rtp' && s.kind === 'audio') out.audioBytesReceived += Number(s.bytesReceived ?? 0);
      });
      const shown = (document.querySelector('[data-testid="remote-video"]') as HTMLVideoElement | null)?.srcObject as MediaStream | null;
      const track = sub.getReceivers().find((r) => r.track.kind === 'video')?.track;
      out.showsSfu = Boolean(track && shown?.getVideoTracks()[0] === track);
    }
    (await hook?.publisher()?.getStats())?.forEach((s: Record<string, unknown>) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video') out.videoBytesSent += Number(s.bytesSent ?? 0);
    });
    return out;
  });
}

async function sfuUntil(page: Page, what: string, check: (s: SfuStats) => boolean, timeoutMs = 30_000): Promise<SfuStats> {
  const deadline = Date.now() + timeoutMs;
  let last = await sfuStats(page);
  while (!check(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: never seen; last ${JSON.stringify(last)}`);
    await page.waitForTimeout(100);
    last = await sfuStats(page);
  }
  return last;
}

/** A logged-in page of the given size in the session's room, past pre-join, with the call view up. */
async function openRoomAs(browser: Browser, baseUrl: string, cookie: string, sessionId: string, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, baseURL: baseUrl });
  const [name, value] = cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url: baseUrl }]);
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  await page.goto(`/session/${sessionId}`);
  await enterRoom(page, 60_000);
  return page;
}

const recBar = (page: Page, status: string, sfu: boolean) => page.locator(`[data-testid="rec-bar"][data-rec-status="${status}"][data-sfu="${sfu}"]`).waitFor({ timeout: 30_000 });

describe.runIf(runs)('a 1:1 session recorded through Janus in Chromium, when both agree', () => {
  let j: JanusInNetns;
  let fresh: FreshDatabase;
  let t: TestApp;
  let browser: Browser;
  let sessionId: string;
  let student: Page, tutor: Page;
  const clients: Record<'student' | 'tutor' | 'stranger', Client> = {} as never;

  beforeAll(async () => {
    const port = await freePort();
    [j, fresh, browser] = await Promise.all([startJanusInNetns(), freshDatabase('pglite'), launchBrowser()]);
    t = await startTestApp(fresh.database, { login: relaxedLogin, port, allowedOrigins: [`http://127.0.0.1:${port}`] }, undefined, { sfu: j.janus.api, manualJobs: true });
    const ids: Record<string, string> = {};
    for (const who of ['student', 'tutor', 'stranger'] as const) {
      const client = new Client(t.baseUrl);
      const { user } = who === 'tutor' ? await signUpTutor(client, { displayName: 'Mr Okafor' }) : await signUpStudent(client, { displayName: who === 'student' ? 'Asha' : 'Zed' });
      clients[who] = client;
      ids[who] = user.id;
    }
    const [row] = await fresh.database.db.insert(schema.tutoringSessions).values({ kind: 'instant', studentId: ids.student!, tutorId: ids.tutor!, startedAt: new Date() }).returning();
    sessionId = row!.id;
    [student, tutor] = await Promise.all([
      openRoomAs(browser, t.baseUrl, clients.student.cookie, sessionId, phone390),
      openRoomAs(browser, t.baseUrl, clients.tutor.cookie, sessionId, desktop),
    ]);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await fresh?.drop();
    await j?.stop();
  });

  it('declined: nothing is recorded and the call stays peer-to-peer', async () => {
    await Promise.all([expectMediaFlowing(student, 60_000), expectMediaFlowing(tutor, 60_000)]);
    await tutor.getByTestId('rec-ask').click();
    await tutor.getByText('Waiting for Asha to agree to recording…').waitFor();
    await student.getByTestId('rec-prompt').waitFor();
    await student.getByTestId('rec-decline').click();
    for (const p of [student, tutor]) await recBar(p, 'off', false);
    expect(await tutor.evaluate(() => Boolean(window.__tutorlineSessionSfu))).toBe(false);
    const before = await mediaStats(student);
    await waitFor(student, (s) => s.framesDecoded > before.framesDecoded + 10 && s.videoBytesSent > before.videoBytesSent);
    const list = await clients.student.get(`/api/sessions/${sessionId}/recordings`);
    expect([list.status, list.json.recordings]).toEqual([200, []]);
    const rows = await fresh.database.db.select().from(schema.sessionRecordings);
    expect(rows.map((r) => [r.status, r.recordingId])).toEqual([['refused', null]]);
  }, 120_000);

  it('agreed: both see the indicator, the media goes only through the SFU, back to peer-to-peer on stop; the recording plays for the two and is 404 for a stranger', async () => {
    const started = performance.now();
    const step = (name: string) => console.log(`${name}: ${Math.round(performance.now() - started)} ms`);
    await tutor.getByTestId('rec-ask').click();
    await student.getByTestId('rec-prompt').waitFor();
    await student.screenshot({ path: screenshotPath('session-recording-student-prompt-390') });
    await student.getByTestId('rec-agree').click();
    for (const p of [student, tutor]) await p.getByTestId('rec-indicator').waitFor({ timeout: 30_000 });
    step('both see the indicator');

    // Each decodes the other through the SFU, and shows that stream.
    const [sStart, tStart] = await Promise.all([
      sfuUntil(student, 'the student decodes the tutor through the SFU', (s) => s.framesDecoded > 0 && s.audioBytesReceived > 0 && s.showsSfu, 60_000),
      sfuUntil(tutor, 'the tutor decodes the student through the SFU', (s) => s.framesDecoded > 0 && s.audioBytesReceived > 0 && s.showsSfu, 60_000),
    ]);
    step('each decodes the other through the SFU');
    // Meanwhile the peer-to-peer senders send nothing: they carry no track (handed over once the SFU publisher
    // connected), and their bytes stay flat while the SFU frames keep growing.
    for (const p of [student, tutor]) await p.waitForFunction(() => window.__tutorlineCall?.pc()?.getSenders().every((s) => s.track === null), undefined, { timeout: 10_000 });
    const p2pAt = await Promise.all([mediaStats(student), mediaStats(tutor)]);
    const [sLater, tLater] = await Promise.all([
      sfuUntil(student, 'the student keeps decoding through the SFU', (s) => s.framesDecoded > sStart.framesDecoded + 40 && s.audioBytesReceived > sStart.audioBytesReceived),
      sfuUntil(tutor, 'the tutor keeps decoding through the SFU', (s) => s.framesDecoded > tStart.framesDecoded + 40 && s.audioBytesReceived > tStart.audioBytesReceived),
    ]);
    const p2pLater = await Promise.all([mediaStats(student), mediaStats(tutor)]);
    const sent = (s: MediaStats) => ({ audio: s.audioBytesSent, video: s.videoBytesSent });
    console.log(`through the SFU: student decoded ${sLater.framesDecoded - sStart.framesDecoded} frames, tutor ${tLater.framesDecoded - tStart.framesDecoded}; P2P sent ${JSON.stringify(p2pAt.map(sent))} → ${JSON.stringify(p2pLater.map(sent))}`);
    expect(p2pLater.map(sent)).toEqual(p2pAt.map(sent));
    expect(p2pLater.every((s) => s.state === 'connected')).toBe(true);
    await student.screenshot({ path: screenshotPath('session-recording-student-indicator-390') });
    await tutor.screenshot({ path: screenshotPath('session-recording-tutor-indicator-1280') });

    // A few seconds of media, then the student stops: back to peer-to-peer, no prompt, frames growing again.
    await sfuUntil(student, 'about 4 s of media through the SFU', (s) => s.framesDecoded > sStart.framesDecoded + 100, 30_000);
    const beforeStop = await Promise.all([mediaStats(student), mediaStats(tutor)]);
    const stopAt = performance.now();
    await student.getByTestId('rec-stop').click();
    for (const p of [student, tutor]) await recBar(p, 'off', false);
    await Promise.all(
      [student, tutor].map((p, i) => waitFor(p, (s) => s.framesDecoded > beforeStop[i]!.framesDecoded + 10 && s.audioBytesSent > beforeStop[i]!.audioBytesSent && s.videoBytesSent > beforeStop[i]!.videoBytesSent, 30_000)),
    );
    console.log(`back to peer-to-peer: frames decoded and sent again on both pages ${Math.round(performance.now() - stopAt)} ms after Stop`);
    for (const p of [student, tutor]) {
      expect(await p.evaluate(() => Boolean(window.__tutorlineSessionSfu))).toBe(false);
      expect(await p.getByTestId('rec-prompt').count()).toBe(0);
      await p.locator('[data-testid="remote-video"]:not([hidden])').waitFor({ timeout: 10_000 });
    }
    step('back to peer-to-peer');

    // Converted: one WebM per participant, video and audio, for the two of them; 404 for a stranger.
    await t.app.jobs.drain();
    type Listed = { recordings: { id: string; status: string; files: { feed: number; url: string; durationMs: number }[] }[] };
    const listed = await clients.tutor.get(`/api/sessions/${sessionId}/recordings`);
    expect(listed.status).toBe(200);
    const [rec] = (listed.json as Listed).recordings;
    expect(rec).toMatchObject({ status: 'ready' });
    expect(rec!.files).toHaveLength(2);
    for (const f of rec!.files) {
      const info = await probe(tools, path.join(t.app.config.recordings.dir, rec!.id, `feed-${f.feed}.webm`));
      if (!info.ok) throw new Error(JSON.stringify(info));
      console.log(`feed ${f.feed}: ${info.value.durationMs} ms, video ${info.value.video}, audio ${info.value.audio}`);
      expect(info.value).toMatchObject({ video: true, audio: true });
      expect(info.value.durationMs).toBeGreaterThanOrEqual(2000);
    }
    expect((await clients.student.get(`/api/sessions/${sessionId}/recordings`)).status).toBe(200);
    expect((await clients.stranger.get(`/api/sessions/${sessionId}/recordings`)).status).toBe(404);
    for (const [who, client, want] of [['student', clients.student, 200], ['tutor', clients.tutor, 200], ['stranger', clients.stranger, 404]] as const) {
      const res = await fetch(t.baseUrl + rec!.files[0]!.url, { headers: { cookie: client.cookie } });
      expect([who, res.status]).toEqual([who, want]);
      await res.arrayBuffer();
    }
    // The student's browser plays it (another tab: the call goes on).
    const player = await student.context().newPage();
    await player.goto(`/recordings/${rec!.id}`);
    await player.getByTestId('recording-video').waitFor();
    await player.waitForFunction(() => ((document.querySelector('[data-testid="recording-video"]') as HTMLVideoElement | null)?.readyState ?? 0) >= 2, undefined, { timeout: 15_000 });
    await player.close();
    step('recording listed and played');
  }, 240_000);

  it('the media server dies mid-recording: both go back to peer-to-peer without a prompt, and what was recorded converts', async () => {
    await Promise.all([expectMediaFlowing(student, 60_000), expectMediaFlowing(tutor, 60_000)]);
    await student.getByTestId('rec-ask').click();
    await tutor.getByTestId('rec-agree').click();
    for (const p of [student, tutor]) await p.getByTestId('rec-indicator').waitFor({ timeout: 30_000 });
    const [sStart] = await Promise.all([
      sfuUntil(student, 'the student decodes the tutor through the SFU', (s) => s.framesDecoded > 0 && s.showsSfu, 60_000),
      sfuUntil(tutor, 'the tutor decodes the student through the SFU', (s) => s.framesDecoded > 0 && s.showsSfu, 60_000),
    ]);
    await sfuUntil(student, 'a few seconds through the SFU', (s) => s.framesDecoded > sStart.framesDecoded + 60, 30_000);
    const beforeKill = await Promise.all([mediaStats(student), mediaStats(tutor)]);
    const killedAt = performance.now();
    process.kill(j.janus.pid()!, 'SIGKILL');
    for (const p of [student, tutor]) await recBar(p, 'off', false);
    await Promise.all(
      [student, tutor].map((p, i) => waitFor(p, (s) => s.framesDecoded > beforeKill[i]!.framesDecoded + 10 && s.videoBytesSent > beforeKill[i]!.videoBytesSent, 30_000)),
    );
    console.log(`Janus killed: frames over peer-to-peer again on both pages ${Math.round(performance.now() - killedAt)} ms later`);
    for (const p of [student, tutor]) {
      expect(await p.evaluate(() => Boolean(window.__tutorlineSessionSfu))).toBe(false);
      expect(await p.getByTestId('rec-prompt').count()).toBe(0);
    }
    const rows = await fresh.database.db.select().from(schema.sessionRecordings);
    expect(rows.filter((r) => r.endReason === 'media_down').map((r) => r.status)).toEqual(['stopped']);
    await t.app.jobs.drain();
    const listed = await clients.student.get(`/api/sessions/${sessionId}/recordings`);
    const statuses = (listed.json as { recordings: { status: string }[] }).recordings.map((r) => r.status);
    console.log(`recordings after the crash: ${statuses.join(', ')}`);
    expect(statuses).toEqual(['ready', 'ready']);
  }, 180_000);
});
