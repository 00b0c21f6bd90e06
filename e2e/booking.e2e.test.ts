import type { BookingView, Me } from '@tutorline/contracts';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, DEMO_PASSWORD, phone, screenshotPath, useServerAndBrowser } from './harness';
import { expectMediaFlowing, type Party } from './room-helpers';

const canRun = chromiumAvailable('e2e: scheduled lesson across time zones');

const TUTOR_ZONE = 'Asia/Kolkata';
const LEARNER_ZONE = 'America/New_York';
const MINUTE = 60_000;

/** Like harness.logIn, with the browser set to a time zone (the machine's own zone must not leak into the test). */
async function logInIn(browser: Browser, baseUrl: string, email: string, timezoneId: string): Promise<Party> {
  const context = await browser.newContext({ viewport: phone, baseURL: baseUrl, timezoneId, locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/(student|tutor)$/);
  return { context, page };
}

const origin = (page: Page) => ({ origin: new URL(page.url()).origin });

async function me(page: Page): Promise<Me> {
  const res = await page.request.get('/api/me', { headers: origin(page) });
  expect(res.status()).toBe(200);
  return (await res.json()) as Me;
}

async function myBookings(page: Page): Promise<BookingView[]> {
  const res = await page.request.get('/api/bookings', { headers: origin(page) });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { bookings: BookingView[] }).bookings;
}

/** The wall clock of an instant in a zone, computed here independently of the app: "05:30". */
const clockIn = (ms: number, zone: string) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
/** "Mon 30 Nov, 05:30", the lesson card's reading. */
const dateTimeIn = (ms: number, zone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);

/**
 * Moves the server's clock (CLOCK_CONTROL). The web app counts time on the server's clock, estimated from the HTTP
 * Date header (lib/server-clock.ts), which the test clock also stamps; a page picks the new time up with its next
 * API response.
 */
