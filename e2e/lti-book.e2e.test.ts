import type { BookingView, Me } from '@tutorline/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, logIn, phone, type RunningServer, screenshotPath, startServer } from './harness';
import { expectMediaFlowing } from './room-helpers';

const canRun = chromiumAvailable('e2e: LTI "Book tutoring" from a course');
const MINUTE = 60_000;

const origin = (page: Page) => ({ origin: new URL(page.url()).origin });

async function moveServerClock(baseUrl: string, at: number) {
  const res = await fetch(`${baseUrl}/dev/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ at: new Date(at).toISOString() }) });
  expect(res.status).toBe(200);
}

/**
 * Issue #16's four steps through the simulated LMS (/dev/lms, development, the fake payment provider):
 * 1) the teacher deep-links "Book tutoring" with a tutor picked by name and a gradebook column;
 * 2) a student opens it from the course at phone width, books a slot (the course has no entitlement, so they pay),
 *    and attends the lesson with the tutor (fake media); the sweep settles it on the server's test clock;
 * 3) the score appears in the simulator's gradebook; 4) the teacher sees the student in the usage report;
 * then step 2's other path on the same server: the teacher gives the course a school-paid allowance, and a second
 * student's booking from the same item is confirmed with no payment page.
 */
describe.skipIf(!canRun)('an LMS course books tutoring in Chromium', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startServer({ NODE_ENV: 'development', SEED_DEMO: 'true', LTI_SIMULATOR: 'true', BILLING_PROVIDER: 'fake', CLOCK_CONTROL: 'true' });
    browser = await launchBrowser();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('deep link, launch, book, pay, attend, score in the gradebook, learner in the usage report', async () => {
    const baseUrl = server!.baseUrl;

    // ---- The tutor (demo tutor08): lessons of 30, 45 and 60 minutes, 00:00–23:00 UTC every day.
    const tutor = await logIn(browser!, baseUrl, 'tutor08@tutorline.test');
    const tutorMe = (await (await tutor.page.request.get('/api/me', { headers: origin(tutor.page) })).json()) as Me;
    const policy = await tutor.page.request.put('/api/tutors/me/availability', {
      headers: origin(tutor.page),
      data: { timeZone: 'UTC', rules: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:00' })), overrides: [], durationsMinutes: [30, 45, 60], bufferMinutes: 0, minNoticeMinutes: 60, maxPerDay: null, horizonDays: 30, cancelFreeHours: 24 },
    });
    expect(policy.status(), await policy.text()).toBe(200);

    // ---- 1) The teacher adds "Book tutoring" with this tutor, 45 minutes, and a score column.
    const teacher = await browser!.newContext({ viewport: phone, baseURL: baseUrl });
    const tp = await teacher.newPage();
    await tp.goto('/dev/lms');
    await tp.getByTestId('lms-deeplink-canvas-teacher-1').click();
    await tp.getByTestId('dl-search').waitFor();
    // The tutor is found by name (the picker lists real tutors; no ids to type).
    await tp.getByTestId('dl-search').fill(tutorMe.displayName);
    await tp.getByTestId('dl-search-go').click();
    await tp.getByText(`Showing matches for “${tutorMe.displayName}”`).waitFor();
    const book = tp.locator('form[data-kind="book"]');
    await book.getByTestId('dl-tutorId').selectOption({ label: tutorMe.displayName });
    await book.getByTestId('dl-minutes').selectOption('45');
    await book.getByLabel('Add a gradebook column for a score').check();
    expect(await tp.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await tp.screenshot({ path: screenshotPath('lti-book-picker-390'), fullPage: true });
    await book.getByTestId('dl-add-book').click();
    await tp.getByTestId('lms-placed-count').waitFor();
    expect(await tp.getByTestId('lms-placed-count').textContent()).toContain('1 item(s)');

    // ---- 2) A student opens the item from the course, at phone width.
    const student = await browser!.newContext({ viewport: phone, baseURL: baseUrl });
    const sp = await student.newPage();
    await sp.goto('/dev/lms');
    await sp.getByTestId('lms-item-canvas-0-student-1').click();
    await sp.getByTestId('lti-continue-new').click();
    await sp.waitForURL(new RegExp(`/tutors/${tutorMe.id}\\?minutes=45&course=[0-9a-f-]{36}$`));
    const courseId = new URL(sp.url()).searchParams.get('course')!;
    const picker = sp.getByTestId('slot-picker');
    await picker.waitFor();
    // The course item's length is chosen.
    await expect.poll(() => picker.getByRole('button', { name: /^45 min/ }).getAttribute('aria-pressed')).toBe('true');
    const chips = picker.locator('.day-chip:not([disabled])');
    await chips.first().waitFor();
    await chips.first().click();
    const slot = picker.locator('label.slot').first();
    await slot.waitFor();
    await slot.click();
    const bookBox = sp.getByTestId('book-box');
    await bookBox.waitFor();
    // The booking request itself names the course (tagged in the booking's transaction).
    const sent = sp.waitForRequest((r) => r.url().endsWith('/api/bookings') && r.method() === 'POST');
    await bookBox.getByRole('button', { name: 'Book 45-minute lesson' }).click();
    expect((await sent).postDataJSON()).toMatchObject({ tutorId: tutorMe.id, durationMinutes: 45, course: courseId });
    // No course entitlement: the lesson is held and paid through the (fake) provider.
    const held = sp.getByTestId('booking-held');
    await held.waitFor();
    await sp.screenshot({ path: screenshotPath('lti-book-student-held-390'), fullPage: true });
    await held.getByRole('button', { name: /^Pay / }).click();
    await sp.waitForURL(/\/dev\/fake-pay\/[0-9a-f-]+$/);
    await sp.getByRole('button', { name: 'Pay successfully' }).click();
    await sp.getByRole('link', { name: 'Back to Tutorline' }).click();
    await sp.getByTestId('payment-confirmed').waitFor();
    expect(await sp.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    const bookings = ((await (await sp.request.get('/api/bookings', { headers: origin(sp) })).json()) as { bookings: BookingView[] }).bookings;
    expect(bookings).toHaveLength(1);
    const lesson = bookings[0]!;
    expect(lesson).toMatchObject({ tutorId: tutorMe.id, status: 'confirmed' });
    const start = Date.parse(lesson.start);
    expect(Date.parse(lesson.end) - start).toBe(45 * MINUTE);

    // Attend: 9 minutes before the start both are in the room, media both ways.
    await moveServerClock(baseUrl, start - 9 * MINUTE);
    await sp.goto('/lessons');
    const join = sp.locator('[data-testid="lesson"]').getByRole('button', { name: 'Join room' });
    await expect.poll(() => join.isEnabled(), { timeout: 15_000 }).toBe(true);
    await join.click();
    await sp.waitForURL(/\/session\/[0-9a-f-]+$/);
    const sessionId = sp.url().split('/').pop()!;
    const opened = await tutor.page.request.post(`/api/bookings/${lesson.id}/room`, { headers: origin(tutor.page) });
    expect(opened.status(), await opened.text()).toBe(200);
    expect(((await opened.json()) as { sessionId: string }).sessionId).toBe(sessionId);
    await tutor.page.goto(`/session/${sessionId}`);
    await Promise.all([sp.getByTestId('call-view').waitFor({ timeout: 30_000 }), tutor.page.getByTestId('call-view').waitFor({ timeout: 30_000 })]);
    await Promise.all([expectMediaFlowing(sp), expectMediaFlowing(tutor.page)]);
    await sp.screenshot({ path: screenshotPath('lti-book-student-room-390') });
    await Promise.all([sp.goto('/lessons'), tutor.page.goto('/tutor')]);

    // The sweep settles the lesson from the room's joins once it has ended, on the server's clock.
    await moveServerClock(baseUrl, start + 46 * MINUTE);
    await expect
      .poll(
        async () => (((await (await sp.request.get('/api/bookings', { headers: origin(sp) })).json()) as { bookings: BookingView[] }).bookings[0]?.outcome ?? null),
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe('completed');

    // ---- 3) The score reaches the course's gradebook in the LMS.
    const gradebook = await teacher.newPage();
    await expect
      .poll(
        async () => {
          await gradebook.goto('/dev/lms/canvas/gradebook');
          return gradebook.locator('[data-line-item="tutorline-lesson"][data-score="1"]').count();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(1);
    expect(await gradebook.content()).toContain('1 lesson completed on Tutorline');
    await gradebook.screenshot({ path: screenshotPath('lti-book-gradebook-390'), fullPage: true });

    // ---- 4) The teacher opens Tutorline from the course and sees the student's lesson in the usage report.
    await tp.goto('/dev/lms');
    await tp.getByTestId('lms-launch-canvas-teacher-1').click();
    await tp.waitForURL(/\/courses\/[0-9a-f-]+$/);
    expect(tp.url()).toContain(`/courses/${courseId}`);
    await tp.getByTestId('lti-usage').waitFor();
    const asha = tp.getByTestId('lti-usage-learner').filter({ hasText: 'Asha Learner' });
    await asha.waitFor();
    await expect.poll(() => asha.locator('dt', { hasText: 'Lessons' }).locator('xpath=following-sibling::dd[1]').textContent()).toBe('1');
    expect(await asha.textContent()).not.toContain('Not opened Tutorline yet');
    await tp.screenshot({ path: screenshotPath('lti-book-usage-390'), fullPage: true });

    // ---- 2 again, the other path: the teacher gives the course one school-paid lesson per learner per month, and a
    // second student's booking from the same item is confirmed at once, with no payment page.
    const allowance = tp.getByTestId('lti-allowance');
    await expect.poll(() => allowance.getByTestId('lti-allowance-summary').textContent()).toContain('None: learners pay');
    await allowance.getByLabel('Per learner per month').fill('1');
    await allowance.getByLabel('Counted in').selectOption('lessons');
    await allowance.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => allowance.getByTestId('lti-allowance-summary').textContent()).toContain('Each learner may book 1 lesson a month without paying');
    expect(await tp.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await tp.screenshot({ path: screenshotPath('lti-book-allowance-390'), fullPage: true });

    const ben = await browser!.newContext({ viewport: phone, baseURL: baseUrl });
    const bp = await ben.newPage();
    await bp.goto('/dev/lms');
    await bp.getByTestId('lms-item-canvas-0-student-2').click();
    await bp.getByTestId('lti-continue-new').click();
    await bp.waitForURL(new RegExp(`/tutors/${tutorMe.id}\\?minutes=45&course=${courseId}$`));
    const benPicker = bp.getByTestId('slot-picker');
    await benPicker.locator('.day-chip:not([disabled])').first().click();
    await benPicker.locator('label.slot').first().click();
    const payPages: string[] = [];
    bp.on('framenavigated', (f) => void (f.url().includes('/dev/fake-pay/') && payPages.push(f.url())));
    const benSent = bp.waitForRequest((r) => r.url().endsWith('/api/bookings') && r.method() === 'POST');
    await bp.getByTestId('book-box').getByRole('button', { name: 'Book 45-minute lesson' }).click();
    expect((await benSent).postDataJSON()).toMatchObject({ course: courseId });
    await bp.getByTestId('booking-confirmed').waitFor();
    expect(await bp.getByTestId('booking-held').count()).toBe(0);
    expect(payPages).toEqual([]);
    const benLessons = ((await (await bp.request.get('/api/bookings', { headers: origin(bp) })).json()) as { bookings: BookingView[] }).bookings;
    expect(benLessons.map((b) => b.status)).toEqual(['confirmed']);
    await bp.screenshot({ path: screenshotPath('lti-book-paid-by-school-390'), fullPage: true });

    // The course view's statement card (decision 075): Ben's school-paid lesson, not held yet, at phone width.
    await tp.reload();
    const statement = tp.getByTestId('lti-statement');
    await statement.waitFor();
    await expect.poll(() => statement.locator('li').count()).toBe(1);
    expect(await statement.locator('li').first().textContent()).toContain('Ben Learner');
    expect(await statement.getByTestId('lti-statement-total').textContent()).toBe('Nothing owed yet; 1 lesson not held yet.');
    expect(await tp.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await statement.scrollIntoViewIfNeeded();
    await tp.screenshot({ path: screenshotPath('lti-book-statement-390'), fullPage: true });
    await statement.screenshot({ path: screenshotPath('lti-book-statement-card-390') });

    for (const c of [student, teacher, ben, tutor.context]) await c.close();
  });
});
