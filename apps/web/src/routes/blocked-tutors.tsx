import { RequireRole } from '../features/auth';
import { BlockedTutors } from '../features/safety';
import { usePageTitle } from '../lib/page-title';

/** A student's safety settings (#20): the tutors they blocked, with Unblock. */
export function BlockedTutorsPage() {
  return <RequireRole role="student">{() => <Blocked />}</RequireRole>;
}

function Blocked() {
  usePageTitle('Blocked tutors');
  return (
    <section className="page page-narrow stack" data-testid="blocked-page" aria-labelledby="blocked-title">
      <p className="eyebrow">Settings</p>
      <h1 id="blocked-title">Blocked tutors</h1>
      <p className="muted">A tutor you block never gets your questions, and you cannot book them. Unblocking lets them see your questions again.</p>
      <BlockedTutors />
    </section>
  );
}
