import type { LearnerSlotView } from '@tutorline/contracts';
import { useState, type ReactNode } from 'react';
import { useT } from '../../i18n';
import { formatTime } from '../../lib/format';
import { serverNow } from '../../lib/server-clock';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { bookingErrorText } from './booking-errors';
import { useSlots } from './scheduling-queries';
import { dateInZone, dayLabel, longDateLabel, nextDates, slotDescription, slotsByDate, tutorClock } from './slot-format';
import './booking.css';

export const DAYS_SHOWN = 14;

export interface SlotRange {
  today: string;
  from: string;
  to: string;
}

/** The search window, fixed when the picker opens (so the query key stays put while the clock runs). */
export function useSlotRange(zone: string): SlotRange {
  const [range] = useState(() => {
    const now = serverNow();
    return { today: dateInZone(now, zone), from: new Date(now).toISOString(), to: new Date(now + (DAYS_SHOWN + 1) * 86_400_000).toISOString() };
  });
  return range;
}

interface SlotChooserProps {
  tutorId: string;
  zone: string;
  duration: number;
  range: SlotRange;
  picked: LearnerSlotView | null;
  onPick: (slot: LearnerSlotView | null) => void;
  /** Shown between the days and the times (e.g. "That slot was just taken"). */
  notice?: ReactNode;
  /** A start to leave out (the lesson being moved). */
  exclude?: string;
}

/** Days across the top; the chosen day's slots in the learner's zone, each with the tutor's clock beside it. */
export function SlotChooser({ tutorId, zone, duration, range, picked, onPick, notice, exclude }: SlotChooserProps) {
  const t = useT();
  const [pickedDate, setPickedDate] = useState<string | null>(null);
  const slots = useSlots(tutorId, { from: range.from, to: range.to, duration, zone });
  const byDate = slotsByDate((slots.data?.slots ?? []).filter((s) => s.start !== exclude));
  const dates = nextDates(range.today, DAYS_SHOWN);
  const firstWithSlots = dates.find((d) => (byDate.get(d)?.length ?? 0) > 0) ?? null;
  const date = pickedDate && dates.includes(pickedDate) ? pickedDate : firstWithSlots;
  const daySlots = date ? (byDate.get(date) ?? []) : [];
  const tutorZone = slots.data?.timeZone ?? zone;

  if (slots.isPending) {
    return (
      <p className="muted" role="status">
        <span className="spinner" aria-hidden="true" /> {t('booking.slot.finding')}
      </p>
    );
  }
  if (slots.isError) {
    return (
      <Alert tone="error">
        <p>{bookingErrorText(slots.error)}</p>
        <Button variant="secondary" onClick={() => void slots.refetch()}>
          {t('booking.tryAgain')}
        </Button>
      </Alert>
    );
  }
  return (
    <>
      <div className="day-strip" role="group" aria-label={t('booking.slot.day')}>
        {dates.map((d) => {
          const count = byDate.get(d)?.length ?? 0;
          return (
            <button
              key={d}
              type="button"
              className="day-chip"
              aria-pressed={d === date}
              disabled={count === 0}
              aria-label={t('booking.slot.dayLabel', { date: longDateLabel(d), count })}
              onClick={() => {
                setPickedDate(d);
                onPick(null);
              }}
            >
              <span className="day-chip-label">{dayLabel(d)}</span>
              <span className="day-chip-count">{count || '–'}</span>
            </button>
          );
        })}
      </div>
      {notice}
      {firstWithSlots === null ? (
        <div className="empty">
          <p className="empty-title">{t('booking.slot.noneTitle', { minutes: duration })}</p>
          <p>{t('booking.slot.noneBody')}</p>
        </div>
      ) : (
        <fieldset className="fieldset" aria-busy={slots.isFetching || undefined}>
          <legend className="slot-day-title">{date ? longDateLabel(date) : ''}</legend>
          <ul className="slot-list">
            {daySlots.map((slot) => {
              const selected = picked?.start === slot.start;
              return (
                <li key={slot.start}>
                  <label className={`slot${selected ? ' slot-selected' : ''}`}>
                    <input className="slot-radio" type="radio" name={`slot-${tutorId}`} checked={selected} onChange={() => onPick(slot)} aria-label={slotDescription(slot, zone, tutorZone)} />
                    <span className="slot-yours" aria-hidden="true">
                      {formatTime(slot.start, { zone })}
                    </span>
                    <span className="slot-theirs" aria-hidden="true">
                      {t('booking.slot.tutorClock', { time: tutorClock(slot, tutorZone) })}
                    </span>
                  </label>
                </li>
              );
            })}
          </ul>
        </fieldset>
      )}
    </>
  );
}
