import type { BillingPlan, UpdatePlanBody } from '@tutorline/contracts';
import { useState, type FormEvent } from 'react';
import { formErrorsOf } from '../../lib/form-errors';
import { formatMoney, plural } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { SelectField, TextField } from '../../ui/field';
import { majorToMinor, minorToMajorInput } from './billing-format';
import { useSavePlan } from './billing-queries';
import './billing.css';

const CURRENCIES = ['INR', 'USD'] as const;
const fields = ['id', 'name', 'kind', 'questions', 'trialDays', 'graceDays', 'prices', 'INR', 'USD'];

interface Draft {
  id: string;
  name: string;
  kind: BillingPlan['kind'];
  questions: string;
  trialDays: string;
  graceDays: string;
  active: boolean;
  prices: Record<string, string>;
}

function draftOf(plan: BillingPlan | null): Draft {
  if (!plan) return { id: '', name: '', kind: 'subscription', questions: '20', trialDays: '0', graceDays: '3', active: true, prices: { INR: '', USD: '' } };
  const prices: Record<string, string> = { INR: '', USD: '' };
  for (const p of plan.prices) if (p.active) prices[p.currency] = minorToMajorInput(p.amountMinor, p.currency);
  return { id: plan.id, name: plan.name, kind: plan.kind, questions: String(plan.questions), trialDays: String(plan.trialDays), graceDays: String(plan.graceDays), active: plan.active, prices };
}

/** Whole numbers as typed; NaN (sent as is) lets the server say what is wrong. */
const int = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : Number.NaN);

/** Create or edit one plan: prices typed in major units (₹499.00, $9.99), sent in minor units; the server's messages by the fields. */
function PlanForm({ plan, onDone }: { plan: BillingPlan | null; onDone: () => void }) {
  const [draft, setDraft] = useState(() => draftOf(plan));
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useSavePlan();
  const isNew = plan === null;
  const server = formErrorsOf(save.error, fields);
  // The server names price problems by their index in `prices`: map them back to the currency fields.
  const priceError = (currency: string) => local[currency] ?? (save.error ? server.fields.prices : undefined);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    const prices = CURRENCIES.map((currency) => {
      const text = draft.prices[currency] ?? '';
      const amountMinor = majorToMinor(text, currency);
      if (!text.trim()) errors[currency] = 'is required';
      else if (amountMinor === null) errors[currency] = `must be an amount like ${currency === 'INR' ? '499 or 499.50' : '9 or 9.99'}`;
      else if (amountMinor <= 0) errors[currency] = 'must be more than zero';
      return { currency, amountMinor: amountMinor ?? 0, active: true };
    });
    setLocal(errors);
    if (Object.keys(errors).length > 0) return;
    const body: UpdatePlanBody = {
      name: draft.name,
      kind: draft.kind,
      questions: int(draft.questions),
      trialDays: int(draft.trialDays),
      graceDays: int(draft.graceDays),
      active: draft.active,
      prices,
    };
    save.mutate({ id: draft.id.trim(), isNew, body }, { onSuccess: onDone });
  };

  const title = isNew ? 'New plan' : `Edit ${plan.name}`;
  return (
    <form className="form card plan-form" onSubmit={onSubmit} noValidate aria-label={title}>
      <h3>{title}</h3>
      {isNew && (
        <TextField label="Plan id" value={draft.id} hint="Lowercase letters, digits, - and _ (e.g. monthly-30). It cannot change later." error={server.fields.id} onChange={(e) => set({ id: e.target.value })} />
      )}
      <TextField label="Name" value={draft.name} error={server.fields.name} onChange={(e) => set({ name: e.target.value })} />
      <SelectField label="Kind" value={draft.kind} error={server.fields.kind} onChange={(e) => set({ kind: e.target.value as Draft['kind'] })}>
        <option value="subscription">Monthly subscription</option>
        <option value="credit_pack">Credit pack (one-off)</option>
      </SelectField>
      <TextField
        label={draft.kind === 'subscription' ? 'Questions a month' : 'Question credits'}
        inputMode="numeric"
        value={draft.questions}
        error={server.fields.questions}
        onChange={(e) => set({ questions: e.target.value })}
      />
      <div className="field-row billing-two">
        {CURRENCIES.map((currency) => (
          <TextField
            key={currency}
            label={`Price in ${currency}`}
            inputMode="decimal"
            value={draft.prices[currency] ?? ''}
            hint={majorToMinor(draft.prices[currency] ?? '', currency) ? formatMoney(majorToMinor(draft.prices[currency] ?? '', currency)!, currency) : currency === 'INR' ? 'e.g. 499' : 'e.g. 9.99'}
            error={priceError(currency)}
            onChange={(e) => {
              set({ prices: { ...draft.prices, [currency]: e.target.value } });
              setLocal(({ [currency]: _gone, ...rest }) => rest);
            }}
          />
        ))}
      </div>
      {draft.kind === 'subscription' && (
        <div className="field-row billing-two">
          <TextField label="Free trial days" inputMode="numeric" value={draft.trialDays} error={server.fields.trialDays} onChange={(e) => set({ trialDays: e.target.value })} />
          <TextField label="Grace days" inputMode="numeric" value={draft.graceDays} hint="Asking still works this long after a failed renewal." error={server.fields.graceDays} onChange={(e) => set({ graceDays: e.target.value })} />
        </div>
      )}
      <label className="check-line">
        <input type="checkbox" checked={draft.active} onChange={(e) => set({ active: e.target.checked })} /> On sale
      </label>
      {server.summary && (
        <Alert tone="error" title="The plan was not saved">
          <p>{server.summary}</p>
        </Alert>
      )}
      <div className="form-actions">
        <Button type="submit" pending={save.isPending} pendingLabel="Saving…">
          {isNew ? 'Create plan' : 'Save plan'}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** All plans (on sale or not) with their prices; one at a time opens in the form. */
export function PlansEditor({ plans }: { plans: BillingPlan[] }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const done = (message: string | null) => () => {
    setEditing(null);
    setSaved(message);
  };
  return (
    <div className="stack" data-testid="plans-editor">
      {saved && <Alert tone="success" title={saved} />}
      {editing === '' ? (
        <PlanForm plan={null} onDone={done('Plan created')} />
      ) : (
        <Button variant="secondary" onClick={() => { setSaved(null); setEditing(''); }}>
          New plan
        </Button>
      )}
      <ul className="plan-admin-list">
        {plans.map((p) =>
          editing === p.id ? (
            <li key={p.id}>
              <PlanForm plan={p} onDone={done('Plan saved')} />
            </li>
          ) : (
            <li key={p.id} className="plan-admin-row" data-plan-id={p.id}>
              <div className="plan-admin-main">
                <strong>{p.name}</strong>
                <span className="muted">
                  {p.kind === 'subscription' ? plural(p.questions, { one: '# question a month', other: '# questions a month' }) : plural(p.questions, { one: '# credit', other: '# credits' })} · {p.id}
                </span>
                <span>
                  {p.prices
                    .filter((x) => x.active)
                    .map((x) => formatMoney(x.amountMinor, x.currency))
                    .join(' · ') || 'No prices'}
                </span>
              </div>
              <div className="plan-admin-side">
                <span className={`badge ${p.active ? 'badge-approved' : 'badge-neutral'}`}>{p.active ? 'On sale' : 'Off sale'}</span>
                <Button variant="secondary" className="btn-small" aria-label={`Edit ${p.name}`} onClick={() => { setSaved(null); setEditing(p.id); }}>
                  Edit
                </Button>
              </div>
            </li>
          ),
        )}
      </ul>
    </div>
  );
}
