import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeFindings, describeFindings } from './a11y-helpers';
import { chromiumArgs, chromiumAvailable, chromiumPath, screenshotPath, useServerAndBrowser } from './harness';
import { tabTo } from './keyboard-helpers';
import { claimedSession, openRoom } from './room-helpers';

const canRun = chromiumAvailable('e2e: room pre-join and sound');

declare global {
  interface Window {
    /** Set by countGetUserMedia below: getUserMedia calls so far, and whether pre-join's ask button ever showed. */
    __getUserMediaCalls?: number;
    __askShown?: boolean;
  }
}

/** An init script: counts getUserMedia calls from the page's first script on, and notes whether the ask button ever showed. */
function countGetUserMedia() {
  window.__getUserMediaCalls = 0;
  window.__askShown = false;
  const devices = navigator.mediaDevices;
  const original = devices.getUserMedia.bind(devices);
  devices.getUserMedia = (constraints) => {
    window.__getUserMediaCalls = (window.__getUserMediaCalls ?? 0) + 1;
    return original(constraints);
  };
  new MutationObserver(() => {
    if (document.querySelector('[data-testid="prejoin-allow"]')) window.__askShown = true;
  }).observe(document, { childList: true, subtree: true });
}

/**
 * An init script for a browser without Chromium's exemption for capturing pages: the remote audio's play() is refused
 * until the document has had a user activation, as `--autoplay-policy=document-user-activation-required` does for a
 * page that is not capturing (Chromium lets a page that captures the camera or microphone play sound: see the test).
 * Tells the test (its __reportSound binding) once the other side's full stream (sound and video) was refused and
 * "Tap to hear" shows.
 */
