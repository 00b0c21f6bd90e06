import type { BillingMe } from '@tutorline/contracts';
import { Link } from 'react-router';
import { formatNumber, plural } from '../../lib/format';
import { useBillingMe } from '../billing';
import './ask.css';

/** Where the plans page sends the student back to after paying: this form, with its kept draft. */
export const ASK_RETURN_PATH = '/student/ask';
export const plansLink = `/billing?returnTo=${encodeURIComponent(ASK_RETURN_PATH)}`;

/** "3 questions left on Plus · 2 credits", in words, from the billing entitlement. */
export function allowanceText(me: BillingMe): string {
  const parts: string[] = [];
  if (me.plan && ['trialing', 'active', 'past_due', 'canceled'].includes(me.status)) parts.push(`${formatNumber(me.questionsLeft)} of ${plural(me.plan.questions, { one: '# question', other: '# questions' })} left on ${me.plan.name}`);
  if (me.credits > 0) parts.push(plural(me.credits, { one: '# question credit', other: '# question credits' }));
  return parts.join(' · ');
}

/**
 * What the student can ask with, shown before they start: their plan's questions left and their credits, or, when
 * they have neither, that they need one, with the way to get it (the question they write meanwhile is kept).
 */
export function AskCredits() {
  const billing = useBillingMe();
  const me = billing.data;
  if (!me) return null;
  if (!me.enforced) return null;
  if (me.canAsk) {
    return (
      <p className="ask-credits" data-testid="ask-credits" data-can-ask="true">
        <span className="ask-credits-label">You can ask:</span> {allowanceText(me) || 'your plan covers it'}.{' '}
        <Link to={plansLink} className="ask-credits-link">
          Plans and credits
        </Link>
      </p>
    );
  }
  return (
    <div className="ask-credits ask-credits-none" data-testid="ask-credits" data-can-ask="false" role="note">
      <p className="ask-credits-title">You need a plan or question credits to send a question</p>
      <p>{me.next ?? 'Choose a monthly plan or a pack of questions.'} You can write your question first: it is kept while you pay, and you come straight back here to send it.</p>
      <Link className="btn btn-secondary btn-block" to={plansLink} data-testid="ask-get-plan">
        See plans and credits
      </Link>
    </div>
  );
}
