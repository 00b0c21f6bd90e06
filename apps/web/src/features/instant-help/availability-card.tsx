import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { type AvailabilitySwitches, useAvailability, useLiveAvailability, useSetAvailability } from './tutor-queries';
import './tutor-home.css';

const same = (a: AvailabilitySwitches, b: AvailabilitySwitches) => a.online === b.online && a.notifyWhenOffline === b.notifyWhenOffline;

/** The instant-help switch: online tutors get questions in their live feed. */
export function AvailabilityCard({ approved }: { approved: boolean }) {
  const availability = useAvailability();
  const setAvailability = useSetAvailability();
  /**
   * What the switches show while a change is saved. Set in the click handler itself, so a controlled checkbox
   * flips at once instead of snapping back until the server answers; dropped when the cache agrees or on error.
   */
  const [shown, setShown] = useState<AvailabilitySwitches | null>(null);
  const saved = availability.data;
  const current = shown ?? saved;
  const online = current?.online ?? false;
  // The server's truth: while a session of theirs is open, the tutor is offered no questions whatever the switch says.
  const inSession = saved?.activeSession ?? null;
  useLiveAvailability();

  useEffect(() => {
    if (shown && saved && same(shown, saved) && !setAvailability.isPending) setShown(null);
  }, [shown, saved, setAvailability.isPending]);

  const change = (next: AvailabilitySwitches) => {
    setShown(next);
    setAvailability.mutate(next, {
      // The server's answer is the truth (it may refuse part of a change).
      onSuccess: (result) => setShown(result),
      onError: () => setShown(null),
    });
  };

  return (
    <section className="card availability" aria-labelledby="availability-title">
      <h2 id="availability-title" className="visually-hidden">
        Instant help
      </h2>
      {availability.isError && !saved ? (
        <Alert tone="error" title="Your availability could not be loaded">
          <p>{errorMessage(availability.error)}</p>
          <Button variant="secondary" onClick={() => void availability.refetch()}>
            Try again
          </Button>
        </Alert>
      ) : (
        <>
          <label className={`switch-row${online ? ' switch-row-on' : ''}`}>
            <span className="switch-text">
              <span className="switch-label">Available for instant help</span>
              <span className="switch-state" aria-hidden="true">
                {!current ? 'Loading…' : inSession ? 'In a session: questions paused' : online ? 'Online: questions come to you' : 'Offline: you get no questions'}
              </span>
            </span>
            <input
              type="checkbox"
              role="switch"
              className="switch"
              checked={online}
              disabled={!current}
              aria-busy={setAvailability.isPending || undefined}
              data-testid="availability-toggle"
              onChange={(e) => current && change({ online: e.target.checked, notifyWhenOffline: current.notifyWhenOffline })}
            />
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={current?.notifyWhenOffline ?? false}
              disabled={!current}
              data-testid="notify-offline"
              onChange={(e) => current && change({ online: current.online, notifyWhenOffline: e.target.checked })}
            />
            <span>Also notify me when I'm offline</span>
          </label>
          {inSession && (
            <p className="field-hint" data-testid="in-session">
              {inSession.kind === 'booking' ? 'Your booked lesson is open.' : 'You are in a session with a student.'} New questions wait until it ends.{' '}
              <Link to={`/session/${inSession.id}`}>Back to the session</Link>
            </p>
          )}
          {!approved && online && <p className="field-hint">Questions start coming once an admin approves your profile.</p>}
          {setAvailability.isError && (
            <Alert tone="error" title="That change was not saved">
              <p>{errorMessage(setAvailability.error)}</p>
            </Alert>
          )}
        </>
      )}
    </section>
  );
}
