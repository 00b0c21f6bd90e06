import type { Browser as FirefoxBrowser, Page as FirefoxPage } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickNamed, enterRoomFirefox, type FirefoxParty, firefoxAvailable, firefoxParty, launchFirefox, setValue, testId, typeInto, waitForPath } from './firefox';
import { chromiumAvailable, logIn, screenshotPath, useServerAndBrowser } from './harness';
import { expectMediaFlowing, goOnline, type Party, pressCallControl } from './room-helpers';
import { questionPhotoFile } from './photos';

const suite = 'e2e: the main journeys in Firefox';
const canRun = chromiumAvailable(suite) && firefoxAvailable(suite);

/** tutor08 teaches maths at grade 9–10 in the demo data, and has weekly hours to book. */
const TUTOR = 'tutor08@tutorline.test';

interface FirefoxMedia {
  framesDecoded: number;
  videoBytesReceived: number;
  audioBytesReceived: number;
  videoBytesSent: number;
  audioBytesSent: number;
}

/** getStats of the Firefox page's call (window.__tutorlineCall), summed by kind. */
function firefoxMedia(page: FirefoxPage): Promise<FirefoxMedia> {
  return page.evaluate(async () => {
    const out = { framesDecoded: 0, videoBytesReceived: 0, audioBytesReceived: 0, videoBytesSent: 0, audioBytesSent: 0 };
    const pc = (window as unknown as { __tutorlineCall?: { pc(): RTCPeerConnection | null } }).__tutorlineCall?.pc();
    if (!pc) return out;
    (await pc.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') {
        out.framesDecoded += Number(s.framesDecoded ?? 0);
        out.videoBytesReceived += Number(s.bytesReceived ?? 0);
      }
      if (s.type === 'inbound-rtp' && s.kind === 'audio') out.audioBytesReceived += Number(s.bytesReceived ?? 0);
      if (s.type === 'outbound-rtp' && s.kind === 'video') out.videoBytesSent += Number(s.bytesSent ?? 0);
      if (s.type === 'outbound-rtp' && s.kind === 'audio') out.audioBytesSent += Number(s.bytesSent ?? 0);
    });
    return out;
  });
}

