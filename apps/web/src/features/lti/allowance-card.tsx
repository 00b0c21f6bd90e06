import type { LtiAllowance, LtiAllowanceBody } from '@tutorline/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../../lib/api';
import { plural } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { SelectField, TextField } from '../../ui/field';

/** "4 lessons" or "120 minutes": an amount of the allowance's unit. */
export const allowanceAmount = (n: number, unit: LtiAllowanceBody['unit']) => (unit === 'lessons' ? plural(n, { one: '# lesson', other: '# lessons' }) : plural(n, { one: '# minute', other: '# minutes' }));

/**
 * Course staff: the school-paid tutoring of the course (decision 068). Each learner may book this much per month
 * without paying; past it, or with none, they pay as usual.
 */
export function AllowanceCard({ courseId, allowance }: { courseId: string; allowance: LtiAllowance }) {
  const client = useQueryClient();
  const current = allowance.allowance;
  const [unit, setUnit] = useState<LtiAllowanceBody['unit']>(current?.unit ?? 'lessons');
  const [amount, setAmount] = useState(String(current?.perLearnerMonthly ?? 0));
  const save = useMutation({
    mutationFn: (body: LtiAllowanceBody) => api.put<LtiAllowance>(`/api/lti/courses/${encodeURIComponent(courseId)}/allowance`, body),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['lti-usage', courseId] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ unit, perLearnerMonthly: Number(amount) });
  };
  const on = current && current.perLearnerMonthly > 0;
  return (
    <section className="card lti-allowance stack" aria-labelledby="allowance-title" data-testid="lti-allowance">
      <h3 id="allowance-title">Tutoring paid by the school</h3>
      <p data-testid="lti-allowance-summary">
        {on
          ? `Each learner may book ${allowanceAmount(current.perLearnerMonthly, current.unit)} a month without paying. Used this month (${allowance.month}): ${allowanceAmount(allowance.usedThisMonth, current.unit)}.`
          : 'None: learners pay for the lessons they book from this course.'}
      </p>
      <form className="lti-allowance-form" onSubmit={submit}>
        <TextField label="Per learner per month" type="number" inputMode="numeric" min={0} step={1} value={amount} onChange={(e) => setAmount(e.target.value)} required />
        <SelectField label="Counted in" value={unit} onChange={(e) => setUnit(e.target.value as LtiAllowanceBody['unit'])}>
          <option value="lessons">lessons</option>
          <option value="minutes">lesson minutes</option>
        </SelectField>
        <Button type="submit" pending={save.isPending} pendingLabel="Saving…">
          Save
        </Button>
      </form>
      {save.error && <Alert tone="error">{errorMessage(save.error)}</Alert>}
      {save.isSuccess && !save.isPending && <Alert tone="success">Saved. Bookings from now on use it; 0 switches it off.</Alert>}
    </section>
  );
}
