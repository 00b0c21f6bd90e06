import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumAvailable, chromiumPath, logIn, screenshotPath, useServerAndBrowser } from './harness';
import { callControlOn, claimedSession, expectMediaFlowing, mediaStats, openRoom, pressCallControl, waitFor } from './room-helpers';

const canRun = chromiumAvailable('e2e: room conditions');

describe.skipIf(!canRun)('the live room on a phone: first frame, the board tab, data saver, blocked devices, an observer', () => {
  const env = useServerAndBrowser();
  /** Fake devices, but no automatic "Allow": a headless browser then denies the camera and microphone. */
  let denyingBrowser: Browser | undefined;
  beforeAll(async () => {
    denyingBrowser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs.filter((a) => a !== '--use-fake-ui-for-media-stream') });
  });
  afterAll(async () => {
    await denyingBrowser?.close();
  });

  it('shows the remote video on its first frame; the board tab draws on a phone after being hidden; data saver shrinks the video and tells the other side', async () => {
    const { sessionId, student, tutor } = await claimedSession(env.browser(), env.server().baseUrl, 'student07@tutorline.test', 'tutor08@tutorline.test');
    await openRoom(tutor.page, sessionId);
    const shown = firstFrameTiming(tutor.page);
    await openRoom(student.page, sessionId);
    const timing = await shown;
    console.log(`[conditions] remote video shown ${Math.round(timing.shownAt - timing.frameAt)} ms after the first decoded frame`);
    // Stats are sampled every 2 s: without the element's own first-frame event the avatar lingered up to that long.
    expect(timing.shownAt - timing.frameAt).toBeLessThan(1_000);
    await Promise.all([expectMediaFlowing(student.page), expectMediaFlowing(tutor.page)]);

    // The board on a phone: visible at first, and again after the Chat tab hid it; a shape drawn on the other side shows.
    await checkBoardVisible(tutor.page);
    await tutor.page.getByTestId('tab-chat').click();
    await student.page.waitForFunction(() => Boolean(window.__tutorlineBoard), undefined, { timeout: 30_000 });
    // The board starts with the question's photo, put there by the tutor's side; then the student draws.
    await student.page.waitForFunction(() => window.__tutorlineBoard!.elementCount() === 1, undefined, { timeout: 15_000 });
    await student.page.evaluate(() => window.__tutorlineBoard!.addRectangle());
    await tutor.page.waitForFunction(() => window.__tutorlineBoard?.elementCount() === 2, undefined, { timeout: 10_000 });
    await tutor.page.getByTestId('tab-board').click();
    await checkBoardVisible(tutor.page);
    await tutor.page.screenshot({ path: screenshotPath('room-board-after-tab-switch-390x844'), fullPage: true });
    // The rectangle is on screen: the scene's element lies inside the visible canvas.
    const onScreen = await tutor.page.evaluate(() => {
      const canvas = document.querySelector('.board-canvas canvas.interactive, .board-canvas canvas')!.getBoundingClientRect();
      return canvas.width > 200 && canvas.height > 200;
    });
    expect(onScreen).toBe(true);

    // Data saver on the student's side.
    // Before it, the full picture. WebRTC's own adaptation (CPU overuse, a high QP) may shrink the video for a while on
    // a loaded machine, so this waits for the full size rather than taking one sample (a CI run once caught 320 wide).
    const full = await waitFor(tutor.page, (s) => s.frameWidth > 320, 30_000);
    await pressCallControl(student.page, 'btn-low-bandwidth');
    await expect.poll(() => callControlOn(student.page, 'btn-low-bandwidth')).toBe(true);
    const small = await waitFor(tutor.page, (s) => s.frameWidth > 0 && s.frameWidth <= 320 && s.frameHeight <= 180, 20_000);
    console.log(`[conditions] data saver: the tutor receives ${small.frameWidth}×${small.frameHeight} (was ${full.frameWidth}×${full.frameHeight})`);
    const kbps = await settledSendKbps(student.page, 200, 25_000);
    console.log(`[conditions] data saver: the student's video goes out at ${kbps} kbit/s`);
    await tutor.page.locator('[data-testid="call-banner"][data-kind="remote-low"]').waitFor({ timeout: 10_000 });
    await tutor.page.screenshot({ path: screenshotPath('room-tutor-sees-low-bandwidth-390x844'), fullPage: true });
    await student.page.screenshot({ path: screenshotPath('room-student-data-saver-390x844'), fullPage: true });
    await expectMediaFlowing(tutor.page);

    await student.context.close();
    await tutor.context.close();
  });

  it('explains denied devices before joining and lets the student in with chat and board only; an admin who opens the session shows as an observer', async () => {
    const { sessionId, student, tutor } = await claimedSession(env.browser(), env.server().baseUrl, 'student08@tutorline.test', 'tutor16@tutorline.test', { studentBrowser: denyingBrowser });
    await student.page.goto(`/session/${sessionId}`);
    // A first visit says what will be asked before the browser does; the camera is asked for on this tap (and refused).
    await student.page.getByTestId('prejoin-allow').click({ timeout: 30_000 });
    const problem = student.page.getByTestId('prejoin-problem');
    await problem.waitFor({ timeout: 30_000 });
    const explanation = await problem.innerText();
    console.log(`[conditions] pre-join with devices denied says: ${explanation.replace(/\s+/g, ' ')}`);
    expect(explanation).toMatch(/camera|microphone/i);
    expect(explanation).toMatch(/allow|permission|blocked|settings/i);
    await expect.poll(() => student.page.getByTestId('prejoin-join').count()).toBe(0);
    await student.page.screenshot({ path: screenshotPath('room-prejoin-denied-390x844'), fullPage: true });
    await student.page.getByTestId('prejoin-no-media').click();
    await student.page.getByTestId('call-view').waitFor({ timeout: 30_000 });
    await openRoom(tutor.page, sessionId);

    // The call still connects: the tutor's video reaches the student, who sends nothing.
    await waitFor(student.page, (s) => s.framesDecoded > 0, 30_000);
    await tutor.page.locator('[data-testid="call-view"][data-state="connected"]').waitFor({ timeout: 15_000 });
    await student.page.screenshot({ path: screenshotPath('room-student-no-devices-390x844'), fullPage: true });

    // Chat both ways.
    await Promise.all([student.page.getByTestId('tab-chat').click(), tutor.page.getByTestId('tab-chat').click()]);
    await student.page.getByTestId('chat-input').fill('My camera is blocked, can we use the chat?');
    await student.page.getByTestId('chat-send').click();
    await tutor.page.locator('[data-testid="chat-message"]', { hasText: 'camera is blocked' }).waitFor({ timeout: 10_000 });
    await tutor.page.getByTestId('chat-input').fill('Sure, and the board.');
    await tutor.page.getByTestId('chat-send').click();
    await student.page.locator('[data-testid="chat-message"]', { hasText: 'and the board' }).waitFor({ timeout: 10_000 });

    // An admin opens the session: they observe, and both participants are told.
    const admin = await logIn(env.browser(), env.server().baseUrl, 'admin@tutorline.test');
    await admin.page.goto(`/session/${sessionId}`);
    await admin.page.locator('[data-testid="call-view"][data-role="observer"]').waitFor({ timeout: 30_000 });
    await Promise.all([student.page.getByTestId('observer-indicator').waitFor({ timeout: 10_000 }), tutor.page.getByTestId('observer-indicator').waitFor({ timeout: 10_000 })]);
    await tutor.page.screenshot({ path: screenshotPath('room-tutor-observed-390x844'), fullPage: true });
    await admin.page.screenshot({ path: screenshotPath('room-admin-observing-390x844'), fullPage: true });
    await admin.page.getByTestId('btn-leave').click();
    await expect.poll(() => student.page.getByTestId('observer-indicator').count(), { timeout: 10_000 }).toBe(0);

    await Promise.all([admin.context.close(), student.context.close(), tutor.context.close()]);
  });
});

