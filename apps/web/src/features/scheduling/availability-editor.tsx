import type { AvailabilityPolicyView } from '@tutorline/contracts';
import { type RefObject, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../lib/api';
import { formatDuration, formatMinutes } from '../../lib/format';
import { useFocusFirstInvalid } from '../../lib/use-focus-first-invalid';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { SelectField, TextField } from '../../ui/field';
import { TimeZoneOptions } from '../../ui/time-zone-options';
import {
  bodyFromDraft,
  cleanMessage,
  copyMondayToWeekdays,
  draftFromPolicy,
  draftProblems,
  errorKeyFor,
  newKey,
  rangeDraft,
  sessionLengthChoices,
  suggestRange,
  weekdayNames,
  weekdays,
  type AvailabilityDraft,
  type RangeDraft,
} from './availability-draft';
import { useSaveAvailability } from './scheduling-queries';
import './availability.css';

const bufferChoices = [0, 5, 10, 15, 30, 45, 60];
const noticeChoices = [0, 60, 120, 240, 720, 1440, 2880, 4320, 10080];
const horizonChoices = [7, 14, 30, 60, 90, 180, 365];
const cancelChoices = [0, 2, 4, 6, 12, 24, 48, 72];

/** Fields drawn by TextField/SelectField, which put their label before the message. */
const labelledFields = new Set(['timeZone', 'bufferMinutes', 'minNoticeMinutes', 'maxPerDay', 'horizonDays', 'cancelFreeHours']);

const withCurrent = (choices: number[], current: number) => (choices.includes(current) ? choices : [...choices, current].sort((a, b) => a - b));
const noticeLabel = (m: number) => (m === 0 ? 'No notice needed' : formatDuration(m));
const hoursLabel = (h: number) => (h === 0 ? 'Any time before the start' : `${formatDuration(h * 60)} before`);

interface RangeRowProps {
  label: string;
  range: RangeDraft;
  error: string | undefined;
  onChange: (range: RangeDraft) => void;
  onRemove: () => void;
}

function RangeRow({ label, range, error, onChange, onRemove }: RangeRowProps) {
  const errorId = `${range.key}-error`;
  return (
    <li className={`range-row${error ? ' field-invalid' : ''}`}>
      <div className="range-inputs">
        <input
          type="time"
          className="input"
          aria-label={`${label} from`}
          value={range.start}
          step={300}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => onChange({ ...range, start: e.target.value })}
        />
        <span aria-hidden="true">–</span>
        <input
          type="time"
          className="input"
          aria-label={`${label} until`}
          value={range.end}
          step={300}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => onChange({ ...range, end: e.target.value })}
        />
        <Button variant="ghost" className="icon-only" aria-label={`Remove ${label}`} onClick={onRemove}>
          <span aria-hidden="true">✕</span>
        </Button>
      </div>
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
    </li>
  );
}

function RangeList({ name, ranges, errors, onChange }: { name: string; ranges: RangeDraft[]; errors: Record<string, string>; onChange: (ranges: RangeDraft[]) => void }) {
  const rangeLabel = (i: number) => (ranges.length > 1 ? `${name} hours ${i + 1}` : `${name} hours`);
  return (
    <ul className="range-list">
      {ranges.map((r, i) => (
        <RangeRow
          key={r.key}
          label={rangeLabel(i)}
          range={r}
          error={errors[r.key]}
          onChange={(next) => onChange(ranges.map((x) => (x.key === r.key ? next : x)))}
          onRemove={() => onChange(ranges.filter((x) => x.key !== r.key))}
        />
      ))}
    </ul>
  );
}

/**
 * The sticky Save bar covers the bottom of the screen: the page scrolls focused fields (and the last ones) clear of it
 * by its measured height (it grows when an error shows).
 */
function useStickyBarRoom(ref: RefObject<HTMLDivElement | null>) {
  useEffect(() => {
    const bar = ref.current;
    if (!bar) return;
    const root = document.documentElement;
    const apply = () => root.style.setProperty('--save-bar-height', `${Math.ceil(bar.getBoundingClientRect().height)}px`);
    apply();
    const observer = new ResizeObserver(apply);
    observer.observe(bar);
    root.classList.add('has-save-bar');
    return () => {
      observer.disconnect();
      root.classList.remove('has-save-bar');
      root.style.removeProperty('--save-bar-height');
    };
  }, [ref]);
}

