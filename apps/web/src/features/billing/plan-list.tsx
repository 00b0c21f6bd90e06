import type { BillingPlan } from '@tutorline/contracts';
import { useState } from 'react';
import { errorMessage } from '../../lib/api';
import { formatMoney, plural } from '../../lib/format';
import { newRequestId } from '../../lib/request-id';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { preferredCurrency } from './billing-format';
import { useStartCheckout } from './billing-queries';
import './billing.css';

/**
 * Plans on sale with prices in one currency (INR or USD, switchable); Buy starts a checkout and goes to the provider's
 * page. `returnTo`: a page of this app the payment page returns to (the ask form with its kept question), instead of
 * the billing return page.
 */
export function PlanList({ plans, timeZone, ownedPlanId, returnTo }: { plans: BillingPlan[]; timeZone: string; ownedPlanId: string | null; returnTo?: string | null }) {
  const currencies = [...new Set(plans.flatMap((p) => p.prices.map((x) => x.currency)))].sort();
  const [currency, setCurrency] = useState(() => preferredCurrency(timeZone, currencies));
  const checkout = useStartCheckout();
  const [buying, setBuying] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);

  const buy = (plan: BillingPlan) => {
    setBuying(plan.id);
    // One key per attempt: a double click or a retry of this attempt is the same checkout on the server.
    checkout.mutate(
      { planId: plan.id, currency, idempotencyKey: `web-${newRequestId()}`, ...(returnTo ? { successUrl: returnTo, cancelUrl: returnTo } : {}) },
      {
        onSuccess: (c) => {
          if (c.url) {
            setLeaving(true);
            window.location.assign(c.url);
          } else window.location.assign(`/billing/return?checkout=${encodeURIComponent(c.id)}`);
        },
        onError: () => setBuying(null),
      },
    );
  };

  const groups: { kind: BillingPlan['kind']; title: string; lead: string }[] = [
    { kind: 'subscription', title: 'Monthly plans', lead: 'A number of questions every month. Renews until you cancel.' },
    { kind: 'credit_pack', title: 'Question packs', lead: 'Pay once; each credit is one question, and they do not run out at the end of the month.' },
  ];

  return (
    <section className="stack" aria-labelledby="plans-title">
      <div className="page-head">
        <h2 id="plans-title">Plans and packs</h2>
        {currencies.length > 1 && (
          <div className="segmented billing-currency" role="group" aria-label="Currency">
            {currencies.map((c) => (
              <button key={c} type="button" className="segment" aria-pressed={c === currency} onClick={() => setCurrency(c)}>
                {c}
              </button>
            ))}
          </div>
        )}
      </div>
      {checkout.isError && (
        <Alert tone="error" title="The payment could not be started">
          <p>{errorMessage(checkout.error)}</p>
        </Alert>
      )}
      {leaving && (
        <p className="muted" role="status">
          Taking you to the payment page…
        </p>
      )}
      {plans.length === 0 && <p className="empty">No plans are on sale right now.</p>}
      {groups.map((g) => {
        const list = plans.filter((p) => p.kind === g.kind);
        if (list.length === 0) return null;
        return (
          <div key={g.kind} className="stack">
            <div>
              <h3 className="billing-group-title">{g.title}</h3>
              <p className="muted">{g.lead}</p>
            </div>
            <ul className="plan-list">
              {list.map((plan) => {
                const price = plan.prices.find((x) => x.currency === currency);
                const owned = plan.id === ownedPlanId;
                return (
                  <li key={plan.id} className="card plan-card" data-testid="plan-card" data-plan-id={plan.id}>
                    <div className="plan-card-head">
                      <h4 className="plan-name">{plan.name}</h4>
                      <p className="plan-price">
                        {price ? formatMoney(price.amountMinor, currency) : `Not sold in ${currency}`}
                        {price && plan.kind === 'subscription' && <span className="muted"> / month</span>}
                      </p>
                    </div>
                    <p className="muted">
                      {plan.kind === 'subscription' ? plural(plan.questions, { one: '# question a month', other: '# questions a month' }) : plural(plan.questions, { one: '# question credit', other: '# question credits' })}
                      {plan.kind === 'subscription' && plan.trialDays > 0 ? `, ${plural(plan.trialDays, { one: 'first day free', other: 'first # days free' })}` : ''}
                    </p>
                    <Button
                      block
                      variant={owned ? 'secondary' : 'primary'}
                      disabled={!price || owned || (checkout.isPending && buying !== plan.id) || leaving}
                      pending={(checkout.isPending || leaving) && buying === plan.id}
                      pendingLabel="Starting payment…"
                      onClick={() => buy(plan)}
                    >
                      {owned ? 'Your current plan' : `Buy ${plan.name}`}
                    </Button>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </section>
  );
}
