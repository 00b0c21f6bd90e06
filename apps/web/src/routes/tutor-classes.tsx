import type { Me } from '@tutorline/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { RequireRole } from '../features/auth';
import { ClassCard, ClassCreateForm, useMyClasses } from '../features/classes';
import { errorMessage } from '../lib/api';
import { formatDateTime, plural } from '../lib/format';
import { usePageTitle } from '../lib/page-title';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';

export function TutorClassesPage() {
  return <RequireRole role="tutor">{(me) => <TutorClassesScreen me={me} />}</RequireRole>;
}

function TutorClassesScreen({ me }: { me: Me }) {
  usePageTitle('My classes');
  const mine = useMyClasses();
  const [creating, setCreating] = useState(false);
  const [made, setMade] = useState<string | null>(null);
  return (
    <section className="page page-medium" data-testid="tutor-classes-page" aria-labelledby="my-classes-title">
      <Link className="back-link" to="/tutor">
        ← Home
      </Link>
      <div className="page-intro">
        <h1 id="my-classes-title">My classes</h1>
        <p className="lead">Group classes of up to 30 learners. Open one to see who enrolled and, after it starts, who came.</p>
      </div>
      {made && <Alert tone="success">{made}</Alert>}
      {creating ? (
        <ClassCreateForm
          zone={me.timeZone}
          onCreated={(classes) => {
            setCreating(false);
            const first = classes[0];
            setMade(first ? `${plural(classes.length, { one: '# class', other: '# classes' })} created, the first on ${formatDateTime(first.start, { zone: me.timeZone })}.` : null);
          }}
        />
      ) : (
        <Button onClick={() => setCreating(true)} data-testid="new-class">
          New class
        </Button>
      )}
      <section aria-labelledby="upcoming-classes">
        <h2 id="upcoming-classes" className="results-title">
          Upcoming
        </h2>
        {mine.isError && <Alert tone="error">{errorMessage(mine.error)}</Alert>}
        {mine.data?.length === 0 && <p className="muted">No classes yet.</p>}
        <ul className="class-cards">
          {mine.data?.map((c) => (
            <ClassCard key={c.id} c={c} zone={me.timeZone} />
          ))}
        </ul>
      </section>
    </section>
  );
}