export function AvailabilityEditor({ policy, tutorId }: { policy: AvailabilityPolicyView; tutorId: string }) {
  const [draft, setDraft] = useState<AvailabilityDraft>(() => draftFromPolicy(policy));
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [attempt, setAttempt] = useState(0);
  const [saved, setSaved] = useState(false);
  const [sent, setSent] = useState<ReturnType<typeof bodyFromDraft> | null>(null);
  const save = useSaveAvailability(tutorId);
  const formRef = useRef<HTMLFormElement>(null);
  const saveBarRef = useRef<HTMLDivElement>(null);
  useStickyBarRoom(saveBarRef);
  useFocusFirstInvalid(formRef, attempt, save.error);

  // The server's messages, placed beside the rows they name (using the keys of the body that was sent).
  const server = useMemo(() => {
    const fields: Record<string, string> = {};
    const unplaced: string[] = [];
    if (save.error instanceof ApiError && sent) {
      for (const f of save.error.fields) {
        const key = errorKeyFor(f.path, sent);
        // Fields print "<Label> must be …" themselves; rows show the sentence on its own.
        const message = labelledFields.has(key) ? cleanMessage(f.message).replace(/^[A-Z]/, (c) => c.toLowerCase()) : cleanMessage(f.message);
        if (key) fields[key] = fields[key] ? `${fields[key]}; ${message}` : message;
        else unplaced.push(message);
      }
    }
    return { fields, unplaced };
  }, [save.error, sent]);
  const errors = { ...server.fields, ...localErrors };

  const update = (change: Partial<AvailabilityDraft>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...change }));
  };
  const setDay = (day: (typeof weekdays)[number], ranges: RangeDraft[]) => update({ week: { ...draft.week, [day]: ranges } });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const problems = draftProblems(draft);
    setLocalErrors(problems);
    setAttempt((n) => n + 1);
    if (Object.keys(problems).length) return;
    const built = bodyFromDraft(draft);
    setSent(built);
    save.mutate(built.body, { onSuccess: () => setSaved(true) });
  };

  const errorCount = Object.keys(errors).length;
  const summary =
    Object.keys(localErrors).length > 0
      ? 'Please fix the highlighted items.'
      : save.error
        ? server.unplaced.length || !(save.error instanceof ApiError) || save.error.fields.length === 0
          ? save.error.message
          : 'Please fix the highlighted items.'
        : null;

  return (
    <form ref={formRef} className="form availability-form" onSubmit={onSubmit} noValidate aria-label="Availability">
      <section className="card" aria-labelledby="zone-title">
        <h2 id="zone-title">Time zone</h2>
        <SelectField label="Your time zone" value={draft.timeZone} error={errors.timeZone} hint="All hours below are in this zone. Learners see them in theirs." onChange={(e) => update({ timeZone: e.target.value })}>
          <TimeZoneOptions current={policy.timeZone} />
        </SelectField>
      </section>

      <section className="card" aria-labelledby="week-title">
        <div className="card-head">
          <h2 id="week-title">Weekly hours</h2>
          <Button variant="secondary" className="btn-small" disabled={draft.week[1].length === 0} onClick={() => update({ week: copyMondayToWeekdays(draft.week) })}>
            Copy Monday to weekdays
          </Button>
        </div>
        {errors.rules && <p className="field-error">{errors.rules}</p>}
        <ul className="week-list">
          {weekdays.map((day) => {
            const name = weekdayNames[day];
            const ranges = draft.week[day];
            return (
              <li className="day-row" key={day} aria-labelledby={`day-${day}`}>
                <div className="day-head">
                  <h3 id={`day-${day}`} className="day-name">
                    {name}
                  </h3>
                  {ranges.length === 0 && <span className="muted">Unavailable</span>}
                  <Button variant="ghost" className="btn-small" aria-label={`Add hours on ${name}`} onClick={() => setDay(day, [...ranges, rangeDraft(suggestRange(ranges).start, suggestRange(ranges).end)])}>
                    + Add hours
                  </Button>
                </div>
                {ranges.length > 0 && <RangeList name={name} ranges={ranges} errors={errors} onChange={(next) => setDay(day, next)} />}
              </li>
            );
          })}
        </ul>
      </section>

      <section className="card" aria-labelledby="overrides-title">
        <div className="card-intro">
          <h2 id="overrides-title">Date overrides</h2>
          <p className="muted">A day off, or different hours on one date. They replace that day’s weekly hours.</p>
        </div>
        {errors.overrides && <p className="field-error">{errors.overrides}</p>}
        {draft.overrides.length === 0 && <p className="muted">No overrides.</p>}
        <ul className="override-list">
          {draft.overrides.map((o, i) => {
            const name = `Override ${i + 1}`;
            const setOverride = (next: Partial<typeof o>) => update({ overrides: draft.overrides.map((x) => (x.key === o.key ? { ...x, ...next } : x)) });
            return (
              <li className="override-row" key={o.key}>
                <div className="override-head">
                  <TextField label={`${name} date`} type="date" value={o.date} error={errors[o.key]} onChange={(e) => setOverride({ date: e.target.value })} />
                  <Button variant="danger" className="btn-small" aria-label={`Remove ${name.toLowerCase()}`} onClick={() => update({ overrides: draft.overrides.filter((x) => x.key !== o.key) })}>
                    Remove
                  </Button>
                </div>
                {o.ranges.length === 0 ? (
                  <p className="override-off">
                    <strong>Day off</strong>: no lessons on this date.
                  </p>
                ) : (
                  <RangeList name={name} ranges={o.ranges} errors={errors} onChange={(ranges) => setOverride({ ranges })} />
                )}
                <Button variant="ghost" className="btn-small" aria-label={`Add hours to ${name.toLowerCase()}`} onClick={() => setOverride({ ranges: [...o.ranges, rangeDraft(suggestRange(o.ranges).start, suggestRange(o.ranges).end)] })}>
                  + Add hours{o.ranges.length === 0 ? ' instead' : ''}
                </Button>
              </li>
            );
          })}
        </ul>
        <div className="form-actions">
          <Button variant="secondary" onClick={() => update({ overrides: [...draft.overrides, { key: newKey('o'), date: '', ranges: [] }] })}>
            Add a day off
          </Button>
          <Button variant="secondary" onClick={() => update({ overrides: [...draft.overrides, { key: newKey('o'), date: '', ranges: [rangeDraft('09:00', '12:00')] }] })}>
            Add extra hours
          </Button>
        </div>
      </section>

      <section className="card" aria-labelledby="rules-title">
        <h2 id="rules-title">Lessons and bookings</h2>
        <fieldset className={`fieldset${errors.durationsMinutes ? ' field-invalid' : ''}`} aria-describedby={errors.durationsMinutes ? 'durations-error' : undefined}>
          <legend>Lesson lengths</legend>
          <div className="chips">
            {sessionLengthChoices.map((m) => (
              <label className="chip" key={m}>
                <input
                  type="checkbox"
                  checked={draft.durationsMinutes.includes(m)}
                  onChange={(e) => update({ durationsMinutes: e.target.checked ? [...draft.durationsMinutes, m] : draft.durationsMinutes.filter((x) => x !== m) })}
                />
                <span>{formatMinutes(m)}</span>
              </label>
            ))}
          </div>
          {errors.durationsMinutes && (
            <p className="field-error" id="durations-error">
              {errors.durationsMinutes}
            </p>
          )}
        </fieldset>
        <div className="settings-grid">
          <SelectField label="Break between lessons" value={draft.bufferMinutes} error={errors.bufferMinutes} onChange={(e) => update({ bufferMinutes: Number(e.target.value) })}>
            {withCurrent(bufferChoices, draft.bufferMinutes).map((m) => (
              <option key={m} value={m}>
                {m === 0 ? 'None' : formatMinutes(m)}
              </option>
            ))}
          </SelectField>
          <SelectField label="Minimum notice" value={draft.minNoticeMinutes} error={errors.minNoticeMinutes} hint="How soon before a lesson it can be booked." onChange={(e) => update({ minNoticeMinutes: Number(e.target.value) })}>
            {withCurrent(noticeChoices, draft.minNoticeMinutes).map((m) => (
              <option key={m} value={m}>
                {noticeLabel(m)}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Most lessons a day"
            inputMode="numeric"
            value={draft.maxPerDay}
            placeholder="No limit"
            error={errors.maxPerDay}
            hint="Leave empty for no limit."
            onChange={(e) => update({ maxPerDay: e.target.value })}
          />
          <SelectField label="Book how far ahead" value={draft.horizonDays} error={errors.horizonDays} onChange={(e) => update({ horizonDays: Number(e.target.value) })}>
            {withCurrent(horizonChoices, draft.horizonDays).map((d) => (
              <option key={d} value={d}>
                {formatDuration(d * 1440)}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Free cancellation until"
            value={draft.cancelFreeHours}
            error={errors.cancelFreeHours}
            hint="Cancelling later than this counts as a late cancellation."
            onChange={(e) => update({ cancelFreeHours: Number(e.target.value) })}
          >
            {withCurrent(cancelChoices, draft.cancelFreeHours).map((h) => (
              <option key={h} value={h}>
                {hoursLabel(h)}
              </option>
            ))}
          </SelectField>
        </div>
      </section>

      <div className="save-bar" ref={saveBarRef}>
        {summary && (
          <Alert tone="error" testId="availability-error">
            <p>{summary}</p>
            {server.unplaced.length > 0 && (
              <ul>
                {server.unplaced.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            )}
          </Alert>
        )}
        <div className="form-actions">
          <Button type="submit" className="btn-large" block pending={save.isPending} pendingLabel="Saving…">
            Save availability
          </Button>
          <span className="form-status" role="status">
            {saved && !save.isPending && errorCount === 0 ? 'Availability saved.' : ''}
          </span>
        </div>
      </div>
    </form>
  );
}
