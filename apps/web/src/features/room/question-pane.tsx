import type { Question } from '@tutorline/contracts';
import { errorMessage } from '../../lib/api';
import { QuestionPhotos } from '../instant-help';
import { levelLabel, useSubjectName } from '../subjects';
import './room.css';

/** The student's question in the room, for both sides: its photos (tap for full size, zoomable), subject and note. */
export function QuestionPane({ question, loading, error }: { question: Question | undefined; loading: boolean; error: unknown }) {
  const subjectName = useSubjectName();
  return (
    <section className="question-pane" data-testid="question-pane" aria-label="The question">
      {question ? (
        <>
          <p className="question-pane-title">
            {subjectName(question.subjectId)} · {levelLabel(question.level)}
          </p>
          <QuestionPhotos photos={question.photos} label="Question photo" large />
          {question.text && <p className="question-text">{question.text}</p>}
          <p className="muted question-pane-hint">Tap a photo to see it full size. It is on the board too, to write on.</p>
        </>
      ) : error ? (
        <p role="alert">The question could not be loaded: {errorMessage(error)}</p>
      ) : (
        loading && <p className="muted">Loading the question…</p>
      )}
    </section>
  );
}
