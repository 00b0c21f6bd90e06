import type { Me } from '@tutorline/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeFindings, checkRoute, describeFindings, type Finding, logInAt360, settle, smallPhone } from './a11y-helpers';
import { chromiumAvailable, launchBrowser, type RunningServer, startServer } from './harness';
import { claimedSession, openRoom } from './room-helpers';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

const canRun = chromiumAvailable('e2e: accessibility with axe on every route (#21)');
const GUARDIAN_WA = '919700000321';
/** An id nothing has: a page for a missing object shows its not-found state, which is checked too. */
const MISSING = '00000000-0000-4000-8000-000000000000';

const origin = (page: Page) => ({ origin: new URL(page.url()).origin });
const me = async (page: Page) => (await (await page.request.get('/api/me', { headers: origin(page) })).json()) as Me;

async function simulatorThread(baseUrl: string, number: string): Promise<string> {
  const res = await fetch(`${baseUrl}/dev/whatsapp/api/thread?number=${number}`);
  return res.ok ? JSON.stringify(((await res.json()) as { messages: unknown[] }).messages) : '';
}

describe.skipIf(!canRun)('accessibility: every route for every role at 360 px, axe finds nothing serious or critical (#21)', () => {
  let proxy: TcpProxy | undefined;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const env = { server: () => server!, browser: () => browser! };

  let ctx: Awaited<ReturnType<typeof claimedSession>> & { studentMe: Me; tutorMe: Me; classId: string };
  const expectNone = (findings: Finding[]) => expect(findings, `axe found serious or critical violations:\n${describeFindings(findings)}`).toEqual([]);
  const checkAll = async (page: Page, paths: string[], who: string) => {
    const findings: Finding[] = [];
    for (const path of paths) findings.push(...(await checkRoute(page, path, who)));
    return findings;
  };

  beforeAll(async () => {
    // The tutor's pages go through a proxy the test can cut ("Reconnecting…"); its origin must be accepted.
    proxy = await startTcpProxy();
    // Development: the WhatsApp simulator carries the guardian's invite, and its page is a route too.
    server = await startServer({ NODE_ENV: 'development', WHATSAPP_PROVIDER: 'simulator', BILLING_ENFORCE_ENTITLEMENTS: 'false', ALLOWED_ORIGINS: proxy.baseUrl });
    proxy.setTarget(Number(new URL(server.baseUrl).port));
    browser = await launchBrowser();
    // A session between a student and a tutor (through the API), so the room and the question have real pages.
    const session = await claimedSession(browser, server.baseUrl, 'student15@tutorline.test', 'tutor08@tutorline.test', { tutorBaseUrl: proxy.baseUrl });
    await session.student.page.setViewportSize(smallPhone);
    await session.tutor.page.setViewportSize(smallPhone);
    const classes = (await (await session.student.page.request.get('/api/classes', { headers: origin(session.student.page) })).json()) as { classes: { id: string }[] };
    ctx = { ...session, studentMe: await me(session.student.page), tutorMe: await me(session.tutor.page), classId: classes.classes[0]?.id ?? MISSING };
  });
  afterAll(async () => {
    await ctx?.student.context.close();
    await ctx?.tutor.context.close();
    await browser?.close();
    await proxy?.close();
    await server?.stop();
  });

  it('the live room in a call: call controls, board tools, the More menu, the chat and the question', async () => {
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
    const cut = proxy!.cut(4_000);
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
    expectNone(findings);
  });

  it('logged out', async () => {
    const visitor = await env.browser().newContext({ viewport: smallPhone, baseURL: env.server().baseUrl, serviceWorkers: 'block' });
    const page = await visitor.newPage();
    const paths = ['/', '/login', '/signup', '/check', '/offline', '/tutors', `/tutors/${ctx.tutorMe.id}`, '/classes', '/guardian/invite', '/no-such-page', '/dev/whatsapp'];
    const findings = await checkAll(page, paths, 'visitor');
    await visitor.close();
    expectNone(findings);
  });

  it('student (an adult in the demo data)', async () => {
    const paths = [
      '/student',
      '/student/ask',
      `/student/questions/${ctx.questionId}`,
      `/student/questions/${MISSING}`,
      '/tutors',
      `/tutors/${ctx.tutorMe.id}`,
      '/lessons',
      '/lessons/paid',
      '/classes',
      `/classes/${ctx.classId}`,
      '/billing',
      '/billing/return',
      '/courses',
      `/recordings/${MISSING}`,
      '/settings',
      '/settings/blocked',
      '/support',
      `/support/${MISSING}`,
    ];
    expectNone(await checkAll(ctx.student.page, paths, 'student'));
  });

  it('tutor', async () => {
    const paths = ['/tutor', '/tutor/availability', '/tutor/application', '/tutor/classes', '/tutor/earnings', '/lessons', '/settings', '/support'];
    expectNone(await checkAll(ctx.tutor.page, paths, 'tutor'));
  });

  it('admin (holds every staff role: the ops, support and finance pages)', async () => {
    const admin = await logInAt360(env.browser(), env.server().baseUrl, 'admin@tutorline.test');
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
    expectNone(findings);
  });

  it('guardian: the invite (logged out), then their home and settings', async () => {
    const baseUrl = env.server().baseUrl;
    // A 15-year-old in India signs up with a guardian's WhatsApp number; the guardian opens the invite.
    const child = await env.browser().newContext({ baseURL: baseUrl });
    const signedUp = await child.request.post('/api/auth/signup', {
      headers: { origin: baseUrl },
      data: { role: 'student', email: `child-${Date.now()}@example.test`, password: 'purple elephant river lamp', displayName: 'Ashalata', birthDate: `${new Date().getUTCFullYear() - 15}-01-15`, country: 'IN', guardianContact: `+${GUARDIAN_WA}` },
    });
    expect(signedUp.status()).toBe(201);
    await child.close();
    await expect.poll(() => simulatorThread(baseUrl, GUARDIAN_WA), { timeout: 15_000 }).toContain('/guardian/invite#');
    const token = /\/guardian\/invite#([A-Za-z0-9_-]+)/.exec(await simulatorThread(baseUrl, GUARDIAN_WA))![1]!;
    const context = await env.browser().newContext({ viewport: smallPhone, baseURL: baseUrl, serviceWorkers: 'block' });
    const page = await context.newPage();
    const findings = await checkAll(page, [`/guardian/invite#${token}`], 'visitor');
    await page.getByLabel('Your name').fill('Meera Iyer');
    await page.getByLabel('Email').fill(`meera-${Date.now()}@example.test`);
    await page.getByLabel('Password').fill('quiet harbour maple seven');
    await page.getByRole('button', { name: 'Create account and continue' }).click();
    await page.waitForURL(/\/guardian$/);
    findings.push(...(await checkAll(page, ['/guardian', '/settings'], 'guardian')));
    await context.close();
    expectNone(findings);
  });
});
