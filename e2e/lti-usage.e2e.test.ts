import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, logIn, phone, type RunningServer, screenshotPath, startServer } from './harness';
import { goOnline } from './room-helpers';

const canRun = chromiumAvailable('e2e: LTI usage report');

/** The learner's count of one kind (Sessions, Lessons, Classes) in the usage report. */
const countOf = (page: Page, learner: string, what: string) =>
  page.getByTestId('lti-usage-learner').filter({ hasText: learner }).locator('dt', { hasText: what }).locator('xpath=following-sibling::dd[1]').textContent();

/**
 * Issue #16: a student and then the teacher launch from the simulated LMS course (/dev/lms, development); the teacher's
 * course view fetches the roster through NRPS and shows the learners' usage, at phone width (360 px). Then the
 * instant-help path (decision 076): the teacher places "Instant help", a student opens it and asks with the course,
 * a tutor answers, and the usage report counts that session under the course; a question asked outside it does not.
 */
describe.skipIf(!canRun)('the course usage report in Chromium', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  // A development server (the simulator registers itself as a platform) takes longer to start on a loaded machine.
  beforeAll(async () => {
    // Demo data for a tutor who teaches maths (tutor08); asking needs no plan here. No cooldown: the same tutor answers two
    // questions in a row, and with the default 20 s one the second reached them only at a later wave (a CI failure).
    server = await startServer({ NODE_ENV: 'development', SEED_DEMO: 'true', LTI_SIMULATOR: 'true', BILLING_PROVIDER: 'none', BILLING_ENFORCE_ENTITLEMENTS: 'false', HELP_COOLDOWN_SECONDS: '0' });
    browser = await launchBrowser();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const env = { browser: () => browser!, server: () => server! };

  it('the teacher sees every learner on the roster, the one who launched marked as such', async () => {
    const narrow = { width: 360, height: 780 };
    const student = await env.browser().newContext({ viewport: narrow, baseURL: env.server().baseUrl });
    const sp = await student.newPage();
    await sp.goto('/dev/lms');
    await sp.getByTestId('lms-launch-canvas-student-1').click();
    // A first launch asks whether the person already has a Tutorline account (decision 057): a new one here.
    await sp.getByTestId('lti-continue-new').click();
    await sp.waitForURL(/\/courses\/[0-9a-f-]+$/);
    await student.close();

    const teacher = await env.browser().newContext({ viewport: narrow, baseURL: env.server().baseUrl });
    const page = await teacher.newPage();
    await page.goto('/dev/lms');
    await page.getByTestId('lms-launch-canvas-teacher-1').click();
    await page.getByTestId('lti-continue-new').click();
    await page.waitForURL(/\/courses\/[0-9a-f-]+$/);
    await page.getByTestId('lti-usage').waitFor();
    const learners = page.getByTestId('lti-usage-learner');
    await expect(learners.count()).resolves.toBe(3);
    await expect(learners.nth(0).textContent()).resolves.toContain('Asha Learner');
    await expect(learners.nth(1).textContent()).resolves.toContain('Not opened Tutorline yet');
    // Nothing is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: screenshotPath('lti-usage-360'), fullPage: true });
    const csv = await page.request.get(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href').then((h) => h!));
    expect(csv.status()).toBe(200);
    expect((await csv.text()).split('\r\n')[0]).toContain('learner,lti_user_id,verb');
    await teacher.close();
  });

  it('"Instant help" from the course: the question carries the course, and the report counts its session there only', async () => {
    const baseUrl = env.server().baseUrl;
    const tutor = await logIn(env.browser(), baseUrl, 'tutor08@tutorline.test');
    await goOnline(tutor.page);

    // The teacher places "Instant help" for maths.
    const teacher = await env.browser().newContext({ viewport: phone, baseURL: baseUrl });
    const tp = await teacher.newPage();
    await tp.goto('/dev/lms');
    await tp.getByTestId('lms-deeplink-canvas-teacher-1').click();
    const instant = tp.locator('form[data-kind="instant"]');
    await instant.getByTestId('dl-instant-subject').selectOption('maths');
    await instant.getByTestId('dl-add-instant').click();
    await tp.getByTestId('lms-placed-count').waitFor();

    // Ben opens it from the course and lands on the ask page with the subject and the course.
    const student = await env.browser().newContext({ viewport: phone, baseURL: baseUrl });
    const sp = await student.newPage();
    await sp.goto('/dev/lms');
    await sp.getByTestId('lms-item-canvas-0-student-2').click();
    await sp.getByTestId('lti-continue-new').click();
    await sp.waitForURL(/\/student\/ask\?subject=maths&course=[0-9a-f-]{36}$/);
    const courseId = new URL(sp.url()).searchParams.get('course')!;
    await sp.getByTestId('ask-course').waitFor();
    // The link's subject is set on the form.
    await expect.poll(() => sp.getByTestId('ask-subject').inputValue()).toBe('maths');
    const photo = await sharp({ create: { width: 600, height: 800, channels: 3, background: '#f4f1e8' } }).jpeg().toBuffer();
    const askWith = async (page: Page) => {
      await page.getByTestId('photo-input').setInputFiles({ name: 'question.jpg', mimeType: 'image/jpeg', buffer: photo });
      await page.getByTestId('photo-preview').first().waitFor();
      await page.getByTestId('ask-subject').selectOption('maths');
      await page.getByTestId('ask-level').selectOption('grade-9-10');
      const sent = page.waitForRequest((r) => r.url().endsWith('/api/help/questions') && r.method() === 'POST');
      await page.getByTestId('ask-submit').click();
      const body = (await sent).postDataJSON() as { course?: string };
      await page.waitForURL(/\/student\/questions\/[0-9a-f-]+$/);
      return { questionId: page.url().split('/').pop()!, body };
    };
    expect(await sp.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await sp.screenshot({ path: screenshotPath('lti-instant-ask-390'), fullPage: true });
    const inCourse = await askWith(sp);
    expect(inCourse.body.course).toBe(courseId);

    // The tutor takes it, and both are in the session; then the tutor marks it answered.
    const answer = async (questionId: string) => {
      const item = tutor.page.locator(`[data-testid="feed-item"][data-question-id="${questionId}"]`);
      await item.waitFor({ timeout: 20_000 });
      await item.getByTestId('accept-question').click();
      await tutor.page.waitForURL(/\/session\/[0-9a-f-]+$/);
      const done = await tutor.page.request.post(`/api/help/questions/${questionId}/answered`, { headers: { origin: baseUrl } });
      expect(done.status(), await done.text()).toBe(200);
      await tutor.page.goto('/tutor');
      await tutor.page.getByTestId('tutor-feed').waitFor();
    };
    await answer(inCourse.questionId);

    // A second question, asked from the plain ask page (no course), is answered too, and counts nowhere in the course.
    await sp.goto('/student/ask');
    expect(await sp.getByTestId('ask-course').count()).toBe(0);
    const outside = await askWith(sp);
    expect(outside.body.course).toBeUndefined();
    await answer(outside.questionId);

    // The teacher's report: Ben has one session (the course's), Asha none.
    await tp.goto('/dev/lms');
    await tp.getByTestId('lms-launch-canvas-teacher-1').click();
    await tp.waitForURL(new RegExp(`/courses/${courseId}$`));
    await tp.getByTestId('lti-usage').waitFor();
    await expect.poll(() => countOf(tp, 'Ben Learner', 'Sessions')).toBe('1');
    expect(await countOf(tp, 'Asha Learner', 'Sessions')).toBe('0');
    const csv = await tp.request.get(`/api/lti/courses/${courseId}/activities.csv`, { headers: { origin: baseUrl } });
    const rows = (await csv.text()).trim().split('\r\n').slice(1);
    expect(rows.filter((r) => r.split(',')[3] === 'session')).toHaveLength(1);
    await tp.screenshot({ path: screenshotPath('lti-instant-usage-390'), fullPage: true });
    for (const c of [student, teacher, tutor.context]) await c.close();
  });
});
