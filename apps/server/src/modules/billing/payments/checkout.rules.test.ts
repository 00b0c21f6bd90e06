import { describe, expect, it } from 'vitest';
import { checkoutReturnUrls, ownSiteUrl } from './checkout.rules';

const site = 'https://tutorline.example';
const id = '0b0c4a53-0d8e-4a4e-9d1c-1b2f3c4d5e6f';

describe('checkout return URLs', () => {
  it('keeps pages of our own site, as paths or full URLs', () => {
    expect(ownSiteUrl('/student/ask?draft=1', site)?.href).toBe('https://tutorline.example/student/ask?draft=1');
    expect(ownSiteUrl('https://tutorline.example/billing', site)?.href).toBe('https://tutorline.example/billing');
  });

  it('refuses other origins, protocol-relative paths, credentials and non-http schemes (no open redirect)', () => {
    for (const bad of ['https://evil.example/x', '//evil.example/x', '/\\evil.example/x', 'javascript:alert(1)', 'http://tutorline.example/x', 'https://tutorline.example.evil.example/', 'https://user:pw@tutorline.example/', 'data:text/html,hi']) {
      expect(ownSiteUrl(bad, site), bad).toBeNull();
    }
  });

  it('adds the checkout id to both, and cancelled=1 to the cancel URL; the cancel URL defaults to the success page', () => {
    expect(checkoutReturnUrls({ checkoutId: id, purpose: 'credit_pack', successUrl: '/student/ask?draft=1' }, site)).toEqual({
      ok: true,
      successUrl: `${site}/student/ask?draft=1&checkout=${id}`,
      cancelUrl: `${site}/student/ask?draft=1&checkout=${id}&cancelled=1`,
    });
  });

  it('falls back to the billing or lesson return page, and names the field that is not ours', () => {
    expect(checkoutReturnUrls({ checkoutId: id, purpose: 'booking' }, site)).toMatchObject({ successUrl: `${site}/lessons/paid?checkout=${id}` });
    expect(checkoutReturnUrls({ checkoutId: id, purpose: 'subscription' }, `${site}/`)).toMatchObject({ cancelUrl: `${site}/billing/return?checkout=${id}&cancelled=1` });
    expect(checkoutReturnUrls({ checkoutId: id, purpose: 'subscription', successUrl: '/ok', cancelUrl: 'https://evil.example/' }, site)).toEqual({ ok: false, field: 'cancelUrl' });
  });
});
