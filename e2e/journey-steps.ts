import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { expect } from 'vitest';
import { phone, screenshotPath } from './harness';

/** Steps shared by the onboarding, support and whole-operations journeys (#18), written once. */

/** A one-page PDF with nothing active in it, as a scanner or "print to PDF" makes. */
export function degreePdf(): Buffer {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>'];
  const body = objects.map((o, i) => `${i + 1} 0 obj\n${o}\nendobj\n`).join('');
  return Buffer.from(`%PDF-1.7\n${body}trailer\n<< /Root 1 0 R /Size 4 >>\nstartxref\n0\n%%EOF\n`, 'latin1');
}

/**
 * A new tutor signs up on a phone and sends an application for maths (grade 9–10) and physics (grade 11–12), with an ID
 * photo, a degree PDF and a sample answer each. Resolves with the tutor's page (logged in) once it says it was sent.
 */
export async function applyAsTutor(browser: Browser, baseUrl: string, displayName: string, screenshots = false): Promise<{ page: Page; email: string; password: string; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: phone, baseURL: baseUrl });
  const page = await context.newPage();
  const email = `applicant${Date.now().toString(36)}@example.test`;
  const password = 'correct horse battery staple';
  await page.goto('/signup');
  const signup = await page.request.post('/api/auth/signup', { headers: { origin: baseUrl }, data: { role: 'tutor', email, password, displayName } });
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
  if (screenshots) await page.screenshot({ path: screenshotPath('onboarding-application-390x844'), fullPage: true });
  await page.getByRole('button', { name: 'Send my application' }).click();
  await expect.poll(() => page.getByTestId('application-status').textContent()).toContain('Sent: waiting for review');
  return { page, email, password, close: () => context.close() };
}

/**
 * Ops at a desk open the application by the applicant's name, start the review, check the documents show, and approve
 * maths only with a reason. Resolves with the application's id (from the page's address).
 */
export async function approveMathsOnly(admin: Page, displayName: string, screenshots = false): Promise<string> {
  await admin.setViewportSize({ width: 1280, height: 900 });
  await admin.goto('/admin/onboarding');
  await admin.getByTestId('application-row').filter({ hasText: displayName }).getByRole('link').click();
  await admin.getByRole('button', { name: 'Start review' }).click();
  await expect.poll(() => admin.getByTestId('admin-application-status').textContent()).toBe('Under review');
  await admin.getByTestId('review-documents').locator('img').first().waitFor();
  expect(await admin.getByTestId('review-documents').locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await admin.getByLabel(/Approve Mathematics/).check();
  await admin.getByLabel(/^Reason/).fill('Clear maths answer; the physics answer needs units explained.');
  if (screenshots) await admin.screenshot({ path: screenshotPath('onboarding-review-1280x900'), fullPage: true });
  await admin.getByRole('button', { name: 'Approve 1 selected' }).click();
  await expect.poll(() => admin.getByTestId('admin-application-status').textContent()).toBe('Approved');
  return admin.url().split('/').pop()!.split('?')[0]!;
}

/** A student asks a maths question through the ask form with one photo; resolves with the question's id. */
export async function askMathsQuestion(student: Page): Promise<string> {
  await student.goto('/student/ask');
  const photo = await sharp({ create: { width: 600, height: 800, channels: 3, background: '#f4f1e8' } }).jpeg().toBuffer();
  await student.getByTestId('photo-input').setInputFiles({ name: 'question.jpg', mimeType: 'image/jpeg', buffer: photo });
  await student.getByTestId('photo-preview').first().waitFor();
  await student.getByTestId('ask-subject').selectOption('maths');
  await student.getByTestId('ask-level').selectOption('grade-9-10');
  await student.getByTestId('ask-submit').click();
  await student.waitForURL(/\/student\/questions\/[0-9a-f-]+$/);
  return student.url().split('/').pop()!;
}

/**
 * After the call, the student opens "Report a problem", answers the canned questions by tapping (video, mobile data,
 * worked before) and sends it. Resolves with the ticket's reference (T-XXXXXX).
 */
export async function reportProblemAfterCall(student: Page, sessionId: string, screenshots = false): Promise<string> {
  await student.goto(`/session/${sessionId}`);
  await student.getByTestId('session-ended').waitFor();
  await student.getByTestId('report-problem').click();
  const dialog = student.getByTestId('report-problem-dialog');
  await dialog.waitFor();
  await dialog.getByTestId('report-submit').click();
  await expect.poll(() => dialog.getByTestId('report-missing').textContent()).toContain('what did not work');
  await dialog.getByLabel('Video (I could not see, or it froze)').check();
  await dialog.getByLabel('Mobile data (3G/4G/5G)').check();
  await dialog.getByLabel('Yes, it worked before').check();
  await dialog.getByLabel('What happened?').fill('The video froze after a minute; I could still hear the tutor.');
  // The device was read from the browser (a phone-sized page of a desktop Chromium says computer); keep what it chose.
  expect(await dialog.locator('input[name="device"]:checked').count()).toBe(1);
  if (screenshots) await student.screenshot({ path: screenshotPath('report-problem-390x844'), fullPage: false });
  await dialog.getByTestId('report-submit').click();
  const ref = (await dialog.getByTestId('report-ref').textContent())!;
  expect(ref).toMatch(/^T-[0-9A-Z]{6}$/);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'hidden' });
  return ref;
}

/** Support finds the ticket in the queue by its reference and opens it; the call's summary is on it. */
export async function openTicketFromQueue(admin: Page, ref: string): Promise<void> {
  await admin.goto('/admin/support');
  const row = admin.getByTestId('ticket-row').filter({ hasText: ref });
  await row.waitFor();
  await row.getByRole('link').click();
  await admin.getByTestId('admin-ticket').waitFor();
  // The call's summary ("0 reconnects", "1 reconnect": a real call may have had one).
  await expect.poll(() => admin.getByTestId('ticket-call').textContent()).toMatch(/\d+ reconnects?/);
  expect(await admin.getByTestId('ticket-browser').textContent()).toContain('Chrome');
}

/** Support answers the open ticket; it then waits on the user. */
export async function answerTicket(admin: Page, text: string): Promise<void> {
  await admin.getByLabel('Reply or note').fill(text);
  await admin.getByTestId('ticket-reply').click();
  await expect.poll(() => admin.getByTestId('admin-ticket-status').textContent(), { timeout: 20_000 }).toBe('Waiting on user');
}

