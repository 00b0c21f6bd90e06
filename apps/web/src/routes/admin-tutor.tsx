import { Link, useParams } from 'react-router';
import { RequireRole } from '../features/auth';
import { TutorQualityView } from '../features/tutor-quality';
import { usePageTitle } from '../lib/page-title';

export function AdminTutorPage() {
  return <RequireRole role="admin">{() => <AdminTutor />}</RequireRole>;
}

function AdminTutor() {
  const { id = '' } = useParams();
  usePageTitle('Tutor quality');
  return (
    <section className="page page-narrow" data-testid="admin-tutor-page" aria-labelledby="tq-title">
      <Link to="/admin">← All tutors</Link>
      <TutorQualityView tutorId={id} />
    </section>
  );
}
