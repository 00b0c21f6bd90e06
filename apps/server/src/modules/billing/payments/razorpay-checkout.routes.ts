import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HOSTED_CHECKOUT_CSP, hostedCheckoutPage, verifyPaymentSignature } from '../../../integrations/razorpay';
import { notFound } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';
import { caller } from '../../identity';
import { userEmail } from '../billing.reads';
import { returnUrls } from './checkout.service';
import type { ProviderRepo } from './payments.repo';

const idParams = z.strictObject({ checkoutId: z.uuid('must be an id') });
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const message = (reply: FastifyReply, status: number, title: string, back: string) =>
  reply
    .status(status)
    .type('text/html')
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1><p><a href="${escape(back)}">Back to Tutorline</a></p></body></html>`);

/**
 * Razorpay one-time payments (issue #7): our page that hands a checkout's order to Razorpay's hosted checkout (no
 * third-party script), and the callback Razorpay POSTs to afterwards. The callback only checks the signature and
 * sends the student back; the payment.captured webhook (matched by order_id) is what records the payment.
 */
export async function razorpayCheckoutRoutes(fastify: FastifyInstance, opts: { repo: ProviderRepo; keyId: string; keySecret: string; publicUrl: string; logger: Logger }) {
  const { repo, publicUrl, logger } = opts;
  await fastify.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    // Razorpay's callback is a form POST (application/x-www-form-urlencoded).
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));

    scope.get('/api/billing/razorpay/:checkoutId', {
      config: { access: ['student'] },
      schema: { tags: ['billing'], summary: "The page that sends the student on to Razorpay's hosted checkout for a checkout's order (HTML)", params: idParams },
      handler: async (request, reply) => {
        const { checkoutId } = request.params;
        const user = caller(request);
        const c = await repo.findCheckout(repo.db, checkoutId);
        if (!c || c.studentId !== user.id || c.provider !== 'razorpay' || !c.providerRef?.startsWith('order_')) throw notFound('That checkout');
        if (c.status !== 'open') return reply.redirect(returnUrls(c, publicUrl).successUrl, 303);
        const plan = c.planId ? await repo.planWithPrice(c.planId, c.currency) : null;
        const description = c.purpose === 'booking' ? 'Booked lesson' : (plan?.plan.name ?? 'Credit pack');
        const html = hostedCheckoutPage({
          keyId: opts.keyId,
          orderId: c.providerRef,
          name: 'Tutorline',
          description,
          prefill: { email: await userEmail(repo.db, c.studentId) },
          callbackUrl: `${publicUrl}/api/billing/razorpay/${c.id}/callback`,
          cancelUrl: returnUrls(c, publicUrl).cancelUrl,
        });
        return reply.headers({ 'content-security-policy': HOSTED_CHECKOUT_CSP, 'x-frame-options': 'DENY', 'referrer-policy': 'strict-origin' }).header('cache-control', 'no-store').type('text/html').send(html);
      },
    });

    // Razorpay's site posts here (Origin: api.razorpay.com, no cookie): the signature is the proof, not a session.
    scope.post('/api/billing/razorpay/:checkoutId/callback', {
      config: { access: 'public', allowCrossOrigin: true },
      schema: { tags: ['billing'], summary: "Razorpay's hosted checkout returns here (form POST); checks the payment signature and redirects to our return page", params: idParams },
      handler: async (request, reply) => {
        const { checkoutId } = request.params;
        const form = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, string | undefined>;
        const c = await repo.findCheckout(repo.db, checkoutId);
        if (!c || c.provider !== 'razorpay' || !c.providerRef) return message(reply, 404, 'No such checkout', `${publicUrl}/billing/return?checkout=${checkoutId}`);
        const back = returnUrls(c, publicUrl).successUrl;
        if (!form.razorpay_signature) {
          // A failed attempt: error[code], error[description]; the order stays open for another try.
          logger.info({ event: 'razorpay_callback_failed', checkoutId: c.id, code: form['error[code]'], reason: form['error[reason]'] }, 'Razorpay returned a failed payment attempt');
          return reply.redirect(back, 303);
        }
        const orderId = form.razorpay_order_id ?? '';
        const paymentId = form.razorpay_payment_id ?? '';
        if (orderId !== c.providerRef || !verifyPaymentSignature(opts.keySecret, { orderId, paymentId, signature: form.razorpay_signature })) {
          logger.warn({ event: 'razorpay_callback_refused', checkoutId: c.id, orderId, paymentId }, 'a Razorpay callback with a wrong signature or order');
          return message(reply, 400, 'We could not confirm this payment here. If you paid, it will show shortly.', back);
        }
        logger.info({ event: 'razorpay_callback_verified', checkoutId: c.id, orderId, paymentId }, 'Razorpay payment signature verified; the webhook records the payment');
        return reply.redirect(back, 303);
      },
    });
  });
}
