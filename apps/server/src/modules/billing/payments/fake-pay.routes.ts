import type { FastifyInstance } from 'fastify';
import type { FakePayProvider } from '../../../integrations/fake-pay-provider';
import type { ProviderRepo } from './payments.repo';
import { isUuid } from './payments.repo';
import { returnUrls } from './checkout.service';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const money = (minor: number, currency: string) => `${currency} ${(minor / 100).toFixed(2)}`;

/** How long the result shows before the page returns to the app by itself (Stripe Checkout shows its tick about as long). */
export const FAKE_PAY_RETURN_SECONDS = 2;

function page(title: string, body: string, returnTo?: string) {
  // A meta refresh, not a script: the page's CSP allows no inline script, and it works with scripts off.
  const refresh = returnTo ? `<meta http-equiv="refresh" content="${FAKE_PAY_RETURN_SECONDS};url=${escape(returnTo)}">` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">${refresh}
<title>${escape(title)}</title><style>
body{font-family:system-ui,sans-serif;margin:0;padding:1.5rem;max-width:28rem;margin-inline:auto;line-height:1.4}
.note{background:#fff4d6;padding:.6rem .8rem;border-radius:.4rem;font-size:.9rem}
button{display:block;width:100%;padding:.9rem;margin:.6rem 0;font-size:1rem;border-radius:.5rem;border:0;cursor:pointer}
.ok{background:#1f7a3a;color:#fff}.fail{background:#b42318;color:#fff}a{color:#1d4ed8}
</style></head><body>${body}</body></html>`;
}

/**
 * The fake provider's checkout page (development and tests only; never mounted in production): "Pay successfully"
 * or "Make the payment fail" make the fake emit signed Stripe-shaped events to our own /webhooks/stripe. Like
 * Stripe Checkout, it then returns to the app by itself, to the checkout's success URL (its return page follows the
 * checkout, so it says whether the payment went through); "Cancel" goes to the cancel URL with nothing paid.
 */
export async function fakePayRoutes(fastify: FastifyInstance, opts: { fake: FakePayProvider; repo: ProviderRepo; publicUrl: string }) {
  await fastify.register(async (scope) => {
    // The buttons are plain HTML forms; their (empty) bodies are not needed.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, _body, done) => done(null, {}));

    scope.get('/dev/fake-pay/:checkoutId', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      const { checkoutId } = request.params as { checkoutId: string };
      const c = isUuid(checkoutId) ? await opts.repo.findCheckout(opts.repo.db, checkoutId) : null;
      if (!c || c.provider !== 'fake') return reply.status(404).type('text/html').send(page('Not found', '<h1>No such checkout</h1>'));
      const what = c.purpose === 'booking' ? 'Booked lesson' : c.purpose === 'subscription' ? `Subscription: ${c.planId}` : `Credit pack: ${c.planId}`;
      const done = c.status !== 'open' ? `<p><strong>This checkout is ${c.status}.</strong></p>` : '';
      const { cancelUrl } = returnUrls(c, opts.publicUrl);
      return reply.type('text/html').send(
        page(
          'Fake payment',
          `<h1>Pay ${escape(money(c.amountMinor, c.currency))}</h1><p>${escape(what)}</p>
<p class="note">Test payment page of the fake provider. No money moves.</p>${done}
<form method="post" action="/dev/fake-pay/${c.id}/succeed"><button class="ok" type="submit">Pay successfully</button></form>
<form method="post" action="/dev/fake-pay/${c.id}/fail"><button class="fail" type="submit">Make the payment fail</button></form>
<p><a href="${escape(cancelUrl)}" data-testid="fake-pay-cancel">Cancel and go back to Tutorline</a></p>`,
        ),
      );
    });

    // Stands in for the provider's own site, and needs no cookie: a browser posting its form with the page's
    // no-referrer policy sends `Origin: null`, which the same-origin check would refuse.
    scope.post('/dev/fake-pay/:checkoutId/:outcome', { config: { access: 'public', allowCrossOrigin: true }, schema: { hide: true } }, async (request, reply) => {
      const { checkoutId, outcome } = request.params as { checkoutId: string; outcome: string };
      if (outcome !== 'succeed' && outcome !== 'fail') return reply.status(404).type('text/html').send(page('Not found', '<h1>Unknown action</h1>'));
      const result = await opts.fake.complete(checkoutId, outcome);
      if (result === 'unknown') return reply.status(404).type('text/html').send(page('Not found', '<h1>No such checkout</h1>'));
      const text = result === 'failed' ? 'The payment failed. Nothing was charged.' : result === 'already_paid' ? 'This was already paid.' : 'Payment successful.';
      const c = isUuid(checkoutId) ? await opts.repo.findCheckout(opts.repo.db, checkoutId) : null;
      const urls = c ? returnUrls(c, opts.publicUrl) : null;
      // Paid or failed, back to the return page, which follows the checkout and says which; the cancel URL is for leaving unpaid.
      const back = urls ? urls.successUrl : `/billing/return?checkout=${checkoutId}`;
      request.log.info({ event: 'fake_payment_completed', checkoutId, outcome: result }, 'fake provider payment');
      return reply
        .type('text/html')
        .send(page('Fake payment', `<h1>${escape(text)}</h1><p class="note">Taking you back to Tutorline…</p><p><a href="${escape(back)}" data-testid="fake-pay-back">Back to Tutorline</a></p>`, back));
    });
  });
}
