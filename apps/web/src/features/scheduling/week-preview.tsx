import type { AvailabilityPolicyView } from '@tutorline/contracts';
import { useState } from 'react';
import { errorMessage } from '../../lib/api';
import { formatMinutes, formatTime, formatTimeRange, plural } from '../../lib/format';
import { serverNow } from '../../lib/server-clock';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { ZoneName } from '../../ui/zone-name';
import { useSlots } from './scheduling-queries';
import { dateInZone, dayLabel, nextDates, slotsByDate, startRuns } from './slot-format';
import './availability.css';

/** What learners can book in the next 7 days under the saved policy, read in the tutor's own zone. */
export function WeekPreview({ tutorId, policy }: { tutorId: string; policy: AvailabilityPolicyView }) {
  const [range] = useState(() => {
    const now = serverNow();
    return { now, from: new Date(now).toISOString(), to: new Date(now + 7 * 86_400_000).toISOString() };
  });
  const [duration, setDuration] = useState(policy.durationsMinutes[0] ?? 60);
  const offered = policy.durationsMinutes.includes(duration) ? duration : (policy.durationsMinutes[0] ?? 60);
  const slots = useSlots(tutorId, { from: range.from, to: range.to, duration: offered, zone: policy.timeZone }, policy.updatedAt !== null);
  const byDate = slotsByDate(slots.data?.slots ?? []);
  const dates = nextDates(dateInZone(range.now, policy.timeZone), 8);

  return (
    <section className="card" aria-labelledby="preview-title" data-testid="week-preview">
      <div className="card-intro">
        <h2 id="preview-title">Next 7 days, as learners can book</h2>
        <p className="muted">Lesson start times from your saved availability, after notice, breaks and bookings, every 15 minutes. Times in your zone, <ZoneName zone={policy.timeZone} />.</p>
      </div>
      {policy.durationsMinutes.length > 1 && (
        <div className="segmented" role="group" aria-label="Preview lesson length">
          {policy.durationsMinutes.map((m) => (
            <button key={m} type="button" className="segment" aria-pressed={m === offered} onClick={() => setDuration(m)}>
              {formatMinutes(m)}
            </button>
          ))}
        </div>
      )}
      {policy.updatedAt === null && <p className="muted">Save your availability to see the slots it gives.</p>}
      {slots.isPending && policy.updatedAt !== null && (
        <p className="muted" role="status">
          <span className="spinner" aria-hidden="true" /> Working out your slots…
        </p>
      )}
      {slots.isError && (
        <Alert tone="error">
          <p>{errorMessage(slots.error)}</p>
          <Button variant="secondary" onClick={() => void slots.refetch()}>
            Try again
          </Button>
        </Alert>
      )}
      {slots.data && (
        <ul className="preview-days" aria-busy={slots.isFetching || undefined}>
          {dates.map((date) => {
            const list = byDate.get(date) ?? [];
            if (list.length === 0 && date === dates[dates.length - 1]) return null;
            return (
              <li key={date} className="preview-day">
                <span className="preview-date">{dayLabel(date)}</span>
                {list.length === 0 ? (
                  <span className="muted">No slots</span>
                ) : (
                  <span className="preview-times">
                    {plural(list.length, { one: '# start', other: '# starts' })}:{' '}
                    {startRuns(list.map((s) => s.start))
                      .map(([first, last]) => (first === last ? formatTime(first, { zone: policy.timeZone }) : formatTimeRange(first, last, { zone: policy.timeZone })))
                      .join(', ')}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
