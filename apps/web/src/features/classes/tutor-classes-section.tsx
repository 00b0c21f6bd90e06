import { ClassCard } from './class-card';
import { useTutorClasses } from './classes-queries';

/** A tutor's upcoming classes on their public profile; nothing when they have none. */
export function TutorClassesSection({ tutorId, zone }: { tutorId: string; zone: string }) {
  const classes = useTutorClasses(tutorId, zone);
  if (!classes.data?.length) return null;
  return (
    <section className="card" aria-labelledby="tutor-classes-title" data-testid="tutor-classes">
      <h2 id="tutor-classes-title">Group classes</h2>
      <ul className="class-cards">
        {classes.data.map((c) => (
          <ClassCard key={c.id} c={c} zone={zone} />
        ))}
      </ul>
    </section>
  );
}
