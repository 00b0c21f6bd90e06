import { describe, expect, it } from 'vitest';
import { axeFindings, checkAll, expectNoFindings, type Finding, logInAt360, MISSING, settle, useA11yWorld } from './a11y-helpers';
import { chromiumAvailable } from './harness';
import { openRoom } from './room-helpers';

const canRun = chromiumAvailable('e2e: accessibility with axe on every route (#21)');
/** A crawl of many routes (each settles, then axe runs) on a 2-core machine running the other half beside it. */
const CRAWL_TIMEOUT = 240_000;

/**
 * The a11y crawl, half two (#21, split for #20 so the e2e project's two workers run both halves at once): the live
 * room, tutors and staff. a11y-learners.e2e.test.ts has visitors, students and guardians. Every request the pages make
 * is watched: one that leaves our origin fails the test (issue #20, no third parties).
 */
describe.skipIf(!canRun)('accessibility and no third parties: the room, tutors and staff at 360 px (#21, #20)', () => {
  const world = useA11yWorld();

  it('the live room in a call: call controls, board tools, the More menu, the chat and the question', async () => {
    const { ctx, proxy } = world();
    const findings: Finding[] = [];
    await openRoom(ctx.tutor.page, ctx.sessionId);
    await openRoom(ctx.student.page, ctx.sessionId);
    const room = ctx.student.page;
    await room.waitForFunction(() => Boolean(window.__tutorlineBoard), undefined, { timeout: 30_000 });
    await settle(room);
    findings.push(...(await axeFindings(room, 'student room (board)')));
    await room.getByTestId('btn-more').click();
    await room.getByTestId('call-menu').waitFor();
    findings.push(...(await axeFindings(room, 'student room (More menu)')));
    // Reduced motion: off by default here, on from the More menu (a menuitemcheckbox), and then nothing in the room animates.
    const roomSection = room.getByTestId('room');
    expect(await roomSection.getAttribute('data-reduced-motion')).toBe('false');
    const motion = room.getByTestId('btn-reduced-motion');
    expect(await motion.getAttribute('role')).toBe('menuitemcheckbox');
    expect(await motion.getAttribute('aria-checked')).toBe('false');
    await motion.click();
    await expect.poll(() => roomSection.getAttribute('data-reduced-motion')).toBe('true');
    const durations = await room.evaluate(() => Array.from(document.querySelectorAll('.room *')).map((el) => getComputedStyle(el).transitionDuration.split(',').concat(getComputedStyle(el).animationDuration.split(','))).flat());
    expect(durations.every((d) => parseFloat(d) <= 0.0001)).toBe(true);
    await room.getByTestId('btn-more').click();
    expect(await room.getByTestId('btn-reduced-motion').getAttribute('aria-checked')).toBe('true');
    await room.keyboard.press('Escape');
    // The system's setting is the default: the tutor's browser asks for reduced motion and has not chosen in the room.
    await ctx.tutor.page.emulateMedia({ reducedMotion: 'reduce' });
    await expect.poll(() => ctx.tutor.page.getByTestId('room').getAttribute('data-reduced-motion')).toBe('true');

    // Live regions: the room's status region is there before anything goes wrong, and says "Reconnecting…" when the
    // tutor's connection drops; a message that arrives while the chat is not on screen is announced.
    const tutorRoom = ctx.tutor.page;
    const statusRegion = tutorRoom.locator('[data-testid="room-status-region"][role="status"]');
    await statusRegion.waitFor({ state: 'attached' });
    expect(await statusRegion.textContent()).toBe('');
    const cut = proxy.cut(4_000);
    await expect.poll(() => statusRegion.textContent(), { timeout: 5_000 }).toContain('Reconnecting…');
    await cut;
    await expect.poll(() => statusRegion.textContent(), { timeout: 20_000 }).toBe('');
    await tutorRoom.getByTestId('tab-chat').click();
    await tutorRoom.getByLabel('Message').fill('Try x = 5');
    await tutorRoom.keyboard.press('Enter');
    const announcer = room.locator('[data-testid="announcer"][role="status"]');
    await expect.poll(() => announcer.textContent(), { timeout: 10_000 }).toBe(`${ctx.tutorMe.displayName} wrote: Try x = 5`);
    expect(await room.locator('.chat-list').getAttribute('aria-live')).toBe('polite');

    await room.getByTestId('tab-chat').click();
    await room.getByLabel('Message').fill('Hello');
    await room.keyboard.press('Enter');
    await room.locator('.chat-list li', { hasText: 'Hello' }).first().waitFor();
    findings.push(...(await axeFindings(room, 'student room (chat)')));
    await ctx.tutor.page.getByTestId('tab-question').click();
    findings.push(...(await axeFindings(ctx.tutor.page, 'tutor room (question)')));
    expectNoFindings(findings);
  });

  it('tutor', async () => {
    const { ctx } = world();
    const paths = ['/tutor', '/tutor/availability', '/tutor/application', '/tutor/classes', '/tutor/earnings', '/lessons', '/settings', '/support'];
    expectNoFindings(await checkAll(ctx.tutor.page, paths, 'tutor'));
  }, CRAWL_TIMEOUT);

  it('admin (holds every staff role: the ops, support and finance pages)', async () => {
    const { browser, server, ctx } = world();
    const admin = await logInAt360(browser, server.baseUrl, 'admin@tutorline.test');
    const paths = [
      '/admin',
      '/ops',
      '/admin/staff',
      '/admin/billing',
      '/admin/lti',
      '/admin/support',
      `/admin/support/${MISSING}`,
      '/admin/people',
      `/admin/people/${ctx.studentMe.id}`,
      `/admin/sessions/${ctx.sessionId}`,
      `/admin/tutors/${ctx.tutorMe.id}`,
      '/admin/onboarding',
      `/admin/onboarding/${MISSING}`,
      '/admin/safety',
      `/admin/safety/${MISSING}`,
      `/admin/check/${MISSING}`,
    ];
    const findings = await checkAll(admin.page, paths, 'admin');
    await admin.context.close();
    expectNoFindings(findings);
  }, CRAWL_TIMEOUT);
});