async function firefoxMediaUntil(page: FirefoxPage, check: (m: FirefoxMedia) => boolean, timeoutMs = 30_000): Promise<FirefoxMedia> {
  let last = await firefoxMedia(page);
  for (const deadline = Date.now() + timeoutMs; !check(last); last = await firefoxMedia(page)) {
    if (Date.now() > deadline) throw new Error(`Firefox's media stats never matched: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

describe.skipIf(!canRun)('the main journeys in Firefox, with a tutor in Chromium', () => {
  // NODE_ENV 'test': the fake payment provider and its /dev/fake-pay page.
  const env = useServerAndBrowser({ NODE_ENV: 'test', SEED_DEMO: 'true' });
  let firefox: FirefoxBrowser;
  let student: FirefoxParty;
  let tutor: Party;
  let questionId = '';

  beforeAll(async () => {
    // Audible autoplay is blocked until the user has tapped the page, as on iOS Safari.
    firefox = await launchFirefox({ 'media.autoplay.default': 1, 'media.autoplay.blocking_policy': 0 });
  });
  afterAll(async () => {
    await firefox?.close();
  });

  it('a student signs up in Firefox, asks with a photo, pays for credits on the fake payment page and sends the question', async () => {
    const baseUrl = env.server().baseUrl;
    tutor = await logIn(env.browser(), baseUrl, TUTOR);
    await goOnline(tutor.page);

    student = await firefoxParty(firefox, baseUrl);
    const page = student.page;
    expect(await page.evaluate(() => navigator.userAgent)).toMatch(/Firefox\/\d+/);

    // ---- Sign up through the form.
    await student.go('/signup');
    await (await page.waitForSelector('input[name="role"][value="student"]'))!.click();
    await typeInto(page, 'Display name', 'Meera Firefox');
    await typeInto(page, 'Email', `firefox-${Date.now()}@example.test`);
    await typeInto(page, 'Password', 'violet harbour tangent 4217');
    await setValue(page, 'Birth date', '2000-04-02');
    await clickNamed(page, 'Sign up');
    await page.waitForSelector(testId('student-home'));
    expect(await page.$eval(testId('header-user'), (el) => el.textContent)).toContain('Meera Firefox');

    // ---- Ask with a photo: the file input, the on-device shrink and the upload all run in Firefox.
    await student.go('/student/ask');
    await page.waitForSelector('[data-testid="ask-form"][data-draft="new"]');
    const input = (await page.waitForSelector(testId('photo-input')))!;
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(await questionPhotoFile('4x − 7 = 9'));
    await page.waitForSelector('[data-testid="photo-preview"][data-status="done"]', { timeout: 30_000 });
    expect(await page.$(testId('photo-error'))).toBeNull();
    await page.select(testId('ask-subject'), 'maths');
    await page.select(testId('ask-level'), 'grade-9-10');
    await page.type(testId('ask-text'), 'What is x here?');

    // A new student has no credits: the way to pay keeps the question.
    await page.click(testId('ask-submit'));
    await page.waitForSelector(testId('billing-required'));
    await page.click(testId('billing-required-link'));
    await waitForPath(page, /^\/billing\?returnTo=/);
    await clickNamed(page, 'INR');
    await clickNamed(page, 'Buy', { prefix: true, within: '[data-testid="plan-card"][data-plan-id="pack-10"]' });
    await waitForPath(page, /^\/dev\/fake-pay\/[0-9a-f-]+$/);
    await clickNamed(page, 'Pay successfully');
    // The payment page returns to the ask form by itself, which says the question is ready, as left.
    await waitForPath(page, /^\/student\/ask\?checkout=[0-9a-f-]+$/);
    await page.waitForSelector(testId('ask-ready'), { timeout: 30_000 });
    await page.waitForSelector('[data-testid="ask-form"][data-draft="restored"]');
    expect(await page.$eval(testId('ask-text'), (el) => (el as HTMLTextAreaElement).value)).toBe('What is x here?');
    await page.click(testId('ask-submit'));
    await waitForPath(page, /^\/student\/questions\/[0-9a-f-]+$/);
    questionId = (await page.evaluate(() => location.pathname)).split('/').pop()!;
    const asked = await student.api<{ text: string; photos: unknown[] }>('GET', `/api/help/questions/${questionId}`);
    expect(asked.status).toBe(200);
    expect(asked.body.photos).toHaveLength(1);
    await page.screenshot({ path: screenshotPath('firefox-question-waiting-390x844') });
  });

  it('the tutor accepts in Chromium; media flows both ways between Firefox and Chromium', async () => {
    expect(questionId).not.toBe('');
    const item = tutor.page.locator(`[data-testid="feed-item"][data-question-id="${questionId}"]`);
    await item.waitFor({ timeout: 20_000 });
    await item.getByTestId('accept-question').click();
    await tutor.page.waitForURL(/\/session\/[0-9a-f-]+$/);
    const sessionId = tutor.page.url().split('/').pop()!;

    // Firefox follows to the same session by itself.
    const page = student.page;
    await waitForPath(page, new RegExp(`^/session/${sessionId}$`));
    // A first visit shows pre-join (Firefox reports no earlier camera grant): the camera is asked for on a tap, then Join.
    await enterRoomFirefox(page);
    await page.waitForSelector('[data-testid="call-view"][data-state="connected"]', { timeout: 30_000 });
    await tutor.page.locator('[data-testid="call-view"][data-state="connected"]').waitFor({ timeout: 30_000 });

    // Chromium decodes Firefox's video and hears its audio, and sends its own.
    const chromiumSide = await expectMediaFlowing(tutor.page);
    expect(chromiumSide.videoBytesReceived).toBeGreaterThan(0);
    expect(chromiumSide.videoBytesSent).toBeGreaterThan(0);
    // Firefox decodes Chromium's video and receives its audio, growing between two readings.
    const first = await firefoxMediaUntil(page, (m) => m.framesDecoded > 0 && m.audioBytesReceived > 0 && m.videoBytesSent > 0 && m.audioBytesSent > 0);
    await firefoxMediaUntil(
      page,
      (m) => m.framesDecoded > first.framesDecoded && m.videoBytesReceived > first.videoBytesReceived && m.audioBytesReceived > first.audioBytesReceived && m.videoBytesSent > first.videoBytesSent,
    );
    // The remote video plays inline (iOS Safari would go full screen without it) and shows Chromium's frames.
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="remote-video"]');
      return v !== null && v.videoWidth > 0 && !v.hidden;
    });
    // Firefox has no `playsInline` property, so the attribute itself is what is checked.
    expect(await page.$eval(testId('remote-video'), (v) => v.hasAttribute('playsinline'))).toBe(true);
    // With audible autoplay blocked, the other side's sound plays: the Join tap (or the taps before it) counts as the
    // gesture, so no "Tap to hear" is needed.
    await page.waitForFunction(() => (document.querySelector('[data-testid="remote-audio"]') as HTMLAudioElement | null)?.paused === false);
    expect(await page.$(testId('btn-enable-sound'))).toBeNull();
    await page.screenshot({ path: screenshotPath('firefox-room-student-390x844') });

    // The tutor ends the session (two taps); Firefox is told, and leaves the room's page.
    await pressCallControl(tutor.page, 'btn-end');
    await tutor.page.getByTestId('btn-end').click();
    await tutor.page.getByTestId('session-rate-form').waitFor({ timeout: 15_000 });
    await page.waitForSelector(testId('session-ended'), { timeout: 15_000 });
    expect(await page.$(testId('room'))).toBeNull();
  });

  it('books a lesson with the same tutor in Firefox and pays on the fake payment page', async () => {
    const page = student.page;
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      void d.accept();
    });
    const tutorMe = (await (await tutor.page.request.get('/api/me', { headers: { origin: env.server().baseUrl } })).json()) as { id: string; displayName: string };
    await student.go(`/tutors/${tutorMe.id}`);
    // The ended session guards nothing: leaving it asks no question.
    expect(dialogs).toEqual([]);
    const picker = testId('slot-picker');
    // The picker opens on the first day with free times (a day without any cannot be chosen); take its first time.
    await page.waitForSelector(`${picker} .day-chip[aria-pressed="true"]:not([disabled])`);
    await page.locator(`${picker} label.slot`).click();
    await page.waitForSelector(testId('book-box'));
    await clickNamed(page, 'Book', { prefix: true, within: testId('book-box') });
    await page.waitForSelector(testId('booking-held'));
    await clickNamed(page, 'Pay', { prefix: true, within: testId('booking-held') });
    await waitForPath(page, /^\/dev\/fake-pay\/[0-9a-f-]+$/);
    await clickNamed(page, 'Pay successfully');
    await waitForPath(page, /^\/lessons\/paid\?checkout=/);
    await page.waitForSelector(testId('payment-confirmed'), { timeout: 30_000 });
    const bookings = await student.api<{ bookings: { tutorId: string; status: string }[] }>('GET', '/api/bookings');
    expect(bookings.body.bookings.filter((b) => b.tutorId === tutorMe.id && b.status === 'confirmed')).toHaveLength(1);
    await page.screenshot({ path: screenshotPath('firefox-booking-paid-390x844') });
    await student.context.close();
    await tutor.context.close();
  });
});
