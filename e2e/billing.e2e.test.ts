import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, logIn, phone, screenshotPath, useServerAndBrowser } from './harness';
import { defaultHelpRates } from '../apps/server/src/modules/help/help.rates';
import { goOnline } from './room-helpers';

const canRun = chromiumAvailable('e2e: billing, buy, answer, refund');

const PLAN = 'monthly-20';
const PLAN_INR = 49900;
/** tutor08 teaches maths at grade 9–10 in the demo data; a maths question earns the subject's rate (help_subject_rates). */
const TUTOR = 'tutor08@tutorline.test';

const origin = (page: Page) => ({ origin: new URL(page.url()).origin });

async function getJson<T>(page: Page, url: string): Promise<T> {
  const res = await page.request.get(url, { headers: origin(page) });
  expect(res.status(), url).toBe(200);
  return (await res.json()) as T;
}

interface Balance {
  currency: string;
  payableMinor: number;
  onHoldMinor: number;
}
/** What the API says the tutor is owed in INR: payable now plus on hold (each amount is in exactly one of them). */
const payableInr = async (page: Page) => {
  const b = (await getJson<{ balances: Balance[] }>(page, '/api/billing/tutor/balance')).balances.find((x) => x.currency === 'INR');
  return b ? b.payableMinor + b.onHoldMinor : 0;
};
const revenueInr = async (page: Page) => {
  const rows = (await getJson<{ rows: { currency: string; receivedMinor: number; refundedMinor: number; revenueMinor: number; tutorEarningsMinor: number }[] }>(page, '/api/admin/billing/revenue?from=2000-01-01&to=2100-01-01')).rows.filter((r) => r.currency === 'INR');
  const sum = (k: 'receivedMinor' | 'refundedMinor' | 'revenueMinor' | 'tutorEarningsMinor') => rows.reduce((n, r) => n + r[k], 0);
  return { received: sum('receivedMinor'), refunded: sum('refundedMinor'), revenue: sum('revenueMinor'), tutorEarnings: sum('tutorEarningsMinor') };
};

/** What /tutor/earnings shows as owed in INR (data-owed-minor), 0 when it has no INR balance. */
async function owedOnPage(page: Page): Promise<number> {
  await page.goto('/tutor/earnings');
  await page.getByTestId('tutor-earnings').waitFor();
  const card = page.locator('[data-testid="tutor-balance"][data-currency="INR"]');
  await card.or(page.getByText('No earnings yet')).first().waitFor();
  return (await card.count()) ? Number(await card.getAttribute('data-owed-minor')) : 0;
}

