-- Before a tutor can be in at most one open instant-help session (a partial unique index, next migration):
-- two claims that raced before that index existed may have left a tutor with several open instant sessions.
-- Keep the newest open; end the others, as a participant's End would (time together closed too).
WITH ranked AS (
  SELECT id, row_number() OVER (PARTITION BY tutor_id ORDER BY started_at DESC, id DESC) AS n
  FROM tutoring_sessions
  WHERE status = 'active' AND kind = 'instant'
), ended AS (
  UPDATE tutoring_sessions s SET status = 'ended', ended_at = greatest(s.started_at, now())
  FROM ranked r
  WHERE s.id = r.id AND r.n > 1
  RETURNING s.id, s.ended_at
)
UPDATE session_together t SET ended_at = greatest(t.started_at, e.ended_at)
FROM ended e
WHERE t.session_id = e.id AND t.ended_at IS NULL;
