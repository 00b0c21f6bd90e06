import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { listFiles } from '../apps/server/test/help';
import { chromiumAvailable, logIn, screenshotPath, useServerAndBrowser } from './harness';
import { goOnline } from './room-helpers';
import { childLeftNowhere, unzip } from './privacy-checks';

const canRun = chromiumAvailable('e2e: guardian consent (issue #20)');
const narrow = { width: 360, height: 780 };
const GUARDIAN_WA = '919700000123';
/** Distinct enough that, after erasure, finding it anywhere in the database means the child's data was left. */
const CHILD = 'Ashalata';
const DAY = 86_400_000;


/** What the WhatsApp simulator shows for a number, as one text. */
async function simulatorThread(baseUrl: string, number: string): Promise<string> {
  const res = await fetch(`${baseUrl}/dev/whatsapp/api/thread?number=${number}`);
  expect(res.status).toBe(200);
  return JSON.stringify(((await res.json()) as { messages: unknown[] }).messages);
}

const twelveYearsAgo = () => {
  const d = new Date();
  return `${d.getUTCFullYear() - 12}-01-15`;
};

describe.skipIf(!canRun)('guardian consent, export and erasure in Chromium (issue #20, proof steps 1–7)', () => {
  const env = useServerAndBrowser({
    NODE_ENV: 'development',
    WHATSAPP_PROVIDER: 'simulator',
    HELP_WAVE_SECONDS: '2',
    BILLING_ENFORCE_ENTITLEMENTS: 'false',
    // Steps 6–7: the export's signed link, and the grace period passed on the test clock.
    SIGNING_SECRET: 'e2e-guardians-signing-secret-0123456789abcdef',
    CLOCK_CONTROL: 'true',
  });

  it('a 12-year-old in India cannot ask; the guardian consents by WhatsApp code; the child asks and has a session; the guardian sees it, sets a limit that blocks the next booking, exports the child’s data and deletes the account', async () => {
    const baseUrl = env.server().baseUrl;
    const origin = { origin: baseUrl };

    // 1. A 12-year-old signs up in India and cannot ask.
    const childContext = await env.browser().newContext({ viewport: narrow, baseURL: baseUrl, timezoneId: 'Asia/Kolkata' });
    const child = await childContext.newPage();
    await child.goto('/signup');
    await child.getByLabel('Display name').fill(CHILD);
    const childEmail = `ashalata-${Date.now()}@example.test`;
    await child.getByLabel('Email').fill(childEmail);
    await child.getByLabel('Password').fill('purple elephant river lamp');
    await child.getByLabel('Birth date').fill(twelveYearsAgo());
    await child.getByLabel('Country').selectOption('IN');
    await child.getByLabel('Guardian contact').fill(`+${GUARDIAN_WA}`);
    await child.getByRole('button', { name: 'Sign up' }).click();
    await child.waitForURL(/\/student$/);
    await child.goto('/student/ask');
    await child.getByTestId('consent-banner').waitFor();
    const refused = await child.request.post('/api/help/questions', { headers: origin, data: { requestId: crypto.randomUUID(), subjectId: 'maths', level: 'grade-9-10', photoIds: [crypto.randomUUID()] } });
    expect(refused.status()).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('consent_required');

    // 2. The guardian gets the link on WhatsApp (the simulator) and consents with a one-time code.
    await expect.poll(() => simulatorThread(baseUrl, GUARDIAN_WA), { timeout: 15_000 }).toContain('/guardian/invite#');
    const token = /\/guardian\/invite#([A-Za-z0-9_-]+)/.exec(await simulatorThread(baseUrl, GUARDIAN_WA))![1]!;
    const guardianContext = await env.browser().newContext({ viewport: narrow, baseURL: baseUrl, timezoneId: 'Asia/Kolkata' });
    const guardian = await guardianContext.newPage();
    await guardian.goto(`/guardian/invite#${token}`);
    await guardian.getByTestId('guardian-invite').waitFor();
    await guardian.screenshot({ path: screenshotPath('guardian-invite-360'), fullPage: true });
    await guardian.getByLabel('Your name').fill('Meera Iyer');
    await guardian.getByLabel('Email').fill(`meera-${Date.now()}@example.test`);
    await guardian.getByLabel('Password').fill('quiet harbour maple seven');
    await guardian.getByRole('button', { name: 'Create account and continue' }).click();
    await guardian.waitForURL(/\/guardian$/);
    await guardian.getByLabel('Your WhatsApp number').fill(`+${GUARDIAN_WA}`);
    await guardian.getByRole('button', { name: 'Send me a code' }).click();
    await expect.poll(() => simulatorThread(baseUrl, GUARDIAN_WA), { timeout: 15_000 }).toMatch(new RegExp(`consent code for ${CHILD} is \\d{6}`));
    const code = new RegExp(`consent code for ${CHILD} is (\\d{6})`).exec(await simulatorThread(baseUrl, GUARDIAN_WA))![1]!;
    await guardian.getByLabel('Code').fill(code);
    await guardian.getByLabel('Your full name').fill('Meera Iyer');
    await guardian.getByRole('checkbox', { name: /agree to the declaration/ }).check();
    await guardian.screenshot({ path: screenshotPath('guardian-consent-360'), fullPage: true });
    await guardian.getByRole('button', { name: 'Give consent' }).click();
    await expect.poll(() => guardian.getByTestId('guardian-status').textContent()).toContain('Consent given');

    // 3. The child asks and has a session (tutor08 teaches maths 9–10 in the demo data).
    const tutor = await logIn(env.browser(), baseUrl, 'tutor08@tutorline.test');
    await goOnline(tutor.page);
    const filesDir = path.join(env.server().dataDir, 'files');
    const filesBeforeChild = new Set(listFiles(filesDir));
    await child.goto('/student/ask');
    const photo = await sharp({ create: { width: 600, height: 800, channels: 3, background: '#f4f1e8' } }).jpeg().toBuffer();
    await child.getByTestId('photo-input').setInputFiles({ name: 'question.jpg', mimeType: 'image/jpeg', buffer: photo });
    await child.getByTestId('photo-preview').first().waitFor();
    await child.getByTestId('ask-subject').selectOption('maths');
    await child.getByTestId('ask-level').selectOption('grade-9-10');
    await child.getByTestId('ask-submit').click();
    await child.waitForURL(/\/student\/questions\/[0-9a-f-]+$/);
    const questionId = child.url().split('/').pop()!;
    const item = tutor.page.locator(`[data-testid="feed-item"][data-question-id="${questionId}"]`);
    await item.waitFor({ timeout: 20_000 });
    await item.getByTestId('accept-question').click();
    await tutor.page.waitForURL(/\/session\/[0-9a-f-]+$/);
    const sessionId = tutor.page.url().split('/').pop()!;
    await child.waitForURL(new RegExp(`/session/${sessionId}$`), { timeout: 15_000 });
    await child.getByTestId('room').waitFor();
    const ended = await tutor.page.request.post(`/api/sessions/${sessionId}/end`, { headers: origin });
    expect(ended.status()).toBeLessThan(300);

    // 4. The guardian sees it.
    await guardian.reload();
    await guardian.getByTestId('guardian-activity').first().waitFor();
    expect(await guardian.getByTestId('guardian-activity').first().textContent()).toContain('Instant help');

    // 5. The guardian sets a limit that blocks the next booking, with a clear message.
    await guardian.getByLabel('Monthly spending limit (₹)').fill('1');
    await guardian.getByRole('button', { name: 'Save limits' }).click();
    await guardian.getByText('Saved. The new limits apply from now on.').waitFor();
    await guardian.screenshot({ path: screenshotPath('guardian-home-360'), fullPage: true });
    const tutorId = ((await (await tutor.page.request.get('/api/me', { headers: origin })).json()) as { id: string }).id;
    const from = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 9 * 86_400_000).toISOString();
    const slots = (await (await child.request.get(`/api/tutors/${tutorId}/slots?from=${from}&to=${to}&duration=60&zone=Asia/Kolkata`)).json()) as { slots: { start: string }[] };
    expect(slots.slots.length).toBeGreaterThan(0);
    const booked = await child.request.post('/api/bookings', { headers: origin, data: { tutorId, start: slots.slots[0]!.start, durationMinutes: 60, idempotencyKey: crypto.randomUUID() } });
    expect(booked.status()).toBe(403);
    expect(((await booked.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'guardian_limit', message: expect.stringContaining('monthly spending limit your guardian set') });

    // 6. The guardian exports the child's data from settings, downloads the ZIP and finds the photo in it.
    await guardian.goto('/settings');
    const exportCard = guardian.getByTestId('data-export').filter({ hasText: `${CHILD}'s data` });
    await exportCard.getByTestId('data-export-request').click();
    await exportCard.getByTestId('data-export-ready').waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([guardian.waitForEvent('download'), exportCard.getByRole('link', { name: /Download ZIP/ }).click()]);
    const zip = await unzip(fs.readFileSync(await download.path()));
    const [asked] = JSON.parse(zip.get('questions.json')!.toString('utf8')) as { id: string; photos: string[] }[];
    expect(asked!.id).toBe(questionId);
    const photoInZip = zip.get(asked!.photos[0]!);
    expect(photoInZip, [...zip.keys()].join(', ')).toBeDefined();
    expect(await sharp(photoInZip!).metadata()).toMatchObject({ format: 'jpeg' });

    // 7. The guardian asks for deletion: 14 days to change their mind, shown in settings and to the child.
    const erasureCard = guardian.getByTestId('erasure').filter({ hasText: `Delete ${CHILD}'s account` });
    await erasureCard.getByTestId('erasure-request').click();
    await erasureCard.getByTestId('erasure-confirm').click();
    await erasureCard.getByTestId('erasure-pending').waitFor();
    expect(await erasureCard.getByTestId('erasure-pending').textContent()).toContain(`${CHILD}'s account will be deleted`);
    await guardian.screenshot({ path: screenshotPath('guardian-erasure-360'), fullPage: true });
    await child.goto('/student');
    await child.getByTestId('erasure-banner').waitFor();
    expect(await child.getByTestId('erasure-banner').textContent()).toMatch(/Your account will be deleted on/);
    const childFiles = listFiles(filesDir).filter((f) => !filesBeforeChild.has(f));
    // The question photo, its thumbnail and the export's ZIP.
    expect(childFiles.length, childFiles.join(', ')).toBeGreaterThanOrEqual(3);
    // After the grace period on the test clock, the erase job runs: the child is logged out.
    const moved = await fetch(`${baseUrl}/dev/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ at: new Date(Date.now() + 14 * DAY + 60_000).toISOString() }) });
    expect(moved.status).toBe(200);
    await expect.poll(async () => (await child.request.get('/api/me', { headers: origin })).status(), { timeout: 60_000 }).toBe(401);

    await Promise.all([childContext.close(), guardianContext.close(), tutor.context.close()]);
    // Nothing of the child's is left in the database or the files (checked with the server stopped: it owns its folder).
    const left = await childLeftNowhere(env.server(), { strings: [CHILD, childEmail], files: childFiles });
    expect(left).toEqual({ erasure: 'done', mentions: [], files: [] });
  });
});
