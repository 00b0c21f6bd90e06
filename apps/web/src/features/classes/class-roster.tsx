import type { ClassView } from '@tutorline/contracts';
import { errorMessage } from '../../lib/api';
import { formatDateTime, formatMinutes, formatTime } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { useAttendance, useRoster } from './classes-queries';
import './classes.css';

/** The tutor's view of a class: who is enrolled, and after the start who came, when, and for how long. */
export function ClassRosterPanel({ c, now }: { c: ClassView; now: number }) {
  const roster = useRoster(c.id, true);
  const started = Date.parse(c.start) <= now;
  const attendance = useAttendance(c.id, started);
  const enrolled = (roster.data ?? []).filter((l) => l.status === 'enrolled');
  return (
    <>
      <section className="card" aria-labelledby="roster-title" data-testid="class-roster">
        <h2 id="roster-title">Enrolled learners ({enrolled.length})</h2>
        {roster.isError && <Alert tone="error">{errorMessage(roster.error)}</Alert>}
        {enrolled.length === 0 ? (
          <p className="muted">Nobody has enrolled yet.</p>
        ) : (
          <ul className="class-roster">
            {enrolled.map((l) => (
              <li key={l.userId}>
                <span>{l.name}</span>
                <span className="muted">since {formatDateTime(l.enrolledAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {started && (
        <section className="card" aria-labelledby="attendance-title" data-testid="class-attendance">
          <h2 id="attendance-title">Attendance</h2>
          {attendance.isError && <Alert tone="error">{errorMessage(attendance.error)}</Alert>}
          {attendance.data && (
            <>
              <table className="class-attendance">
                <thead>
                  <tr>
                    <th scope="col">Learner</th>
                    <th scope="col">In the room</th>
                    <th scope="col">Total</th>
                  </tr>
                </thead>
                <tbody>
                  {attendance.data.learners.map((l) => (
                    <tr key={l.userId}>
                      <td>{l.name}</td>
                      <td>{l.intervals.length === 0 ? <span className="muted">Did not join</span> : l.intervals.map((i) => `${formatTime(i.joinedAt)}–${i.leftAt ? formatTime(i.leftAt) : '…'}`).join(', ')}</td>
                      <td>{formatMinutes(l.minutesPresent)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <a className="btn btn-secondary" href={`/api/classes/${c.id}/attendance?format=csv`} download>
                Download CSV
              </a>
            </>
          )}
        </section>
      )}
    </>
  );
}
