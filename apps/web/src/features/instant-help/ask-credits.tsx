import type { BillingMe } from '@tutorline/contracts';
import { Link } from 'react-router';
import { translate, useT } from '../../i18n';
import { useBillingMe } from '../billing';
import './ask.css';

/** Where the plans page sends the student back to after paying: this form, with its kept draft. */
export const ASK_RETURN_PATH = '/student/ask';
export const plansLink = `/billing?returnTo=${encodeURIComponent(ASK_RETURN_PATH)}`;

/** "3 questions left on Plus · 2 credits", in words, from the billing entitlement. */
export function allowanceText(me: BillingMe): string {
  const onPlan = Boolean(me.plan) && ['trialing', 'active', 'past_due', 'canceled'].includes(me.status);
  const plan = onPlan && me.plan ? translate('credits.planLeft', { left: me.questionsLeft, total: me.plan.questions, plan: me.plan.name }) : null;
  const credits = me.credits > 0 ? translate('credits.count', { count: me.credits }) : null;
  if (plan && credits) return translate('credits.both', { plan, credits });
  return plan ?? credits ?? '';
}

/**
 * What the student can ask with, shown before they start: their plan's questions left and their credits, or, when
 * they have neither, that they need one, with the way to get it (the question they write meanwhile is kept).
 */
export function AskCredits() {
  const t = useT();
  const billing = useBillingMe();
  const me = billing.data;
  // While it loads, its usual place is held (one line's box), so the photo picker below does not jump down.
  if (!me) return billing.isPending ? <p className="ask-credits ask-credits-loading" aria-hidden="true" data-testid="ask-credits-loading" /> : null;
  if (!me.enforced) return null;
  if (me.canAsk) {
    return (
      <p className="ask-credits" data-testid="ask-credits" data-can-ask="true">
        <span className="ask-credits-label">{t('credits.canAsk')}</span> {t('credits.allowance', { allowance: allowanceText(me) || t('credits.planCovers') })}{' '}
        <Link to={plansLink} className="ask-credits-link">
          {t('credits.plansLink')}
        </Link>
      </p>
    );
  }
  return (
    <div className="ask-credits ask-credits-none" data-testid="ask-credits" data-can-ask="false" role="note">
      <p className="ask-credits-title">{t('credits.needTitle')}</p>
      <p>
        {me.next ?? t('credits.choose')} {t('credits.writeFirst')}
      </p>
      <Link className="btn btn-secondary btn-block" to={plansLink} data-testid="ask-get-plan">
        {t('ask.seePlans')}
      </Link>
    </div>
  );
}