function refuseSoundBeforeATap() {
  const report = (what: string) => void (window as unknown as { __reportSound?(w: string): Promise<void> }).__reportSound?.(what);
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
    if (this.dataset.testid !== 'remote-audio' || navigator.userActivation.hasBeenActive) return play.call(this);
    if ((this.srcObject as MediaStream | null)?.getTracks().length === 2) {
      const shown = () => Boolean(document.querySelector('[data-testid="btn-enable-sound"]'));
      const observer = new MutationObserver(() => {
        if (!shown()) return;
        observer.disconnect();
        report('blocked');
      });
      observer.observe(document, { childList: true, subtree: true });
    }
    return Promise.reject(new DOMException('play() can only be initiated by a user gesture.', 'NotAllowedError'));
  };
  // The element's autoplay attribute is held to the same rule (media events do not bubble: caught on the way down).
  document.addEventListener(
    'play',
    (e) => {
      const el = e.target as HTMLMediaElement;
      if (el.dataset.testid === 'remote-audio' && !navigator.userActivation.hasBeenActive) el.pause();
    },
    true,
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const calls = (page: Page) => page.evaluate(() => window.__getUserMediaCalls ?? -1);
const remoteAudioPaused = (page: Page) => page.evaluate(() => document.querySelector<HTMLAudioElement>('[data-testid="remote-audio"]')?.paused ?? null);

describe.skipIf(!canRun)('the room asks for the camera only after a tap, and asks for a tap before sound it may not play', () => {
  const env = useServerAndBrowser();
  /** No automatic "Allow": permission starts as "prompt", as on a real first visit (the harness's browser reports it granted). */
  let askingBrowser: Browser | undefined;
  /** Sound may play only after a user activation in the document (mobile Safari's and Chrome's rule without engagement). */
  let autoplayBrowser: Browser | undefined;
  beforeAll(async () => {
    askingBrowser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs.filter((a) => a !== '--use-fake-ui-for-media-stream') });
    autoplayBrowser = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs, '--autoplay-policy=document-user-activation-required'] });
  });
  afterAll(async () => {
    await askingBrowser?.close();
    await autoplayBrowser?.close();
  });

  it('a first visit says what will be asked and why, and opens the camera only when the button is pressed', async () => {
    const { sessionId, student, tutor } = await claimedSession(env.browser(), env.server().baseUrl, 'student07@tutorline.test', 'tutor08@tutorline.test', { studentBrowser: askingBrowser });
    const page = student.page;
    await page.addInitScript(countGetUserMedia);
    await page.goto(`/session/${sessionId}`);
    const allow = page.getByTestId('prejoin-allow');
    await allow.waitFor({ timeout: 30_000 });
    expect((await allow.innerText()).trim()).toBe('Turn on camera and microphone');
    const asked = (await page.getByTestId('prejoin').innerText()).replace(/\s+/g, ' ');
    console.log(`[prejoin] a first visit says: ${asked}`);
    expect(asked).toMatch(/camera, so .+ can see you/i);
    expect(asked).toMatch(/microphone, so .+ can hear you/i);
    await page.screenshot({ path: screenshotPath('room-prejoin-ask-390x844'), fullPage: true });
    const findings = await axeFindings(page, 'student pre-join, asking first');
    expect(findings, describeFindings(findings)).toEqual([]);
    // Screenshot and axe took their time: still nothing asked of the browser.
    expect(await calls(page)).toBe(0);

    // The user will choose "Allow" at the browser's prompt (headless Chromium refuses a prompt by itself).
    await student.context.grantPermissions(['camera', 'microphone']);
    // By keyboard: Tab reaches the button, Enter presses it.
    await tabTo(page, allow);
    await page.keyboard.press('Enter');
    await page.getByTestId('prejoin-preview').waitFor({ timeout: 30_000 });
    expect(await calls(page)).toBeGreaterThan(0);
    await page.getByTestId('prejoin-join').waitFor();
    await page.screenshot({ path: screenshotPath('room-prejoin-after-tap-390x844'), fullPage: true });
    await page.getByTestId('prejoin-join').click();
    await page.getByTestId('call-view').waitFor({ timeout: 30_000 });

    await Promise.all([student.context.close(), tutor.context.close()]);
  });

  it('with camera and microphone granted before, the room starts them at once, with no tap', async () => {
    const { sessionId, student, tutor } = await claimedSession(env.browser(), env.server().baseUrl, 'student08@tutorline.test', 'tutor16@tutorline.test', { studentBrowser: askingBrowser });
    await student.context.grantPermissions(['camera', 'microphone'], { origin: env.server().baseUrl });
    const page = student.page;
    await page.addInitScript(countGetUserMedia);
    await page.goto(`/session/${sessionId}`);
    await page.locator('[data-testid="call-view"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="local-video"]:not([hidden])').waitFor({ timeout: 30_000 });
    expect(await calls(page)).toBeGreaterThan(0);
    expect(await page.evaluate(() => window.__askShown)).toBe(false);

    await Promise.all([student.context.close(), tutor.context.close()]);
  });

  it('when the browser refuses to play the other side\'s sound before a tap, "Tap to hear" shows, and after a tap the sound plays', async () => {
    const { sessionId, student, tutor } = await claimedSession(env.browser(), env.server().baseUrl, 'student09@tutorline.test', 'tutor24@tutorline.test', { studentBrowser: autoplayBrowser });
    await openRoom(tutor.page, sessionId);
    // The room's link opened from outside the app (a new tab, no tap in it yet). Every Playwright evaluation or locator
    // check in a page counts as a user activation (CDP's userGesture), which lets sound play: so nothing here touches
    // the student's page until "Tap to hear" has shown, and the page reports through a binding instead.
    const page = await student.context.newPage();
    await student.page.close();
    let shown: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (shown = resolve));
    await page.exposeFunction('__reportSound', (what: string) => what === 'blocked' && shown());
    await page.addInitScript(refuseSoundBeforeATap);
    await page.goto(`/session/${sessionId}`);
    // Granted before (the fake UI), so no pre-join and no tap: straight into the call.
    await withTimeout(blocked, 45_000, '"Tap to hear" did not show');

    const tap = page.getByTestId('btn-enable-sound');
    await tap.waitFor({ timeout: 30_000 });
    expect((await tap.innerText()).trim()).toMatch(/^Tap to hear .+/);
    expect(await remoteAudioPaused(page)).toBe(true);
    await page.screenshot({ path: screenshotPath('room-tap-to-hear-390x844'), fullPage: true });

    await tap.click();
    await expect.poll(() => remoteAudioPaused(page), { timeout: 10_000 }).toBe(false);
    await expect.poll(() => tap.count(), { timeout: 10_000 }).toBe(0);

    await Promise.all([student.context.close(), tutor.context.close()]);
  });
});
