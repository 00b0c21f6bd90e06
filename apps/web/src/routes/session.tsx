import type { Me, TutoringSession } from '@tutorline/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { RequireRole, roleHome } from '../features/auth';
import { useMarkAnswered, useQuestion } from '../features/instant-help';
import { thisDevice } from '../features/room/call/diagnostics';
import { RoomScreen, useRoomHead } from '../features/room/room-screen';
import { ReportPersonButton, ReportPersonDialog } from '../features/safety';
import { ReportProblemButton, ReportProblemDialog } from '../features/support';
import { ratingPrompt, SessionPeople, sessionKey, SessionRatingForm, useEndSession, useTutoringSession } from '../features/sessions';
import { ApiError, errorMessage } from '../lib/api';
import { formatDateTime, plural } from '../lib/format';
import { usePageTitle } from '../lib/page-title';
import { useNow } from '../lib/use-now';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { CheckIcon } from '../ui/icons';
import { PageError, PageLoading } from '../ui/page-states';

const allowedRoles = ['student', 'tutor', 'admin'] as const;

export function SessionPage() {
  return <RequireRole role={allowedRoles}>{(me) => <SessionScreen me={me} />}</RequireRole>;
}

function SessionScreen({ me }: { me: Me }) {
  const { id = '' } = useParams();
  const session = useTutoringSession(id);
  usePageTitle('Tutoring session');
  // The room is joined (and devices started) while the session loads; the server checks who may enter.
  const [reporting, setReporting] = useState(false);
  const [reportingPerson, setReportingPerson] = useState(false);
  const room = useRoomHead(id, me.role !== 'admin', session.data === undefined ? undefined : session.data.status === 'active');

  // The room's join answers with the session too, often before GET /api/sessions/:id: whichever comes first opens it.
  // A failed background refetch (the network dropped for a while) keeps the data: the room, and its call, stay up.
  const s = session.data ?? room.snapshot.joined?.session;
  if (s === undefined) {
    if (session.isPending) return <PageLoading label="Opening the session…" />;
    if (session.error instanceof ApiError && session.error.status === 404) return <SessionNotFound me={me} />;
    return <PageError error={session.error} onRetry={() => void session.refetch()} />;
  }
  if (s.status === 'active') {
    const isTutor = me.role === 'tutor' && me.id === s.tutor.id;
    const participant = me.id === s.tutor.id || me.id === s.student.id;
    return (
      <>
        <RoomScreen
          session={s}
          me={me}
          room={room}
          actions={isTutor && s.questionId ? <MarkAnswered questionId={s.questionId} sessionId={s.id} compact /> : null}
          onReportProblem={participant ? () => setReporting(true) : undefined}
          onReportPerson={participant ? () => setReportingPerson(true) : undefined}
        />
        {reporting && <ReportProblemDialog sessionId={s.id} diagnostics={thisDevice()} onClose={() => setReporting(false)} />}
        {reportingPerson && (
          <ReportPersonDialog
            sessionId={s.id}
            otherName={me.id === s.student.id ? s.tutor.displayName : s.student.displayName}
            canBlock={me.role === 'student' && me.id === s.student.id}
            source="room"
            onClose={() => setReportingPerson(false)}
          />
        )}
      </>
    );
  }
  return <SessionDetails session={s} me={me} />;
}