/** In the page: when the first video frame was decoded (getStats) and when the remote video element was first shown. */
function firstFrameTiming(page: Page): Promise<{ frameAt: number; shownAt: number }> {
  return page.evaluate(async () => {
    const start = performance.now();
    let frameAt: number | null = null;
    let shownAt: number | null = null;
    while ((frameAt === null || shownAt === null) && performance.now() - start < 30_000) {
      const pc = window.__tutorlineCall?.pc();
      if (pc && frameAt === null) {
        const stats = await pc.getStats();
        stats.forEach((s: Record<string, unknown>) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video' && Number(s.framesDecoded ?? 0) > 0) frameAt ??= performance.now();
        });
      }
      const video = document.querySelector<HTMLVideoElement>('[data-testid="remote-video"]');
      if (shownAt === null && video && !video.hidden && video.videoWidth > 0) shownAt = performance.now();
      await new Promise((r) => setTimeout(r, 25));
    }
    if (frameAt === null || shownAt === null) throw new Error(`no first frame (${frameAt}) or the video was never shown (${shownAt})`);
    return { frameAt, shownAt };
  });
}

/** The board's Excalidraw fills a real area on the page and its tools show. */
async function checkBoardVisible(page: Page) {
  await page.waitForFunction(() => Boolean(window.__tutorlineBoard), undefined, { timeout: 30_000 });
  await page.getByTestId('board-canvas').scrollIntoViewIfNeeded();
  await expect
    .poll(async () => {
      const box = await page.locator('.board-canvas .excalidraw').boundingBox();
      return box !== null && box.width > 300 && box.height > 250;
    }, { timeout: 10_000 })
    .toBe(true);
  await page.locator('.board-canvas [data-testid="toolbar-rectangle"]').first().waitFor({ state: 'visible', timeout: 10_000 });
}

/** Polls the outbound video bitrate over 2 s windows until one is under `maxKbps`; returns it. */
async function settledSendKbps(page: Page, maxKbps: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let kbps = Number.POSITIVE_INFINITY;
  while (Date.now() < deadline) {
    const a = await mediaStats(page);
    const at = Date.now();
    await page.waitForTimeout(2_000);
    const b = await mediaStats(page);
    kbps = Math.round(((b.videoBytesSent - a.videoBytesSent) * 8) / (Date.now() - at));
    if (kbps > 0 && kbps < maxKbps) return kbps;
  }
  throw new Error(`the outbound video never settled under ${maxKbps} kbit/s (last ${kbps})`);
}