describe.skipIf(!canRun)('billing end to end: buy a plan, ask, answer, refund', () => {
  // NODE_ENV 'test': the fake provider (and its /dev/fake-pay page) is refused in production.
  // WEB_DIST may point at a copy of the built web app (a build running elsewhere replaces apps/web/dist mid-run).
  const env = useServerAndBrowser({ NODE_ENV: 'test', SEED_DEMO: 'true', ...(process.env.WEB_DIST ? { WEB_DIST: process.env.WEB_DIST } : {}) });

  it('a new student buys the monthly plan on the fake page and asks; the tutor earns; an admin refund reverses the earning and revenue', async () => {
    const baseUrl = env.server().baseUrl;
    const browser = env.browser();

    // The demo monthly plan starts with a 7-day trial (nothing charged until it ends, so nothing to refund): the admin
    // sets it to charge at once, as admins configure plans.
    const admin = await logIn(browser, baseUrl, 'admin@tutorline.test');
    const plans = await getJson<{ id: string; name: string; kind: string; questions: number; trialDays: number; graceDays: number; active: boolean; prices: { currency: string; amountMinor: number; active: boolean }[] }[]>(admin.page, '/api/admin/billing/plans');
    const monthly = plans.find((p) => p.id === PLAN)!;
    const put = await admin.page.request.put(`/api/admin/billing/plans/${PLAN}`, {
      headers: origin(admin.page),
      data: { name: monthly.name, kind: monthly.kind, questions: monthly.questions, trialDays: 0, graceDays: monthly.graceDays, active: true, prices: monthly.prices.filter((x) => x.active).map((x) => ({ currency: x.currency, amountMinor: x.amountMinor, active: true })) },
    });
    expect(put.status(), await put.text()).toBe(200);
    const revenueBefore = await revenueInr(admin.page);

    // A new student, through the sign-up form: no demo credits.
    const context = await browser.newContext({ viewport: phone, baseURL: baseUrl });
    const student = await context.newPage();
    await student.goto('/signup');
    await student.getByLabel('Student').check();
    await student.getByLabel('Display name').fill('Billing E2E');
    const email = `billing-e2e-${Date.now()}@example.test`;
    await student.getByLabel('Email').fill(email);
    await student.getByLabel('Password').fill('a long enough password');
    await student.getByLabel('Birth date').fill('2000-04-02');
    await student.getByRole('button', { name: 'Sign up' }).click();
    await student.getByTestId('student-home').waitFor();
    const before = await getJson<{ status: string; canAsk: boolean; credits: number }>(student, '/api/billing/me');
    expect(before).toMatchObject({ canAsk: false, credits: 0 });

    // Buy on /billing: the monthly plan in INR, the fake provider's page, "Pay successfully", back to Tutorline.
    await student.goto('/billing');
    await student.getByTestId('billing-status').waitFor();
    await student.getByRole('group', { name: 'Currency' }).getByRole('button', { name: 'INR' }).click();
    await student.locator(`[data-testid="plan-card"][data-plan-id="${PLAN}"]`).getByRole('button', { name: 'Buy Monthly 20' }).click();
    await student.waitForURL(/\/dev\/fake-pay\/[0-9a-f-]+$/);
    await student.getByRole('button', { name: 'Pay successfully' }).click();
    await student.getByText('Payment successful.').waitFor();
    await student.getByRole('link', { name: 'Back to Tutorline' }).click();
    await student.waitForURL(/\/billing\/return\?checkout=[0-9a-f-]+$/);
    // The webhooks go through the durable inbox; the return page follows the checkout until it is paid.
    await student.locator('[data-testid="checkout-return"][data-checkout-status="paid"]').waitFor({ timeout: 30_000 });
    await student.goto('/billing');
    await student.locator('[data-testid="billing-status"][data-status="active"][data-can-ask="true"]').waitFor({ timeout: 20_000 });
    await student.screenshot({ path: screenshotPath('billing-student-paid-390x844'), fullPage: true });

    // The tutor online; the student asks with a photo; the tutor accepts and marks it answered.
    const tutor = await logIn(browser, baseUrl, TUTOR);
    const owedBefore = await owedOnPage(tutor.page);
    expect(owedBefore).toBe(await payableInr(tutor.page));
    await tutor.page.goto('/tutor');
    await goOnline(tutor.page);
    await student.goto('/student/ask');
    const photo = await sharp({ create: { width: 900, height: 1200, channels: 3, background: '#f4f1e8' } })
      .composite([{ input: Buffer.from('<svg width="900" height="1200"><text x="80" y="300" font-size="90">3x - 4 = 11</text></svg>'), top: 0, left: 0 }])
      .jpeg()
      .toBuffer();
    await student.getByTestId('photo-input').setInputFiles({ name: 'question.jpg', mimeType: 'image/jpeg', buffer: photo });
    await student.getByTestId('photo-preview').first().waitFor();
    await student.getByTestId('ask-subject').selectOption('maths');
    await student.getByTestId('ask-level').selectOption('grade-9-10');
    await student.getByTestId('ask-text').fill('How do I solve for x?');
    await student.getByTestId('ask-submit').click();
    await student.waitForURL(/\/student\/questions\/[0-9a-f-]+$/);
    const questionId = student.url().split('/').pop()!;

    const item = tutor.page.locator(`[data-testid="feed-item"][data-question-id="${questionId}"]`);
    await item.waitFor({ timeout: 20_000 });
    await item.getByTestId('accept-question').click();
    await tutor.page.waitForURL(/\/session\/[0-9a-f-]+$/);
    await tutor.page.getByTestId('mark-answered').click();
    await tutor.page.getByText('Marked as answered').waitFor();

    // The tutor's balance on /tutor/earnings shows the earning: the subject's rate.
    const rate = defaultHelpRates.find((r) => r.subjectId === 'maths' && r.currency === 'INR')!.amountMinor;
    expect(await owedOnPage(tutor.page)).toBe(owedBefore + rate);
    await tutor.page.screenshot({ path: screenshotPath('billing-tutor-earned-390x844'), fullPage: true });
    const earned = await revenueInr(admin.page);
    expect(earned.received - revenueBefore.received).toBe(PLAN_INR);
    expect(earned.tutorEarnings - revenueBefore.tutorEarnings).toBe(rate);

    // The admin refunds the payment in full on /admin/billing.
    await admin.page.goto('/admin/billing');
    await admin.page.getByTestId('admin-payments').waitFor();
    await admin.page.getByLabel('Student email').fill(email);
    await admin.page.getByRole('search').getByRole('button', { name: 'Search' }).click();
    const row = admin.page.locator(`[data-testid="payment-row"][data-student-email="${email}"]`);
    await row.waitFor();
    await expect.poll(() => admin.page.locator('[data-testid="payment-row"]').count()).toBe(1);
    await row.getByRole('button', { name: /^Refund / }).click();
    await row.getByLabel('Reason').fill('e2e: charged by mistake');
    await row.getByRole('button', { name: 'Refund', exact: true }).click();
    await row.getByRole('button', { name: 'Confirm refund' }).click();
    await row.locator('[data-testid="refund-result"][data-refund-status="succeeded"]').waitFor({ timeout: 20_000 });
    await admin.page.screenshot({ path: screenshotPath('billing-admin-refunded-390x844'), fullPage: true });

    // Corrected by reversal: the tutor's balance is back, revenue and earnings are reversed.
    expect(await owedOnPage(tutor.page)).toBe(owedBefore);
    await tutor.page.screenshot({ path: screenshotPath('billing-tutor-refunded-390x844'), fullPage: true });
    const after = await revenueInr(admin.page);
    expect(after.received - revenueBefore.received).toBe(PLAN_INR);
    expect(after.refunded - revenueBefore.refunded).toBe(PLAN_INR);
    expect(after.revenue - revenueBefore.revenue).toBe(0);
    expect(after.tutorEarnings - revenueBefore.tutorEarnings).toBe(0);

    // The student's plan is refunded and asking is refused with the next step.
    const refunded = await getJson<{ status: string; canAsk: boolean; next: string | null }>(student, '/api/billing/me');
    expect(refunded).toMatchObject({ status: 'refunded', canAsk: false });
    expect(refunded.next).toBeTruthy();
    await student.goto('/billing');
    await student.locator('[data-testid="billing-status"][data-status="refunded"][data-can-ask="false"]').waitFor();
    await expect.poll(() => student.getByTestId('billing-next').textContent()).toContain(refunded.next!);
    await student.screenshot({ path: screenshotPath('billing-student-refunded-390x844'), fullPage: true });
    const up = await student.request.post('/api/help/photos', { headers: origin(student), multipart: { file: { name: 'q.jpg', mimeType: 'image/jpeg', buffer: photo } } });
    const photoId = ((await up.json()) as { photoId: string }).photoId;
    const refused = await student.request.post('/api/help/questions', { headers: origin(student), data: { requestId: crypto.randomUUID(), subjectId: 'maths', level: 'grade-9-10', text: 'again', photoIds: [photoId] } });
    expect(refused.ok()).toBe(false);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(refunded.next);

    for (const c of [context, tutor.context, admin.context]) await c.close();
  });
});
