import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, logIn, screenshotPath, useServerAndBrowser } from './harness';
import { answerTicket, applyAsTutor, approveMathsOnly, askMathsQuestion, openTicketFromQueue, reportProblemAfterCall } from './journey-steps';
import { enterRoom, goOnline } from './room-helpers';

const canRun = chromiumAvailable('e2e: the operations journey, from application to audit log (#18)');
const NAME = 'Ravi Newtutor';

const figure = (page: Page, testId: string) => page.getByTestId(testId).locator('.ops-figure-value');
/** The dashboard's "Demand and tutors by subject" row for maths, as its table view and CSV have it. */
async function mathsSupply(ops: Page): Promise<{ open: number; online: number; free: number } | null> {
  const summary = (await (await ops.request.get('/api/ops/summary')).json()) as { help: { openBySubject: { subjectId: string; open: number; tutorsOnline: number; tutorsFree: number }[] } };
  const row = summary.help.openBySubject.find((o) => o.subjectId === 'maths');
  return row ? { open: row.open, online: row.tutorsOnline, free: row.tutorsFree } : null;
}

describe.skipIf(!canRun)('operations end to end: a new tutor is approved, claims, the dashboard moves, support answers, the audit log shows it', () => {
  // Every eligible online tutor hears of a question in the first wave, so the new tutor is among them.
  const env = useServerAndBrowser({ HELP_FIRST_WAVE: '1000' });

  it('walks the five steps of #18 in one journey', async () => {
    const baseUrl = env.server().baseUrl;
    const browser = env.browser();

    // (1) A new tutor applies with an ID photo and a degree PDF; ops approve maths only.
    // The applicant is on a phone (390 px), ops at a desk with the documents beside the answers.
    const tutor = await applyAsTutor(browser, baseUrl, NAME, true);
    const ops = await logIn(browser, baseUrl, 'ops@tutorline.test');
    const applicationId = await approveMathsOnly(ops.page, NAME, true);
    await tutor.page.reload();
    await expect.poll(() => tutor.page.getByTestId('application-status').textContent()).toContain('Approved');
    const subjects = await tutor.page.getByTestId('application-subjects').textContent();
    expect(subjects).toContain('Mathematics · Grade 9–10Approved');
    expect(subjects).toContain('Physics · Grade 11–12Not approved');
    await tutor.page.screenshot({ path: screenshotPath('onboarding-approved-390x844'), fullPage: true });

    // Money is not ops': no Billing in their bar, and the page says whose it is instead of failing.
    await ops.page.goto('/admin/billing');
    await ops.page.getByTestId('admin-billing-refused').waitFor();
    expect(await ops.page.getByTestId('app-nav').textContent()).not.toContain('Billing');

    // The dashboard, open at a desk before anything happens; it must change in place from here on (no reload).
    await ops.page.goto('/ops');
    const open = figure(ops.page, 'ops-open');
    await open.waitFor();
    await expect.poll(() => ops.page.getByTestId('ops-status').textContent()).toMatch(/^Live/);
    const openBefore = Number(await open.textContent());
    expect(await figure(ops.page, 'ops-claim-p50').textContent()).toBe('–');

    // (2) The new tutor goes online, a student asks a maths question, the tutor receives it and claims it.
    await tutor.page.goto('/tutor');
    await goOnline(tutor.page);
    await expect.poll(async () => (await mathsSupply(ops.page))?.free ?? 0).toBeGreaterThanOrEqual(1);
    const supplyBefore = (await mathsSupply(ops.page))!;
    const student = await logIn(browser, baseUrl, 'student05@tutorline.test');
    const questionId = await askMathsQuestion(student.page);

    // (3) The tiles move live: open questions +1 …
    await expect.poll(async () => Number(await open.textContent()), { timeout: 15_000 }).toBe(openBefore + 1);
    const item = tutor.page.locator(`[data-testid="feed-item"][data-question-id="${questionId}"]`);
    await item.waitFor({ timeout: 20_000 });
    await item.getByTestId('accept-question').click();
    await tutor.page.waitForURL(/\/session\/[0-9a-f-]+$/);
    const sessionId = tutor.page.url().split('/').pop()!;
    // … then −1, and a claim time appears; the new tutor is now busy, so one fewer maths tutor is free.
    await expect.poll(async () => Number(await open.textContent()), { timeout: 15_000 }).toBe(openBefore);
    await expect.poll(() => figure(ops.page, 'ops-claim-p50').textContent(), { timeout: 15_000 }).not.toBe('–');
    expect(await mathsSupply(ops.page)).toMatchObject({ online: supplyBefore.online, free: supplyBefore.free - 1 });
    const subjectChart = ops.page.getByTestId('chart-open-by-subject');
    await subjectChart.getByRole('button', { name: 'Table' }).click();
    await expect.poll(() => subjectChart.locator('thead').textContent()).toContain('tutors free');
    await ops.page.getByTestId('ops-node').first().waitFor();
    await ops.page.setViewportSize({ width: 1280, height: 900 });
    await ops.page.screenshot({ path: screenshotPath('ops-journey-1280'), fullPage: true });
    expect(await ops.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await ops.page.setViewportSize({ width: 360, height: 800 });
    await ops.page.screenshot({ path: screenshotPath('ops-journey-360'), fullPage: true });
    expect(await ops.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    // (4) A short call in the room (each browser reports its diagnostics), ended by the tutor; the student reports a
    // problem after it; support finds the ticket, opens the session with its diagnostics, and answers.
    await enterRoom(tutor.page);
    await student.page.goto(`/session/${sessionId}`);
    await enterRoom(student.page);
    // Each browser reports its device a few seconds after the call is set up: the call ends once both reports are in
    // (read as support would), not at a moment that depends on the machine's load.
    const support = await logIn(browser, baseUrl, 'support@tutorline.test');
    const reported = async () => {
      const res = await support.page.request.get(`/api/admin/support/sessions/${sessionId}`);
      const body = (await res.json()) as { sides?: { diagnostics: unknown }[] };
      return (body.sides ?? []).filter((side) => side.diagnostics).length;
    };
    await expect.poll(reported, { timeout: 60_000 }).toBe(2);
    expect((await tutor.page.request.post(`/api/sessions/${sessionId}/end`, { headers: { origin: baseUrl } })).status()).toBe(200);
    const ref = await reportProblemAfterCall(student.page, sessionId, true);

    await support.page.setViewportSize({ width: 1280, height: 800 });
    await openTicketFromQueue(support.page, ref);
    const ticketId = support.page.url().split('/').pop()!;
    await support.page.getByTestId('ticket-session-link').click();
    await support.page.getByTestId('support-session').waitFor();
    await support.page.getByTestId('session-findings').waitFor();
    await expect.poll(() => support.page.getByTestId('session-side-student').textContent()).toContain('Chrome');
    await support.page.screenshot({ path: screenshotPath('ops-journey-session-1280'), fullPage: true });
    await support.page.goBack();
    await support.page.getByTestId('admin-ticket').waitFor();
    await answerTicket(support.page, 'Sorry about the frozen video. Please run the connection check and send us its code.');
    await support.page.screenshot({ path: screenshotPath('admin-ticket-1280x800'), fullPage: true });

    // The student reads the answer on their report.
    await student.page.getByTestId('header-help').click();
    await student.page.getByTestId('my-report').filter({ hasText: ref }).getByRole('link').click();
    await expect.poll(() => student.page.getByTestId('ticket-message').first().textContent()).toContain('run the connection check');
    expect(await student.page.getByTestId('my-report-status').textContent()).toBe('Support replied');
    await student.page.screenshot({ path: screenshotPath('my-report-390x844'), fullPage: true });

    // (5) The audit log shows each staff step: the review started, maths approved with its reason, the answer.
    const admin = await logIn(browser, baseUrl, 'admin@tutorline.test');
    await admin.page.setViewportSize({ width: 1280, height: 900 });
    await admin.page.goto('/admin/staff');
    const rows = admin.page.getByTestId('audit-row');
    const logText = async () => (await rows.allTextContents()).join('\n');
    await expect.poll(logText).toContain(`support.ticket_replied · support_ticket ${ticketId.slice(0, 8)}`);
    const log = await logText();
    expect(log).toContain(`onboarding.start_review · tutor_application ${applicationId.slice(0, 8)}`);
    expect(log).toContain(`onboarding.approve · tutor_application ${applicationId.slice(0, 8)}`);
    expect(log).toContain('Clear maths answer');
    await admin.page.screenshot({ path: screenshotPath('ops-journey-audit-1280'), fullPage: true });

    await tutor.close();
    for (const c of [ops, student, support, admin]) await c.context.close();
  });
});
