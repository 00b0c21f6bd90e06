import { describe, expect, it } from 'vitest';
import { chromiumAvailable, logIn, screenshotPath, useServerAndBrowser } from './harness';
import { applyAsTutor, approveMathsOnly } from './journey-steps';

const canRun = chromiumAvailable('e2e: a tutor applies with two documents; ops approve maths');

describe.skipIf(!canRun)('onboarding: a tutor applies on a phone, ops approve maths only at a desk', () => {
  const env = useServerAndBrowser();

  it('fills the application with two documents at 390 px, sends it, and sees maths approved after ops decide', async () => {
    const baseUrl = env.server().baseUrl;
    const applicant = await applyAsTutor(env.browser(), baseUrl, 'Asha Applicant', true);
    const page = applicant.page;

    // Ops (the demo admin holds every staff role) at a desk: documents beside the answers, maths approved only.
    const admin = await logIn(env.browser(), baseUrl, 'admin@tutorline.test');
    await approveMathsOnly(admin.page, 'Asha Applicant', true);

    await page.reload();
    await expect.poll(() => page.getByTestId('application-status').textContent()).toContain('Approved');
    const subjects = await page.getByTestId('application-subjects').textContent();
    expect(subjects).toContain('Mathematics · Grade 9–10Approved');
    expect(subjects).toContain('Physics · Grade 11–12Not approved');
    await page.screenshot({ path: screenshotPath('onboarding-approved-390x844'), fullPage: true });
    await applicant.close();
    await admin.context.close();
  });
});
