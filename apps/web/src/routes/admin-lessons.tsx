import type { OpsSchedule } from '@tutorline/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { RequireRole } from '../features/auth';
import { api } from '../lib/api';
import { formatTimeRange } from '../lib/format';
import { usePageTitle } from '../lib/page-title';
import { TextField } from '../ui/field';
import { PageError, PageLoading } from '../ui/page-states';
// The .tutor-row list style lives in the admin sheet; this page loads without the admin home (#21).
import '../features/admin/admin.css';

const lessonWords: Record<string, string> = {
  completed: 'Completed',
  tutor_no_show: 'Tutor did not come',
  student_no_show: 'Student did not come',
  both_no_show: 'Room open, nobody came',
  late_cancellation: 'Cancelled late',
  cancelled: 'Cancelled',
};
const classWords: Record<string, string> = { scheduled: 'Scheduled', completed: 'Taught', tutor_no_show: 'Tutor did not come', cancelled: 'Cancelled' };
const lessonState = (l: OpsSchedule['lessons'][number]) => (l.outcome ? (lessonWords[l.outcome] ?? l.outcome) : l.status === 'confirmed' ? 'Booked' : l.status);
const classState = (c: OpsSchedule['classes'][number]) => (c.status === 'completed' && c.attended === 0 ? 'Taught, nobody came' : (classWords[c.status] ?? c.status));
const todayUtc = () => new Date().toISOString().slice(0, 10);

/** /admin/lessons (#18): one day's lessons and classes with what became of them, the list behind the ops tile. */
export function AdminLessonsPage() {
  return <RequireRole role="admin">{() => <DayLessons />}</RequireRole>;
}

function DayLessons() {
  usePageTitle('Lessons and classes');
  const [params, setParams] = useSearchParams();
  const day = params.get('day') ?? todayUtc();
  const schedule = useQuery({ queryKey: ['ops', 'schedule', day], queryFn: () => api.get<OpsSchedule>(`/api/ops/schedule?day=${encodeURIComponent(day)}`), placeholderData: keepPreviousData });
  return (
    <section className="page page-medium" data-testid="admin-lessons" aria-labelledby="admin-lessons-title">
      <p className="eyebrow">
        <Link to="/ops">Operations</Link>
      </p>
      <h1 id="admin-lessons-title">Lessons and classes</h1>
      <TextField label="Day (UTC)" type="date" value={day} onChange={(e) => e.target.value && setParams({ day: e.target.value }, { replace: true })} data-testid="lessons-day" />
      {schedule.isPending ? (
        <PageLoading label="Loading the day…" />
      ) : schedule.isError ? (
        <PageError error={schedule.error} onRetry={() => void schedule.refetch()} />
      ) : (
        <div aria-busy={schedule.isFetching}>
          <h2>Lessons ({schedule.data.lessons.length})</h2>
          {schedule.data.lessons.length === 0 ? (
            <p className="empty">No lesson on this day.</p>
          ) : (
            <ul className="tutor-list">
              {schedule.data.lessons.map((l) => (
                <li key={l.id} className="tutor-row" data-testid="lesson-row">
                  <div className="tutor-row-who">
                    <p className="tutor-row-name">
                      {formatTimeRange(l.startsAt, l.endsAt, { zone: 'UTC' })} · {lessonState(l)}
                    </p>
                    <p className="tutor-row-meta">
                      <Link to={`/admin/people/${l.tutor.id}`}>{l.tutor.displayName}</Link> with <Link to={`/admin/people/${l.student.id}`}>{l.student.displayName}</Link>
                      {l.subjectId ? ` · ${l.subjectId}` : ''}
                    </p>
                  </div>
                </li>
              ))}
            </ul>
          )}
          <h2>Classes ({schedule.data.classes.length})</h2>
          {schedule.data.classes.length === 0 ? (
            <p className="empty">No class on this day.</p>
          ) : (
            <ul className="tutor-list">
              {schedule.data.classes.map((c) => (
                <li key={c.id} className="tutor-row" data-testid="class-row">
                  <div className="tutor-row-who">
                    <p className="tutor-row-name">
                      {formatTimeRange(c.startsAt, c.endsAt, { zone: 'UTC' })} · <Link to={`/classes/${c.id}`}>{c.title}</Link> · {classState(c)}
                    </p>
                    <p className="tutor-row-meta">
                      <Link to={`/admin/people/${c.tutor.id}`}>{c.tutor.displayName}</Link> · {c.attended} of {c.enrolled} came
                    </p>
                  </div>
                </li>
              ))}
            </ul>
          )}
          {schedule.data.truncated && <p className="muted">Only the first 500 of each are shown.</p>}
        </div>
      )}
    </section>
  );
}
