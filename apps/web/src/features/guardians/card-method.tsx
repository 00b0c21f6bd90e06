import type { GuardianChild } from '@tutorline/contracts';
import { errorMessage } from '../../lib/api';
import { formatMoney } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { useStartCardCheck } from './use-guardians';

type CardCheck = GuardianChild['cardCheck'];
const priceOf = (c: CardCheck) => (c.price ? formatMoney(c.price.amountMinor, c.price.currency) : '');
const chargedOf = (l: NonNullable<CardCheck['latest']>) => (l.amountMinor !== null && l.currency ? formatMoney(l.amountMinor, l.currency) : 'the charge');

/** The second verifiable method (decision 086): a small card charge through billing, refunded at once. */
export function CardMethod({ child, signed }: { child: GuardianChild; signed: { fullName: string; agreed: boolean } | null }) {
  const start = useStartCardCheck(child.id);
  const { cardCheck } = child;
  if (!cardCheck.price) return null;
  const latest = cardCheck.latest;
  const pay = () => {
    if (!signed) return;
    start.mutate(
      { fullName: signed.fullName, agreed: true, declarationVersion: child.declarationVersion, declarationText: child.declarationText },
      { onSuccess: (r) => r.url && window.location.assign(r.url) },
    );
  };
  return (
    <section className="guardian-method" aria-labelledby={`card-${child.id}`} data-testid="guardian-card-method">
      <h3 id={`card-${child.id}`}>Verify with a card</h3>
      <p>
        We charge a small amount ({priceOf(cardCheck)}) to your card and refund it at once. Only an adult’s card can pay it, which is why it counts as consent.
      </p>
      {latest?.status === 'open' && <Alert tone="info">Waiting for the card payment to be confirmed…</Alert>}
      {latest?.status === 'failed' && <Alert>The card payment did not go through, so nothing was recorded. You can try again.</Alert>}
      {start.isError && <Alert>{errorMessage(start.error)}</Alert>}
      <Button type="button" variant="secondary" onClick={pay} pending={start.isPending || start.isSuccess} pendingLabel="Opening the payment page…" disabled={!signed}>
        Pay {priceOf(cardCheck)} by card (refunded)
      </Button>
      {!signed && <p className="muted">Sign the declaration above first.</p>}
      {latest && latest.status !== 'consented' && latest.amountMinor !== null && <p className="muted">Last try: {chargedOf(latest)}.</p>}
    </section>
  );
}

/** After consent by card: what was recorded and what happened to the charge. */
export function CardOutcome({ cardCheck }: { cardCheck: CardCheck }) {
  const latest = cardCheck.latest;
  if (latest?.status !== 'consented') return null;
  const charged = chargedOf(latest);
  return (
    <Alert tone="success">
      <span data-testid="guardian-card-outcome">
        Consent recorded by card. {latest.refund === 'succeeded' ? `The ${charged} charge was refunded in full.` : latest.refund === 'failed' ? `The refund of ${charged} failed; our team will return it.` : `The refund of ${charged} is on its way.`}
      </span>
    </Alert>
  );
}
