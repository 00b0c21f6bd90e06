import { formatDateTime, formatDuration, plural } from '../../lib/format';
import { PageError } from '../../ui/page-states';
import { AllowanceCard, allowanceAmount } from './allowance-card';
import { useLtiUsage } from './lti-queries';
import { StatementCard } from './statement-card';
import './lti-usage.css';

const rosterProblems: Record<string, string> = {
  roster_loops: "The LMS sent a class list whose pages go round in a circle, so it was not read. The last list is shown; tell your LMS administrator.",
  roster_too_long: 'The class list from the LMS was too long to read. The last list is shown.',
  token_failed: 'The LMS did not let Tutorline read the class list just now. The last list is shown.',
  roster_unavailable: 'The LMS did not answer with the class list just now. The last list is shown.',
  not_a_membership_container: 'The LMS answered with something that is not a class list. The last list is shown.',
};

/** Course staff: each learner's sessions, lessons, classes, minutes and last activity, and the CSV of every activity. */
export function UsageReport({ courseId, timeZone }: { courseId: string; timeZone?: string | undefined }) {
  const usage = useLtiUsage(courseId, true);
  if (usage.isPending) return <p aria-busy="true">Loading your learners' usage…</p>;
  if (usage.isError) return <PageError error={usage.error} onRetry={() => void usage.refetch()} />;
  const { learners, roster, allowance } = usage.data;
  const unit = allowance.allowance?.unit;
  const zone = timeZone ? { zone: timeZone } : {};
  return (
    <section className="lti-usage" aria-labelledby="usage-title" data-testid="lti-usage">
      <div className="lti-usage-head">
        <h2 id="usage-title">Learners' usage</h2>
        <a className="btn btn-secondary" href={`/api/lti/courses/${encodeURIComponent(courseId)}/activities.csv`} download>
          Download CSV
        </a>
      </div>
      <p className="lti-usage-note">
        {plural(learners.length, { one: '# learner', other: '# learners' })} on the class list
        {roster.syncedAt ? `, updated ${formatDateTime(roster.syncedAt, zone)}` : ''}.
      </p>
      {roster.problem && (
        <p className="lti-usage-problem" role="status">
          {rosterProblems[roster.problem] ?? 'The class list could not be updated just now.'}
        </p>
      )}
      <AllowanceCard key={allowance.allowance?.updatedAt ?? 'none'} courseId={courseId} allowance={allowance} />
      {allowance.allowance && <StatementCard courseId={courseId} month={allowance.month} timeZone={timeZone} />}
      {learners.length === 0 ? (
        <p>No learners yet. They appear here once the LMS lists them.</p>
      ) : (
        <ul className="lti-usage-list">
          {learners.map((l) => (
            <li key={l.ltiUserId ?? l.name} className="card lti-usage-learner" data-testid="lti-usage-learner">
              <div className="lti-usage-name">
                <strong>{l.name}</strong>
                {!l.launched && <span className="lti-status">Not opened Tutorline yet</span>}
              </div>
              <dl className="lti-usage-figures">
                <div>
                  <dt>Help sessions</dt>
                  <dd>{l.sessions}</dd>
                </div>
                <div>
                  <dt>Lessons</dt>
                  <dd>{l.lessons}</dd>
                </div>
                <div>
                  <dt>Classes</dt>
                  <dd>{l.classes}</dd>
                </div>
                <div>
                  <dt>Time</dt>
                  <dd>{formatDuration(l.minutes)}</dd>
                </div>
              </dl>
              {unit && l.allowanceUsed > 0 && <p className="lti-usage-last">Paid by the school this month: {allowanceAmount(l.allowanceUsed, unit)}</p>}
              <p className="lti-usage-last">{l.lastActivityAt ? `Last active ${formatDateTime(l.lastActivityAt, zone)}` : 'No activity yet'}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
