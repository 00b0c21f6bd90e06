import type { ClassView, Me } from '@tutorline/contracts';
import { Link, useSearchParams } from 'react-router';
import { errorMessage } from '../../lib/api';
import { formatDateTime, formatDateTimeRange, formatDuration } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { ZoneName } from '../../ui/zone-name';
import { courseContextOf } from '../lti';
import { levelLabel, useSubjectName } from '../subjects';
import { priceLabel, seatsLabel } from './class-card';
import { useCancelClass, useEnrol, useLeave } from './classes-queries';
import { ClassRosterPanel } from './class-roster';
import { HeldSeatPayment } from './seat-payment';
import './classes.css';
import { ClassRecordings } from '../recordings';

const HOUR = 3_600_000;

/** What the learner can do: enrol (or log in first), leave before the start, and what leaving costs. */
function LearnerActions({ c, me, now, returning }: { c: ClassView; me: Me | null; now: number; returning: boolean }) {
  // Opened from a course's class or series link (?course=): the seat is the course's.
  const [params] = useSearchParams();
  const enrol = useEnrol(courseContextOf(params).course);
  const leave = useLeave();
  const started = Date.parse(c.start) <= now;
  if (c.status !== 'scheduled') return null;
  if (!me) {
    return (
      <Link className="btn btn-primary btn-block" to="/login" state={{ from: `/classes/${c.id}` }}>
        Log in to enrol
      </Link>
    );
  }
  if (me.role !== 'student') return null;
  const lateLeave = Date.parse(c.start) - now < 24 * HOUR;
  return (
    <div className="stack class-actions">
      {enrol.error && <Alert tone="error">{errorMessage(enrol.error)}</Alert>}
      {leave.error && <Alert tone="error">{errorMessage(leave.error)}</Alert>}
      {c.mine === 'held' ? (
        <>
          <HeldSeatPayment c={c} zone={me.timeZone} returning={returning} />
          <Button variant="ghost" block pending={leave.isPending} pendingLabel="Letting it go…" onClick={() => leave.mutate(c.id)}>
            Let the seat go
          </Button>
        </>
      ) : c.mine === 'enrolled' ? (
        <>
          <Alert tone="success" title="You are enrolled">
            The room opens at {formatDateTime(c.roomOpensAt, { zone: me.timeZone })}, 10 minutes before the start.
          </Alert>
          <a className="btn btn-secondary btn-block" href={`/api/classes/${c.id}/invite.ics`}>
            Add to calendar (.ics)
          </a>
          {!started && (
            <Button variant="ghost" block pending={leave.isPending} pendingLabel="Leaving…" onClick={() => leave.mutate(c.id)}>
              {c.free || !lateLeave ? 'Leave this class' : 'Leave this class (no refund within 24 hours)'}
            </Button>
          )}
        </>
      ) : started ? (
        <p className="muted">This class has started.</p>
      ) : c.seatsLeft === 0 ? (
        <Alert tone="info">This class is full.</Alert>
      ) : (
        <Button block pending={enrol.isPending} pendingLabel="Enrolling…" onClick={() => enrol.mutate(c.id)} data-testid="enrol">
          {c.free ? 'Enrol for free' : `Enrol and pay ${priceLabel(c)}`}
        </Button>
      )}
    </div>
  );
}

function TutorActions({ c }: { c: ClassView }) {
  const cancel = useCancelClass();
  if (c.status !== 'scheduled') return null;
  return (
    <div className="stack class-actions">
      {cancel.error && <Alert tone="error">{errorMessage(cancel.error)}</Alert>}
      <a className="btn btn-secondary btn-block" href={`/api/classes/${c.id}/invite.ics`}>
        Add to calendar (.ics)
      </a>
      <Button
        variant="danger"
        block
        pending={cancel.isPending}
        pendingLabel="Cancelling…"
        onClick={() => window.confirm('Cancel this class? Every learner is told, and refunded what they paid.') && cancel.mutate(c.id)}
      >
        Cancel class
      </Button>
    </div>
  );
}

/** One class: when (on the viewer's clock), what, who, seats, price, and what the viewer can do. */
export function ClassDetail({ c, me, zone, now, returning = false }: { c: ClassView; me: Me | null; zone: string; now: number; returning?: boolean }) {
  const subjectName = useSubjectName();
  return (
    <article className="stack" data-testid="class-detail">
      <div className="page-intro">
        <p className="class-kicker">
          {subjectName(c.subjectId)} · {levelLabel(c.level)}
        </p>
        <h1 id="class-title">{c.title}</h1>
        <p className="lead">
          with{' '}
          <Link to={`/tutors/${c.tutorId}`}>{c.tutorName}</Link>
        </p>
      </div>
      <div className="card stack">
        <dl className="class-facts">
          <div>
            <dt>When</dt>
            <dd data-testid="class-when">{formatDateTimeRange(c.start, c.end, { zone })}</dd>
          </div>
          <div>
            <dt>Length</dt>
            <dd>{formatDuration(c.durationMinutes)}</dd>
          </div>
          <div>
            <dt>Price</dt>
            <dd>{priceLabel(c)}</dd>
          </div>
          <div>
            <dt>Seats</dt>
            <dd>
              {seatsLabel(c)} (of {c.capacity})
            </dd>
          </div>
          <div>
            <dt>Language</dt>
            <dd>{c.language}</dd>
          </div>
        </dl>
        <p className="muted">
          Times are in your zone, <ZoneName zone={zone} />.
        </p>
        {c.status === 'cancelled' && <Alert tone="error">The tutor cancelled this class.</Alert>}
        {c.mine === 'teaching' ? <TutorActions c={c} /> : <LearnerActions c={c} me={me} now={now} returning={returning} />}
      </div>
      {c.description && (
        <section className="card" aria-labelledby="about-class">
          <h2 id="about-class">About this class</h2>
          <p className="class-description">{c.description}</p>
        </section>
      )}
      {c.mine === 'teaching' && <ClassRosterPanel c={c} now={now} />}
      {(c.mine === 'teaching' || c.mine === 'enrolled') && <ClassRecordings classId={c.id} zone={zone} />}
    </article>
  );
}
