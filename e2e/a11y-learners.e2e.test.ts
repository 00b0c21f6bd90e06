import { describe, expect, it } from 'vitest';
import { checkAll, expectNoFindings, MISSING, smallPhone, useA11yWorld } from './a11y-helpers';
import { chromiumAvailable } from './harness';

const canRun = chromiumAvailable('e2e: accessibility with axe on every route (#21)');
const GUARDIAN_WA = '919700000321';
/** A crawl of many routes (each settles, then axe runs) on a 2-core machine running the other half beside it. */
const CRAWL_TIMEOUT = 240_000;

async function simulatorThread(baseUrl: string, number: string): Promise<string> {
  const res = await fetch(`${baseUrl}/dev/whatsapp/api/thread?number=${number}`);
  return res.ok ? JSON.stringify(((await res.json()) as { messages: unknown[] }).messages) : '';
}

/**
 * The a11y crawl, half one (#21, split for #20 so the e2e project's two workers run both halves at once): visitors,
 * students and guardians. a11y-staff.e2e.test.ts has the room, tutors and staff. Every request the pages make is
 * watched: one that leaves our origin fails the test (issue #20, no third parties).
 */
describe.skipIf(!canRun)('accessibility and no third parties: visitors, students and guardians at 360 px (#21, #20)', () => {
  const world = useA11yWorld();

  it('the third-party watch sees a request and a WebSocket that leave our origin (the crawl below relies on it)', async () => {
    const { browser, server } = world();
    const context = await browser.newContext({ baseURL: server.baseUrl, serviceWorkers: 'block' });
    const page = await context.newPage();
    // about:blank has no Content-Security-Policy; our pages' CSP stops these before they leave, so nothing is seen there.
    await page.goto('about:blank');
    await page.evaluate(async () => {
      await fetch('http://fonts.third-party.test/font.css').catch(() => undefined);
      new WebSocket('ws://tracker.third-party.test/live');
    });
    const seen: string[] = [];
    const expected = ['GET http://fonts.third-party.test/font.css', 'WebSocket ws://tracker.third-party.test/live'];
    await expect
      .poll(
        () => {
          seen.push(...world().thirdParties.take());
          return seen;
        },
        { timeout: 5_000 },
      ).toEqual(expect.arrayContaining(expected));
    await context.close();
  });

  it('logged out', async () => {
    const { browser, server, ctx } = world();
    const visitor = await browser.newContext({ viewport: smallPhone, baseURL: server.baseUrl, serviceWorkers: 'block' });
    const page = await visitor.newPage();
    const paths = ['/', '/login', '/signup', '/check', '/offline', '/tutors', `/tutors/${ctx.tutorMe.id}`, '/classes', '/guardian/invite', '/no-such-page', '/dev/whatsapp'];
    const findings = await checkAll(page, paths, 'visitor');
    await visitor.close();
    expectNoFindings(findings);
  }, CRAWL_TIMEOUT);

  it('student (an adult in the demo data)', async () => {
    const { ctx } = world();
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
    expectNoFindings(await checkAll(ctx.student.page, paths, 'student'));
  }, CRAWL_TIMEOUT);

  it('guardian: the invite (logged out), then their home and settings', async () => {
    const { browser, server } = world();
    const baseUrl = server.baseUrl;
    // A 15-year-old in India signs up with a guardian's WhatsApp number; the guardian opens the invite.
    const child = await browser.newContext({ baseURL: baseUrl });
    const signedUp = await child.request.post('/api/auth/signup', {
      headers: { origin: baseUrl },
      data: { role: 'student', email: `child-${Date.now()}@example.test`, password: 'purple elephant river lamp', displayName: 'Ashalata', birthDate: `${new Date().getUTCFullYear() - 15}-01-15`, country: 'IN', guardianContact: `+${GUARDIAN_WA}` },
    });
    expect(signedUp.status()).toBe(201);
    await child.close();
    await expect.poll(() => simulatorThread(baseUrl, GUARDIAN_WA), { timeout: 15_000 }).toContain('/guardian/invite#');
    const token = /\/guardian\/invite#([A-Za-z0-9_-]+)/.exec(await simulatorThread(baseUrl, GUARDIAN_WA))![1]!;
    const context = await browser.newContext({ viewport: smallPhone, baseURL: baseUrl, serviceWorkers: 'block' });
    const page = await context.newPage();
    const findings = await checkAll(page, [`/guardian/invite#${token}`], 'visitor');
    await page.getByLabel('Your name').fill('Meera Iyer');
    await page.getByLabel('Email').fill(`meera-${Date.now()}@example.test`);
    await page.getByLabel('Password').fill('quiet harbour maple seven');
    await page.getByRole('button', { name: 'Create account and continue' }).click();
    await page.waitForURL(/\/guardian$/);
    findings.push(...(await checkAll(page, ['/guardian', '/settings'], 'guardian')));
    await context.close();
    expectNoFindings(findings);
  }, CRAWL_TIMEOUT);
});