function SessionDetails({ session, me }: { session: TutoringSession; me: Me }) {
  const now = useNow(60_000);
  const end = useEndSession();
  const active = session.status === 'active';
  const isTutor = me.role === 'tutor' && me.id === session.tutor.id;
  const isStudent = me.role === 'student' && me.id === session.student.id;
  const other = isTutor ? session.student.displayName : session.tutor.displayName;
  // Each side rates the other, never themselves: the student of a question on its page, everyone else here.
  const question = useQuestion(session.questionId ?? '', { enabled: isStudent && Boolean(session.questionId) });
  const prompt = ratingPrompt(session, me.id, question.data);
  const canRate = prompt.kind === 'question';

  return (
    <section className="page page-narrow" data-testid="session-page" data-status={session.status} aria-labelledby="session-title">
      <div className="page-intro">
        <div className="page-head">
          <h1 id="session-title">{isTutor || isStudent ? `Session with ${other}` : 'Tutoring session'}</h1>
          <span className={`badge ${active ? 'badge-approved' : 'badge-neutral'}`} data-testid="session-status" data-status={session.status}>
            {active ? 'Active' : 'Ended'}
          </span>
        </div>
        <p className="muted">
          Started <time dateTime={session.startedAt}>{formatDateTime(session.startedAt, { now })}</time>
          {session.endedAt && (
            <>
              {' '}
              · ended <time dateTime={session.endedAt}>{formatDateTime(session.endedAt, { now })}</time>
            </>
          )}
        </p>
      </div>

      <div className="card">
        <SessionPeople session={session} viewerId={me.id} />
      </div>

      {active ? (
        <div className="card classroom-soon" data-testid="classroom-placeholder">
          <p className="eyebrow">Live classroom</p>
          <h2>The live classroom is coming soon</h2>
          <p className="muted">Voice, video, chat and a shared whiteboard will open right here.</p>
        </div>
      ) : (
        <Alert tone="info" title="This session has ended" testId="session-ended">
          {prompt.kind === 'question' && <p>Tell us how {prompt.name} did: it helps other students choose.</p>}
          {prompt.kind === 'rated' && (
            <p data-testid="session-rated">
              You gave {prompt.name} {plural(prompt.stars, { one: '# star', other: '# stars' })}. Thank you!
            </p>
          )}
        </Alert>
      )}
      {prompt.kind === 'session' && <SessionRatingForm session={session} name={prompt.name} role={prompt.role} />}

      {isTutor && session.questionId && <MarkAnswered questionId={session.questionId} sessionId={session.id} />}

      {end.isError && (
        <Alert tone="error" title="The session was not ended">
          <p>{errorMessage(end.error)}</p>
        </Alert>
      )}
      <div className="stack">
        {isStudent && session.questionId && (
          <Link className={`btn btn-block ${canRate ? 'btn-primary' : 'btn-secondary'}`} to={`/student/questions/${session.questionId}`} data-testid="back-to-question">
            {canRate ? 'Rate your tutor' : 'Back to your question'}
          </Link>
        )}
        {(isTutor || isStudent) && active && (
          <Button variant="danger" block pending={end.isPending} pendingLabel="Ending…" data-testid="end-session" onClick={() => end.mutate(session.id)}>
            End session
          </Button>
        )}
        {(isTutor || isStudent) && !active && <ReportProblemButton sessionId={session.id} diagnostics={thisDevice()} className="btn-block" />}
        {(isTutor || isStudent) && <ReportPersonButton sessionId={session.id} otherName={other} canBlock={isStudent} className="btn-block" />}
        {isTutor && (
          <Link className="btn btn-ghost btn-block" to="/tutor">
            Back to your questions
          </Link>
        )}
      </div>
    </section>
  );
}

/** The tutor says the student's question is answered: it ends the session and counts towards today's earnings. */
function MarkAnswered({ questionId, sessionId, compact = false }: { questionId: string; sessionId: string; compact?: boolean }) {
  const question = useQuestion(questionId);
  const markAnswered = useMarkAnswered();
  const queryClient = useQueryClient();
  const answered = question.data?.status === 'answered' || markAnswered.isSuccess;
  // Marking answered also ends the session on the server.
  const refreshSession = () => void queryClient.invalidateQueries({ queryKey: sessionKey(sessionId) });

  if (answered) {
    return (
      <p className="done-line" role="status" data-testid="answered-done">
        <CheckIcon /> Marked as answered. Thank you!
      </p>
    );
  }
  if (question.data && question.data.status !== 'claimed') return null;
  return (
    <div className="stack">
      {markAnswered.isError && (
        <Alert tone="error" title="Not marked as answered">
          <p>{errorMessage(markAnswered.error)}</p>
        </Alert>
      )}
      <Button
        block={!compact}
        className={compact ? undefined : 'btn-large'}
        pending={markAnswered.isPending}
        pendingLabel="Saving…"
        data-testid="mark-answered"
        onClick={() => markAnswered.mutate({ id: questionId }, { onSuccess: refreshSession })}
      >
        Mark answered
      </Button>
    </div>
  );
}

function SessionNotFound({ me }: { me: Me }) {
  usePageTitle('Session not found');
  return (
    <section className="page page-narrow" data-testid="session-not-found" aria-labelledby="session-missing-title">
      <div className="card card-center">
        <h1 id="session-missing-title">We could not find that session</h1>
        <p>Only the student and the tutor in a session can open it. The link may also be mistyped.</p>
        <Link className="btn btn-primary" to={roleHome(me.role)}>
          Go to your home
        </Link>
      </div>
    </section>
  );
}
