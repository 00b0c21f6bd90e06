import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../apps/server/test/app';
import { freshDatabase, type FreshDatabase } from '../apps/server/test/db';
import { janusNetnsAvailable, type JanusInNetns, startJanusInNetns } from '../apps/server/test/janus-netns';
import { schema } from '../apps/server/test/schema';
import { waitFor } from '../apps/server/test/webrtc-clients';
import { probe } from '../apps/server/src/modules/recordings';
import { chromiumAvailable, launchBrowser, root, screenshotPath } from './harness';

// Issue #15 (decision 056): a 1:1 session in two Chromium pages at phone width. The student asks to record, the tutor
// sees the prompt and agrees, both see "Recording"; both pages move their media to Janus (in a network namespace)
// over our socket and are recorded; the student stops it; the job converts both parts and ffprobe reads them.
const built = fs.existsSync(path.join(root, 'apps/web/dist/index.html'));
const runs = janusNetnsAvailable('1:1 recording e2e (network namespace)') && chromiumAvailable('1:1 recording e2e') && built;
const tools = { ppRec: '/usr/bin/janus-pp-rec', ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe', timeoutMs: 60_000 };
const narrow = { width: 360, height: 740 };

describe.runIf(runs)('a 1:1 session recorded when both agree, in the browser', () => {
  let j: JanusInNetns;
  let fresh: FreshDatabase;
  let t: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function pageOf(client: Client): Promise<Page> {
    const context = await browser.newContext({ viewport: narrow, baseURL: t.baseUrl });
    contexts.push(context);
    const [name, value] = client.cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: t.baseUrl }]);
    return context.newPage();
  }

  beforeAll(async () => {
    [j, fresh, browser] = await Promise.all([startJanusInNetns(), freshDatabase('pglite'), launchBrowser()]);
    t = await startTestApp(fresh.database, { login: relaxedLogin }, undefined, { sfu: j.janus.api, manualJobs: true });
  }, 180_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.close();
    await fresh?.drop();
    await j?.stop();
  });

  it('asks, prompts, agrees, shows the indicator to both, records both pages through Janus, stops, converts', async () => {
    const sc = new Client(t.baseUrl);
    const tc = new Client(t.baseUrl);
    const student = (await signUpStudent(sc)).user;
    const tutor = (await signUpTutor(tc)).user;
    const [row] = await fresh.database.db.insert(schema.tutoringSessions).values({ kind: 'instant', studentId: student.id, tutorId: tutor.id, startedAt: new Date() }).returning();
    const sessionId = row!.id;
    const [sp, tp] = await Promise.all([pageOf(sc), pageOf(tc)]);
    await Promise.all([sp.goto(`/session/${sessionId}`, { waitUntil: 'domcontentloaded', timeout: 90_000 }), tp.goto(`/session/${sessionId}`, { waitUntil: 'domcontentloaded', timeout: 90_000 })]);
    await Promise.all([sp.getByTestId('call-view').waitFor({ timeout: 90_000 }), tp.getByTestId('call-view').waitFor({ timeout: 90_000 })]);

    await sp.getByTestId('rec-ask').click({ timeout: 90_000, noWaitAfter: true });
    await tp.getByTestId('rec-prompt').waitFor({ timeout: 60_000 });
    await sp.locator('[data-testid="rec-bar"][data-rec-status="asked"]').waitFor({ timeout: 60_000 });
    await tp.screenshot({ path: screenshotPath('session-recording-prompt-360') });
    await tp.getByTestId('rec-agree').click({ timeout: 90_000, noWaitAfter: true });
    await Promise.all([sp.getByTestId('rec-indicator').waitFor({ timeout: 60_000 }), tp.getByTestId('rec-indicator').waitFor({ timeout: 60_000 })]);

    // Both pages publish through our socket: Janus writes audio and video for two feeds.
    const list = (await sc.get(`/api/sessions/${sessionId}/recordings`)).json as { recordings: { id: string }[] };
    const id = list.recordings[0]!.id;
    const rawRoot = path.join(t.app.config.recordings.dir, 'raw');
    const mjr = () => fs.readdirSync(rawRoot).flatMap((d) => fs.readdirSync(path.join(rawRoot, d)).filter((f) => f.startsWith(`${id}-feed-`)));
    await waitFor('both pages recorded (audio and video each)', () => mjr().length >= 4, 30_000);
    const t0 = performance.now();
    await sp.screenshot({ path: screenshotPath('session-recording-indicator-360') });
    await waitFor('about 3 s of recorded media', () => performance.now() - t0 >= 3000, 10_000);

    await sp.getByTestId('rec-stop').click({ timeout: 90_000, noWaitAfter: true });
    await Promise.all([sp.locator('[data-testid="rec-bar"][data-rec-status="off"]').waitFor({ timeout: 60_000 }), tp.locator('[data-testid="rec-bar"][data-rec-status="off"]').waitFor({ timeout: 60_000 })]);
    await t.app.jobs.drain();
    const rec = await t.app.fastify.recordings.get(id);
    expect(rec).toMatchObject({ status: 'ready' });
    expect(rec!.files).toHaveLength(2);
    for (const f of rec!.files) {
      const info = await probe(tools, path.join(t.app.config.recordings.dir, id, f.file));
      if (!info.ok) throw new Error(JSON.stringify(info));
      console.log(`browser part ${f.feed}: ${info.value.durationMs} ms, video ${info.value.video}, audio ${info.value.audio}`);
      expect(info.value).toMatchObject({ video: true, audio: true });
    }
  }, 300_000);
});
