import { describe, expect, it } from 'vitest';
import { chromiumAvailable, screenshotPath, useServerAndBrowser } from './harness';

const canRun = chromiumAvailable('e2e: guardian consent by card check (issue #20, decision 086)');
const phone = { width: 390, height: 844 };
const GUARDIAN_WA = '919700000456';

/** What the WhatsApp simulator shows for a number, as one text. */
async function simulatorThread(baseUrl: string, number: string): Promise<string> {
  const res = await fetch(`${baseUrl}/dev/whatsapp/api/thread?number=${number}`);
  expect(res.status).toBe(200);
  return JSON.stringify(((await res.json()) as { messages: unknown[] }).messages);
}

describe.skipIf(!canRun)('guardian consent by a refunded card check, through the fake payment page (issue #20)', () => {
  const env = useServerAndBrowser({ NODE_ENV: 'development', WHATSAPP_PROVIDER: 'simulator', BILLING_PROVIDER: 'fake' });

  it('the guardian picks the card method, pays on the fake page, comes back and sees the consent recorded and the charge refunded', async () => {
    const baseUrl = env.server().baseUrl;
    const birth = `${new Date().getUTCFullYear() - 12}-01-15`;
    const signedUp = await fetch(`${baseUrl}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: baseUrl },
      body: JSON.stringify({ role: 'student', email: `card-child-${Date.now()}@example.test`, password: 'purple elephant river lamp', displayName: 'Ravi', birthDate: birth, country: 'IN', guardianContact: `+${GUARDIAN_WA}`, timeZone: 'Asia/Kolkata' }),
    });
    expect(signedUp.status, await signedUp.clone().text()).toBe(201);
    await expect.poll(() => simulatorThread(baseUrl, GUARDIAN_WA), { timeout: 15_000 }).toContain('/guardian/invite#');
    const token = /\/guardian\/invite#([A-Za-z0-9_-]+)/.exec(await simulatorThread(baseUrl, GUARDIAN_WA))![1]!;

    const context = await env.browser().newContext({ viewport: phone, baseURL: baseUrl, timezoneId: 'Asia/Kolkata' });
    const guardian = await context.newPage();
    await guardian.goto(`/guardian/invite#${token}`);
    await guardian.getByTestId('guardian-invite').waitFor();
    await guardian.getByLabel('Your name').fill('Meera Iyer');
    await guardian.getByLabel('Email').fill(`card-meera-${Date.now()}@example.test`);
    await guardian.getByLabel('Password').fill('quiet harbour maple seven');
    await guardian.getByRole('button', { name: 'Create account and continue' }).click();
    await guardian.waitForURL(/\/guardian$/);

    // Both methods on the consent page; the card one says what it charges and that it is refunded.
    const card = guardian.getByTestId('guardian-card-method');
    await card.waitFor();
    expect(await card.textContent()).toContain('We charge a small amount (₹10.00) to your card and refund it at once');
    await guardian.getByRole('heading', { name: 'Verify by WhatsApp' }).waitFor();
    await guardian.getByLabel('Your full name').fill('Meera Iyer');
    await guardian.getByRole('checkbox', { name: /agree to the declaration/ }).check();
    await guardian.screenshot({ path: screenshotPath('guardian-consent-methods-390'), fullPage: true });

    await card.getByRole('button', { name: /by card/ }).click();
    await guardian.waitForURL(/\/dev\/fake-pay\//);
    await guardian.getByRole('button', { name: 'Pay successfully' }).click();
    await guardian.getByTestId('fake-pay-back').click();
    await guardian.waitForURL(/\/guardian\?cardCheck=/);

    await expect.poll(() => guardian.getByTestId('guardian-status').textContent(), { timeout: 20_000 }).toContain('Consent given');
    await expect.poll(() => guardian.getByTestId('guardian-card-outcome').textContent(), { timeout: 20_000 }).toContain('Consent recorded by card. The ₹10.00 charge was refunded in full.');
    await guardian.screenshot({ path: screenshotPath('guardian-card-consent-done-390'), fullPage: true });
    await context.close();
  });
});