async function moveServerClock(baseUrl: string, at: number) {
  const res = await fetch(`${baseUrl}/dev/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ at: new Date(at).toISOString() }) });
  expect(res.status).toBe(200);
}

describe.skipIf(!canRun)('a learner in America/New_York books and pays for a tutor in Asia/Kolkata', () => {
  const env = useServerAndBrowser({ NODE_ENV: 'test', CLOCK_CONTROL: 'true', SEED_DEMO: 'true' });

  it('the tutor sets Kolkata hours in the editor; the learner books in New York time, a failed payment releases the slot, a paid retry confirms it; both see it at their local time; the room opens for both 10 minutes before', async () => {
    const baseUrl = env.server().baseUrl;

    // ---- Tutor: weekly hours in Kolkata, through the availability editor.
    // tutor08 lives in Asia/Kolkata in the demo data (zones[8 % 8]).
    const tutor = await logInIn(env.browser(), baseUrl, 'tutor08@tutorline.test', TUTOR_ZONE);
    const tutorMe = await me(tutor.page);
    expect(tutorMe.timeZone).toBe(TUTOR_ZONE);
    await tutor.page.goto('/tutor/availability');
    const form = tutor.page.getByRole('form', { name: 'Availability' });
    await form.waitFor();
    await form.getByLabel('Your time zone').selectOption(TUTOR_ZONE);
    // Start from an empty week: remove the demo hours and any overrides.
    const removers = form.locator('button[aria-label^="Remove "]');
    for (let n = await removers.count(); n > 0; n = await removers.count()) {
      await removers.first().click();
      await expect.poll(() => removers.count()).toBe(n - 1);
    }
    await form.getByRole('button', { name: 'Add hours on Monday' }).click();
    await form.getByLabel('Monday hours from').fill('16:00');
    await form.getByLabel('Monday hours until').fill('20:00');
    await form.getByRole('button', { name: 'Copy Monday to weekdays' }).click();
    for (const day of ['Tuesday', 'Wednesday', 'Thursday', 'Friday']) {
      await expect.poll(() => form.getByLabel(`${day} hours from`).inputValue()).toBe('16:00');
      await expect.poll(() => form.getByLabel(`${day} hours until`).inputValue()).toBe('20:00');
    }
    await expect.poll(() => form.locator('.day-row', { hasText: 'Saturday' }).getByText('Unavailable').isVisible()).toBe(true);
    for (const m of [30, 45]) await form.getByRole('checkbox', { name: `${m} min` }).uncheck();
    await form.getByRole('checkbox', { name: '60 min' }).check();
    await form.getByLabel('Break between lessons').selectOption('0');
    await form.getByLabel('Minimum notice').selectOption('60');
    await form.getByLabel('Most lessons a day').fill('');
    await form.getByLabel('Book how far ahead').selectOption('30');
    await form.getByRole('button', { name: 'Save availability' }).click();
    await form.getByRole('status').filter({ hasText: 'Availability saved.' }).waitFor();
    await tutor.page.screenshot({ path: screenshotPath('booking-tutor-availability-390x844'), fullPage: true });
    const saved = await tutor.page.request.get('/api/tutors/me/availability', { headers: origin(tutor.page) });
    expect(await saved.json()).toMatchObject({
      timeZone: TUTOR_ZONE,
      rules: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '16:00', end: '20:00' })),
      durationsMinutes: [60],
      bufferMinutes: 0,
      minNoticeMinutes: 60,
    });

    // ---- Learner: an adult student whose browser is in New York.
    const learner = await logInIn(env.browser(), baseUrl, 'student15@tutorline.test', LEARNER_ZONE);
    // The slot picker and My lessons read the account's zone (users.time_zone), not the browser's. There is no page
    // where a student changes their zone, so it is set through the API the app offers (PATCH /api/me).
    const patched = await learner.page.request.patch('/api/me', { headers: origin(learner.page), data: { timeZone: LEARNER_ZONE } });
    expect(patched.status()).toBe(200);
    expect(((await patched.json()) as Me).timeZone).toBe(LEARNER_ZONE);

    // Find the tutor by name on the search page, then open their profile.
    await learner.page.goto('/tutors');
    await learner.page.getByLabel('Search tutors').fill(tutorMe.displayName);
    await learner.page.getByRole('button', { name: 'Search', exact: true }).click();
    await learner.page.getByTestId('tutor-card').getByRole('link', { name: tutorMe.displayName }).click();
    await learner.page.waitForURL(new RegExp(`/tutors/${tutorMe.id}$`));
    const picker = learner.page.getByTestId('slot-picker');
    await picker.waitFor();
    // Zones by name, the IANA name on hover (issue #13).
    await expect.poll(() => picker.textContent()).toContain('Big: New York time (yours)');
    await expect.poll(() => picker.textContent()).toContain(`Small: Kolkata time (${tutorMe.displayName}’s)`);
    expect(await picker.locator(`.zone-name[data-zone="${LEARNER_ZONE}"]`).first().getAttribute('title')).toContain(LEARNER_ZONE);
    expect(await picker.locator(`.zone-name[data-zone="${TUTOR_ZONE}"]`).first().getAttribute('title')).toContain(TUTOR_ZONE);

    // The first day that has the tutor's 16:00 (the first slot of a Kolkata day), in the learner's day strip.
    const chips = picker.locator('.day-chip:not([disabled])');
    await chips.first().waitFor();
    // The strip's first day starts at the card's content edge, not cut off at the left (scroll snapping honours the padding).
    const [firstChip, pickerBox] = [await picker.locator('.day-chip').first().boundingBox(), await picker.boundingBox()];
    expect(firstChip!.x - pickerBox!.x).toBeGreaterThanOrEqual(12);
    const slot16 = picker.locator('label.slot', { hasText: /tutor 16:00/ });
    let found = false;
    for (let i = 0; i < (await chips.count()) && !found; i++) {
      const chip = chips.nth(i);
      const day = ((await chip.getAttribute('aria-label')) ?? '').split(',')[0]!;
      await chip.click();
      await picker.locator('legend.slot-day-title', { hasText: day }).waitFor();
      found = (await slot16.count()) > 0;
    }
    expect(found, 'a 16:00 Kolkata slot in the next two weeks').toBe(true);
    const shownNy = (await slot16.first().locator('.slot-yours').textContent())?.trim() ?? '';
    await slot16.first().click();
    const bookBox = learner.page.getByTestId('book-box');
    await bookBox.waitFor();
    await learner.page.screenshot({ path: screenshotPath('booking-learner-slot-picker-390x844'), fullPage: true });
    const summary = (await bookBox.locator('.book-summary').textContent()) ?? '';
    const before = new Set((await myBookings(learner.page)).map((b) => b.id));
    await bookBox.getByRole('button', { name: 'Book 60-minute lesson' }).click();

    // ---- Payments are on (the fake provider): the slot is held for 10 minutes while the learner pays.
    const held = learner.page.getByTestId('booking-held');
    await held.waitFor();
    const [firstHold] = (await myBookings(learner.page)).filter((b) => !before.has(b.id));
    expect(firstHold).toMatchObject({ tutorId: tutorMe.id, status: 'held' });
    expect(firstHold!.priceMinor).toBeGreaterThan(0);
    expect(Date.parse(firstHold!.heldUntil!) - Date.parse(firstHold!.createdAt)).toBe(10 * MINUTE);
    expect(((await held.locator('#held-title').textContent()) ?? '').trim()).toMatch(new RegExp(`^Held for you until ${clockIn(Date.parse(firstHold!.heldUntil!), LEARNER_ZONE)} — pay \\S+ to confirm$`));
    await learner.page.screenshot({ path: screenshotPath('booking-learner-held-390x844'), fullPage: true });

    // The first payment fails on the provider's page: the hold is released, the slot is free again, nothing charged.
    await held.getByRole('button', { name: /^Pay / }).click();
    await learner.page.waitForURL(/\/dev\/fake-pay\/[0-9a-f-]+$/);
    await learner.page.getByRole('button', { name: 'Make the payment fail' }).click();
    await learner.page.getByRole('link', { name: 'Back to Tutorline' }).click();
    await learner.page.waitForURL(/\/lessons\/paid\?checkout=/);
    await learner.page.getByTestId('payment-failed').waitFor();
    await learner.page.screenshot({ path: screenshotPath('booking-learner-payment-failed-390x844'), fullPage: true });
    expect((await myBookings(learner.page)).find((b) => b.id === firstHold!.id)).toMatchObject({ status: 'cancelled', outcome: 'hold_expired' });
    const freeAgain = await learner.page.request.get(
      `/api/tutors/${tutorMe.id}/slots?${new URLSearchParams({ from: firstHold!.start, to: firstHold!.end, duration: '60', zone: LEARNER_ZONE }).toString()}`,
      { headers: origin(learner.page) },
    );
    expect(((await freeAgain.json()) as { slots: { start: string }[] }).slots.map((x) => x.start)).toContain(firstHold!.start);

    // Try again: the same time is held again, and this time the payment goes through; the page follows it to confirmed.
    await learner.page.getByTestId('payment-failed').getByRole('button', { name: 'Try again' }).click();
    await learner.page.waitForURL(/\/dev\/fake-pay\/[0-9a-f-]+$/);
    await learner.page.getByRole('button', { name: 'Pay successfully' }).click();
    await learner.page.getByRole('link', { name: 'Back to Tutorline' }).click();
    await learner.page.waitForURL(/\/lessons\/paid\?checkout=/);
    const paid = learner.page.getByTestId('payment-confirmed');
    await paid.waitFor();

    // The booking as the server stored it; every string the learner and tutor see is computed from its start here.
    const added = (await myBookings(learner.page)).filter((b) => !before.has(b.id) && b.id !== firstHold!.id);
    expect(added).toHaveLength(1);
    const booking = added[0]!;
    expect(booking).toMatchObject({ tutorId: tutorMe.id, status: 'confirmed', start: firstHold!.start, priceMinor: firstHold!.priceMinor });
    const start = Date.parse(booking.start);
    const end = Date.parse(booking.end);
    expect(end - start).toBe(60 * MINUTE);
    expect(clockIn(start, TUTOR_ZONE)).toBe('16:00');
    const nyStart = clockIn(start, LEARNER_ZONE);
    const nyEnd = clockIn(end, LEARNER_ZONE);
    // 16:00 IST is 10:30 UTC: 05:30 in New York in winter (EST), 06:30 in summer (EDT).
    expect(new Date(start).toISOString().slice(11, 16)).toBe('10:30');
    expect(['05:30', '06:30']).toContain(nyStart);
    expect(shownNy).toBe(nyStart);
    // Before booking: the learner's New York time big, the tutor's Kolkata time beside it.
    expect(summary).toContain(`${nyStart}–${nyEnd} your time`);
    expect(summary).toContain(`${tutorMe.displayName}: 16:00–17:00 (Kolkata time)`);
    const paidText = (await paid.textContent()) ?? '';
    expect(paidText).toContain(`${nyStart}–${nyEnd} your time`);
    await learner.page.screenshot({ path: screenshotPath('booking-learner-paid-390x844'), fullPage: true });

    // ---- Both see the lesson at their own local time on My lessons.
    // A lesson card carries no booking id: find it by its start as read in the viewer's zone.
    // Only active cards: the released hold of the same time sits in "Past and cancelled".
    const lessonOf = (page: Page, zone: string) => page.locator('[data-testid="lesson"]:not(.lesson-past)').filter({ has: page.locator('.lesson-time', { hasText: dateTimeIn(start, zone) }) });
    await learner.page.goto('/lessons');
    await tutor.page.goto('/lessons');
    const learnerLesson = lessonOf(learner.page, LEARNER_ZONE);
    const tutorLesson = lessonOf(tutor.page, TUTOR_ZONE);
    await learnerLesson.waitFor();
    await tutorLesson.waitFor();
    expect((await learnerLesson.locator('.lesson-time').textContent())?.trim()).toBe(`${dateTimeIn(start, LEARNER_ZONE)}–${nyEnd}`);
    expect((await tutorLesson.locator('.lesson-time').textContent())?.trim()).toBe(`${dateTimeIn(start, TUTOR_ZONE)}–17:00`);
    // The learner also sees the tutor's clock beside theirs.
    await expect.poll(() => learnerLesson.locator('.lesson-theirs').textContent()).toContain('16:00');
    expect(await learnerLesson.locator('.lesson-theirs').textContent()).toMatch(/Tutor: 16:00( \w{3})? in Kolkata/);
    // Each side's card names the other person; the tutor sees the student's New York clock beside their own.
    expect((await learnerLesson.locator('.lesson-title').textContent())?.trim()).toBe(`Lesson with ${tutorMe.displayName}`);
    const learnerMe = await me(learner.page);
    expect((await tutorLesson.locator('.lesson-title').textContent())?.trim()).toBe(`Lesson with ${learnerMe.displayName}`);
    expect(await tutorLesson.locator('.lesson-theirs').textContent()).toMatch(new RegExp(`Student: ${nyStart}( \\w{3})? in New York`));
    // The booking's notice reached the tutor's bell (unread count in the header), and opens in its panel.
    const bell = tutor.page.getByTestId('notification-bell');
    await expect.poll(async () => Number((await tutor.page.getByTestId('notification-count').textContent().catch(() => '0')) ?? 0)).toBeGreaterThan(0);
    await bell.click();
    await expect.poll(() => tutor.page.getByTestId('notification-panel').textContent()).toContain(learnerMe.displayName);
    await tutor.page.screenshot({ path: screenshotPath('booking-tutor-bell-390x844') });
    await bell.click();
    await learner.page.screenshot({ path: screenshotPath('booking-learner-lessons-390x844'), fullPage: true });
    await tutor.page.screenshot({ path: screenshotPath('booking-tutor-lessons-390x844'), fullPage: true });

    // ---- 11 minutes before: the room is not open yet, for either side.
    const opensAt = start - 10 * MINUTE;
    await moveServerClock(baseUrl, start - 11 * MINUTE);
    await Promise.all([learner.page.reload(), tutor.page.reload()]);
    for (const [party, zone] of [
      [learner, LEARNER_ZONE],
      [tutor, TUTOR_ZONE],
    ] as const) {
      const lesson = lessonOf(party.page, zone);
      await lesson.waitFor();
      await expect.poll(() => lesson.locator(`#opens-${booking.id}`).textContent()).toMatch(new RegExp(`^Opens at ${clockIn(opensAt, zone)} \\(in [12] minutes?\\)$`));
      expect(await lesson.getByRole('button', { name: 'Join room' }).isDisabled()).toBe(true);
      const early = await party.page.request.post(`/api/bookings/${booking.id}/room`, { headers: origin(party.page) });
      expect(early.status()).toBe(409);
      expect(((await early.json()) as { error: { code: string } }).error.code).toBe('too_early');
    }
    await learner.page.screenshot({ path: screenshotPath('booking-learner-room-soon-390x844'), fullPage: true });

    // ---- 9 minutes before: both open My lessons again, Join is on, both join and land in the same room.
    await moveServerClock(baseUrl, start - 9 * MINUTE);
    await Promise.all([learner.page.reload(), tutor.page.reload()]);
    const joins = [lessonOf(learner.page, LEARNER_ZONE), lessonOf(tutor.page, TUTOR_ZONE)].map((l) => l.getByRole('button', { name: 'Join room' }));
    await Promise.all(joins.map((b) => expect.poll(() => b.isEnabled()).toBe(true)));
    await Promise.all(joins.map((b) => b.click()));
    await Promise.all([learner.page.waitForURL(/\/session\/[0-9a-f-]+$/), tutor.page.waitForURL(/\/session\/[0-9a-f-]+$/)]);
    const sessionId = learner.page.url().split('/').pop()!;
    expect(tutor.page.url().split('/').pop()).toBe(sessionId);
    await Promise.all([learner.page.getByTestId('call-view').waitFor({ timeout: 30_000 }), tutor.page.getByTestId('call-view').waitFor({ timeout: 30_000 })]);
    await Promise.all([expectMediaFlowing(learner.page), expectMediaFlowing(tutor.page)]);
    await learner.page.screenshot({ path: screenshotPath('booking-learner-room-390x844') });

    for (const p of [learner, tutor]) await p.context.close();
  });
});
