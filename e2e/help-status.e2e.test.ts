import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, logIn, screenshotPath, useServerAndBrowser } from './harness';
import { goOnline } from './room-helpers';

const canRun = chromiumAvailable('e2e: what can be asked, a tutor busy in a session, and an admin ending it');

const switchState = (page: Page) => page.locator('.switch-state').textContent();

describe.skipIf(!canRun)('instant help: answerable subjects, the tutor’s busy status, ending a stuck session', () => {
  const env = useServerAndBrowser();

  it('offers only what a tutor teaches; the tutor home says "In a session" live; an admin ends the session with a reason and the home follows', async () => {
    const baseUrl = env.server().baseUrl;

    // No demo tutor teaches Hindi: the ask form does not offer it, and says so plainly when the student came for it.
    const student = await logIn(env.browser(), baseUrl, 'student05@tutorline.test');
    await student.page.goto('/student/ask?subject=hindi&level=grade-9-10');
    const notYet = student.page.getByTestId('not-yet-taught');
    await expect.poll(() => notYet.textContent()).toContain('No tutor teaches Hindi (Grade 9–10) for instant help yet');
    const options = await student.page.getByTestId('ask-subject').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toContain('maths');
    expect(options).not.toContain('hindi');
    await student.page.screenshot({ path: screenshotPath('ask-not-yet-taught-390x844') });

    // tutor08 teaches maths grade 9-10 in the demo data.
    const tutor = await logIn(env.browser(), baseUrl, 'tutor08@tutorline.test');
    await goOnline(tutor.page);
    await expect.poll(() => switchState(tutor.page)).toBe('Online: questions come to you');

    const headers = { origin: baseUrl };
    const photo = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#f4f1e8' } }).jpeg().toBuffer();
    const up = await student.page.request.post('/api/help/photos', { headers, multipart: { file: { name: 'q.jpg', mimeType: 'image/jpeg', buffer: photo } } });
    expect(up.status()).toBe(201);
    const asked = await student.page.request.post('/api/help/questions', {
      headers,
      data: { requestId: crypto.randomUUID(), subjectId: 'maths', level: 'grade-9-10', photoIds: [((await up.json()) as { photoId: string }).photoId] },
    });
    expect(asked.status()).toBe(201);
    const questionId = ((await asked.json()) as { id: string }).id;
    await tutor.page.locator(`[data-testid="feed-item"][data-question-id="${questionId}"]`).waitFor({ timeout: 20_000 });
    const accepted = await tutor.page.request.post(`/api/help/questions/${questionId}/accept`, { headers });
    expect(accepted.status()).toBe(200);
    const sessionId = ((await accepted.json()) as { sessionId: string }).sessionId;

    // The tutor's home, never reloaded, says what is true.
    await expect.poll(() => switchState(tutor.page)).toBe('In a session: questions paused');
    await tutor.page.getByTestId('in-session').getByRole('link', { name: 'Back to the session' }).waitFor();
    await tutor.page.screenshot({ path: screenshotPath('tutor-home-in-session-390x844') });

    // Ops ends it from the admin home, saying why.
    const admin = await logIn(env.browser(), baseUrl, 'admin@tutorline.test');
    await admin.page.goto('/admin');
    const row = admin.page.locator(`[data-testid="admin-session-row"][data-session-id="${sessionId}"]`);
    await row.waitFor();
    await row.getByTestId('end-session').click();
    await row.getByTestId('end-session-confirm').click();
    await expect.poll(() => row.locator('.field-error, [role="alert"]').first().textContent()).toMatch(/Reason needs a few words saying why/);
    await row.getByTestId('end-session-reason').fill('Both left the room; ending it for the tutor');
    await admin.page.screenshot({ path: screenshotPath('admin-open-sessions-390x844') });
    await row.getByTestId('end-session-confirm').click();
    await row.waitFor({ state: 'detached' });

    await expect.poll(() => switchState(tutor.page)).toBe('Online: questions come to you');
    expect(await tutor.page.getByTestId('in-session').count()).toBe(0);

    for (const c of [student, tutor, admin]) await c.context.close();
  });
});
