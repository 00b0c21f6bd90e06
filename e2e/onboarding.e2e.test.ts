import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, logIn, phone, screenshotPath, useServerAndBrowser } from './harness';

const canRun = chromiumAvailable('e2e: a tutor applies with two documents; ops approve maths');

/** A one-page PDF with nothing active in it, as a scanner or "print to PDF" makes. */
function degreePdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  const body = objects.map((o, i) => `${i + 1} 0 obj\n${o}\nendobj\n`).join('');
  return Buffer.from(`%PDF-1.7\n${body}trailer\n<< /Root 1 0 R /Size 4 >>\nstartxref\n0\n%%EOF\n`, 'latin1');
}

describe.skipIf(!canRun)('onboarding: a tutor applies on a phone, ops approve maths only at a desk', () => {
  const env = useServerAndBrowser();

  it('fills the application with two documents at 390 px, sends it, and sees maths approved after ops decide', async () => {
    const baseUrl = env.server().baseUrl;
    const context = await env.browser().newContext({ viewport: phone, baseURL: baseUrl });
    const page = await context.newPage();
    const email = `applicant${Date.now().toString(36)}@example.test`;
    await page.goto('/signup');
    const signup = await page.request.post('/api/auth/signup', {
      headers: { origin: baseUrl },
      data: { role: 'tutor', email, password: 'correct horse battery staple', displayName: 'Asha Applicant' },
    });
    expect(signup.status()).toBe(201);

    await page.goto('/tutor');
    await page.getByTestId('application-link').click();
    await page.getByTestId('tutor-application').waitFor();
    await page.getByLabel('Profile').fill('I teach school maths and physics in Pune, with worked examples and short quizzes.');
    await page.getByLabel('Languages you teach in').fill('English, Marathi');
    for (const [subject, level] of [
      ['Mathematics', 'Grade 9–10'],
      ['Physics', 'Grade 11–12'],
    ]) {
      await page.getByLabel('Subject', { exact: true }).selectOption({ label: subject });
      await page.getByLabel('Level', { exact: true }).selectOption({ label: level });
      await page.getByRole('button', { name: 'Add subject' }).click();
    }
    await page.getByLabel('Sample answer for Mathematics').fill('To solve 2x + 3 = 7, subtract 3 from both sides to get 2x = 4, then divide by 2: x = 2.');
    await page.getByLabel('Sample answer for Physics').fill('A ball dropped from rest falls 4.9 m in the first second, because s = ½gt² with g = 9.8 m/s².');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.getByTestId('application-missing').textContent()).toContain('An ID document');

    const idPhoto = await sharp({ create: { width: 800, height: 500, channels: 3, background: '#d8e4f0' } }).jpeg().toBuffer();
    await page.getByLabel('ID document').setInputFiles({ name: 'aadhaar.jpg', mimeType: 'image/jpeg', buffer: idPhoto });
    await page.getByTestId('slot-id_document').getByRole('link', { name: 'aadhaar.jpg' }).waitFor();
    await page.getByLabel('Proof of qualification').setInputFiles({ name: 'degree.pdf', mimeType: 'application/pdf', buffer: degreePdf() });
    await page.getByTestId('slot-qualification').getByRole('link', { name: 'degree.pdf' }).waitFor();
    await page.screenshot({ path: screenshotPath('onboarding-application-390x844'), fullPage: true });
    await page.getByRole('button', { name: 'Send my application' }).click();
    await expect.poll(() => page.getByTestId('application-status').textContent()).toContain('Sent: waiting for review');

    // Ops (the demo admin holds every staff role) at a desk: documents beside the answers, maths approved only.
    const admin = await logIn(env.browser(), baseUrl, 'admin@tutorline.test');
    await admin.page.setViewportSize({ width: 1280, height: 900 });
    await admin.page.goto('/admin/onboarding');
    await admin.page.getByTestId('application-row').filter({ hasText: 'Asha Applicant' }).getByRole('link').click();
    await admin.page.getByRole('button', { name: 'Start review' }).click();
    await expect.poll(() => admin.page.getByTestId('admin-application-status').textContent()).toBe('Under review');
    await admin.page.getByTestId('review-documents').locator('img').first().waitFor();
    expect(await admin.page.getByTestId('review-documents').locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    await admin.page.getByLabel(/Approve Mathematics/).check();
    await admin.page.getByLabel(/^Reason/).fill('Clear maths answer; the physics answer needs units explained.');
    await admin.page.screenshot({ path: screenshotPath('onboarding-review-1280x900'), fullPage: true });
    await admin.page.getByRole('button', { name: 'Approve 1 selected' }).click();
    await expect.poll(() => admin.page.getByTestId('admin-application-status').textContent()).toBe('Approved');

    await page.reload();
    await expect.poll(() => page.getByTestId('application-status').textContent()).toContain('Approved');
    const subjects = await page.getByTestId('application-subjects').textContent();
    expect(subjects).toContain('Mathematics · Grade 9–10Approved');
    expect(subjects).toContain('Physics · Grade 11–12Not approved');
    await page.screenshot({ path: screenshotPath('onboarding-approved-390x844'), fullPage: true });
    await context.close();
    await admin.context.close();
  });
});
