import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakePayoutApi, type FakePayoutApi } from '../apps/server/src/integrations/payouts/fake-payout-api';
import { chromiumAvailable, logIn, phone, screenshotPath, useServerAndBrowser } from './harness';

const canRun = chromiumAvailable('e2e: a tutor adds a UPI payout account');

/** An approved demo tutor. */
const TUTOR = 'tutor08@tutorline.test';

describe.skipIf(!canRun)('payout account end to end: a tutor adds a UPI ID at phone width (RazorpayX through its local fake)', () => {
  let api: FakePayoutApi | undefined;
  // NODE_ENV 'test': demo data; the payout provider is RazorpayX, its API a local fake speaking its wire format.
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    SEED_DEMO: 'true',
    PAYOUT_PROVIDER: 'razorpayx',
    RAZORPAY_KEY_ID: 'rzp_test_e2e_payouts',
    RAZORPAY_KEY_SECRET: 'rzp_test_e2e_payouts_secret',
    RAZORPAY_WEBHOOK_SECRET: 'rzp_test_e2e_webhook_secret',
    RAZORPAYX_ACCOUNT_NUMBER: '7878780080316316',
    ...(process.env.WEB_DIST ? { WEB_DIST: process.env.WEB_DIST } : {}),
  };
  beforeAll(async () => {
    api = createFakePayoutApi({ now: () => new Date(0) });
    env.PAYOUT_API_URL = await api.start();
  });
  afterAll(async () => {
    await api?.stop();
  });
  const run = useServerAndBrowser(env);

  it('refuses a malformed UPI ID on the page, then saves a good one: a RazorpayX contact and vpa fund account, shown masked and active', async () => {
    const { page, context } = await logIn(run.browser(), run.server().baseUrl, TUTOR);
    await page.goto('/tutor/earnings');
    const section = page.getByTestId('payout-account');
    await section.getByTestId('payout-account-missing').waitFor();
    await expect(section.getByText('Add where your money goes').first().isVisible()).resolves.toBe(true);

    await section.getByLabel('Name on the account').fill('Asha Rao');
    await section.getByLabel('UPI ID').fill('asha at okhdfc');
    await section.getByRole('button', { name: 'Save account' }).click();
    await section.getByText('Enter a UPI ID like name@bank').waitFor();
    expect(api!.seen).toEqual([]);

    await section.getByLabel('UPI ID').fill('asha.rao@okhdfc');
    await section.getByRole('button', { name: 'Save account' }).click();
    const summary = section.getByTestId('payout-account-summary');
    await summary.waitFor();
    expect(await summary.getAttribute('data-status')).toBe('active');
    expect(await summary.textContent()).toContain('as•••••o@okhdfc');
    expect(await section.textContent()).not.toContain('asha.rao@okhdfc');
    expect(api!.seen.map((r) => r.path)).toEqual(['/v1/contacts', '/v1/fund_accounts']);
    expect(api!.seen[1]!.body).toMatchObject({ account_type: 'vpa', vpa: { address: 'asha.rao@okhdfc' } });

    // Phone width: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('payout-account-upi-phone'), fullPage: true });
    await context.close();
  });
});

describe.skipIf(!canRun)('payouts off (PAYOUT_PROVIDER none): the tutor and finance are told in words, with no form that cannot work', () => {
  const run = useServerAndBrowser({ NODE_ENV: 'test', SEED_DEMO: 'true', PAYOUT_PROVIDER: 'none', ...(process.env.WEB_DIST ? { WEB_DIST: process.env.WEB_DIST } : {}) });

  it("shows the tutor that payouts are not set up (no account form), and finance's billing page that they are not configured", async () => {
    const tutor = await logIn(run.browser(), run.server().baseUrl, TUTOR);
    await tutor.page.goto('/tutor/earnings');
    const section = tutor.page.getByTestId('payout-account');
    await section.getByTestId('payouts-not-set-up').waitFor();
    expect(await section.textContent()).toContain('Your earnings are kept in your balance and will be paid once payouts are set up.');
    expect(await section.getByRole('button', { name: 'Save account' }).count()).toBe(0);
    expect(await section.getByLabel('UPI ID').count()).toBe(0);
    await tutor.context.close();

    const admin = await logIn(run.browser(), run.server().baseUrl, 'admin@tutorline.test');
    await admin.page.goto('/admin/billing');
    await admin.page.getByTestId('payouts-not-configured').waitFor();
    expect(await admin.page.getByTestId('payouts-not-configured').textContent()).toContain('PAYOUT_PROVIDER is not set');
    await admin.context.close();
  });
});
