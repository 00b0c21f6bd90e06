import type { PaymentsConfig } from '../../../config';
import type { Logger } from '../../../platform/logger';
import type { ClassMoney } from '../../classes';
import { bookingNeedsPayment } from '../bookings/bookings.rules';

/**
 * Classes' money port (declared by classes, decision 042). A seat needs a payment first exactly when a booked lesson
 * would (a provider is on and there is a price); classes refuses such a seat for now, since checkouts do not take class
 * seats yet (issue #15, to do). So no class payment exists to refund or to earn from: both calls only log.
 */
export function classMoney(o: { config: Pick<PaymentsConfig, 'provider'>; logger: Logger }): ClassMoney {
  return {
    requiresPayment: (c) => bookingNeedsPayment(o.config.provider, c.priceMinor),
    async refundSeat(_tx, e) {
      o.logger.info({ event: 'class_refund_nothing_paid', classId: e.classId, enrolmentId: e.enrolmentId, amountMinor: e.amountMinor, currency: e.currency }, 'class seat: no payment was taken, so nothing to refund');
    },
    async classEarned(_tx, c) {
      o.logger.info({ event: 'class_earning_nothing_paid', classId: c.classId, tutorId: c.tutorId, seats: c.seats }, 'class completed: no seat payment was taken, so nothing to earn');
    },
  };
}
