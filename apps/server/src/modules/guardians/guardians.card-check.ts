import type { GuardianCardCheck, GuardianCardCheckStarted, GuardianCardConsentBody } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { fail, ok, type Fail, type Result } from '../../platform/result';
import type { ConsentChecks, ConsentCheckStarter } from '../billing';
import type { AuthUser, IdentityService } from '../identity';
import type { GuardianConsent } from './guardians.consent';
import type { GuardiansRepo } from './guardians.repo';
import { cardCheckCurrency, checkDeclaration, declarationText } from './guardians.rules';

export type CardCheckFailure = Fail<'not_your_child'> | Fail<'already_consented'> | Fail<'declaration_required'> | Fail<'declaration_changed'> | Fail<'card_check_unavailable'>;

/**
 * The card method of verifiable consent (issue #20, decision 086): the guardian signs the declaration, billing opens a
 * small checkout of purpose 'consent' and, once paid, tells guardians through the CONSENT_CHECKS port (provided here)
 * and refunds it in full. The evidence keeps the method, the payment's time, the IP of the request that started the
 * check, the exact text agreed and billing's payment id. Guardians never reads billing's tables.
 */
export function createGuardianCardCheck(deps: { repo: GuardiansRepo; clock: Clock; logger: Logger; identity: IdentityService; consent: GuardianConsent; billing: ConsentCheckStarter; publicUrl: string }) {
  const { repo, clock, logger, identity, billing } = deps;

  const port: ConsentChecks = {
    async charged(c) {
      const r = await repo.recordCardConsent(c.consentRequestId, { paymentId: c.paymentId, at: c.at });
      if (r === 'not_found') return fail('request_not_found');
      if (r === 'already') return fail('already_consented');
      if (r === 'not_linked') return fail('not_linked');
      const { recorded, check } = r;
      await identity.setConsent(check.studentId, c.at);
      logger.info(
        { event: 'guardian_consent_given', audit: true, guardianId: check.guardianId, studentId: check.studentId, consentId: recorded.id, method: 'card_charge', cardCheckId: check.id, paymentId: c.paymentId, textVersion: check.textVersion, at: c.at.toISOString() },
        'guardian consent given',
      );
      return ok({ consentId: recorded.id });
    },
    async refunded(r) {
      const check = await repo.cardCheck(r.consentRequestId);
      // Only the payment that recorded the consent is the check's own; a second one's refund is billing's record alone.
      if (!check || (check.paymentId && check.paymentId !== r.paymentId)) return;
      await repo.updateCardCheck(check.id, { refundStatus: r.status, refundedAt: r.status === 'succeeded' ? r.at : null });
      logger.info({ event: 'guardian_card_check_refunded', cardCheckId: check.id, guardianId: check.guardianId, studentId: check.studentId, paymentId: r.paymentId, refundId: r.refundId, amountMinor: r.amountMinor, currency: r.currency, refundStatus: r.status }, 'guardian card check refunded');
    },
    async failed(f) {
      if (await repo.failCardCheck(f.consentRequestId, f.at)) logger.info({ event: 'guardian_card_check_failed', cardCheckId: f.consentRequestId, checkoutId: f.checkoutId }, 'guardian card check not paid: no consent recorded');
    },
  };

  return {
    port,

    /** The guardian signs the declaration and is sent to pay a small amount, refunded at once. */
    async start(guardian: AuthUser, studentId: string, body: GuardianCardConsentBody, ip: string): Promise<Result<GuardianCardCheckStarted, CardCheckFailure>> {
      const link = await deps.consent.childOf(guardian, studentId);
      if (!link) return fail('not_your_child');
      if (link.status === 'consented') return fail('already_consented');
      const child = await identity.studentFacts(studentId);
      const declared = checkDeclaration({ fullName: body.fullName, agreed: body.agreed, text: body.declarationText }, declarationText(child.displayName, body.declarationVersion));
      if (!declared.ok) return fail(declared.reason);
      const now = clock.now();
      const check = await repo.insertCardCheck({ guardianId: guardian.id, studentId, status: 'open', ip, textVersion: body.declarationVersion, textAgreed: body.declarationText, signedName: body.fullName.trim(), createdAt: now });
      const back = `${deps.publicUrl.replace(/\/+$/, '')}/guardian?cardCheck=${check.id}`;
      const opened = await billing.start({ payerId: guardian.id, consentRequestId: check.id, currency: cardCheckCurrency(child.country), successUrl: back, cancelUrl: back });
      if (!opened.ok) {
        await repo.updateCardCheck(check.id, { status: 'failed', settledAt: now });
        logger.warn({ event: 'guardian_card_check_unavailable', cardCheckId: check.id, guardianId: guardian.id, studentId, reason: opened.reason }, 'guardian card check could not be opened');
        return fail('card_check_unavailable');
      }
      const { checkout } = opened.value;
      await repo.updateCardCheck(check.id, { checkoutId: checkout.id, amountMinor: checkout.amountMinor, currency: checkout.currency });
      logger.info({ event: 'guardian_card_check_started', cardCheckId: check.id, guardianId: guardian.id, studentId, checkoutId: checkout.id, amountMinor: checkout.amountMinor, currency: checkout.currency }, 'guardian card check started');
      return ok({ cardCheckId: check.id, checkoutId: checkout.id, url: checkout.url, amountMinor: checkout.amountMinor, currency: checkout.currency });
    },

    /** The card method as the guardian's page shows it for one child. */
    async view(guardianId: string, studentId: string, country: string | null): Promise<GuardianCardCheck> {
      const currency = cardCheckCurrency(country);
      const amountMinor = billing.amountFor(currency);
      const latest = await repo.latestCardCheck(guardianId, studentId);
      return {
        price: amountMinor ? { amountMinor, currency } : null,
        latest: latest ? { id: latest.id, status: latest.status, amountMinor: latest.amountMinor, currency: latest.currency, refund: latest.refundStatus, createdAt: latest.createdAt.toISOString() } : null,
      };
    },
  };
}
export type GuardianCardCheckService = ReturnType<typeof createGuardianCardCheck>;
