import { type ClassLock, classLocks, type ClassParticipant, type ClassReaction, classReactions, type PollView } from '@tutorline/contracts';
import { type FormEvent, useState } from 'react';
import { plural } from '../../lib/format';
import { Button } from '../../ui/button';
import { RecordingButton } from './class-recording';
import type { ClassroomConnection, ClassroomSnapshot } from './classroom-connection';

const reactionLabel: Record<ClassReaction, string> = { 'thumbs-up': '👍', clap: '👏', heart: '❤️', laugh: '😄', surprised: '😮', question: '❓' };
const lockLabel: Record<ClassLock, string> = { mics: 'Microphones', cameras: 'Cameras', chat: 'Chat', board: 'Board' };
const lockKey = { mics: 'micsLocked', cameras: 'camerasLocked', chat: 'chatLocked', board: 'boardLocked' } as const;

interface PanelProps {
  c: ClassroomConnection;
  s: ClassroomSnapshot;
  teacher: boolean;
}

/** Who is here, with hands, microphones and who is speaking; the teacher's per-person controls. */
export function PeoplePanel({ c, s, teacher }: PanelProps) {
  const handPlace = new Map(s.hands.map((h, i) => [h.userId, i + 1]));
  return (
    <section className="class-panel" aria-label="Participants" data-testid="class-people">
      <h2 className="class-panel-title">{plural(s.participants.filter((p) => p.present).length, { one: '# here', other: '# here' })}</h2>
      {teacher && s.hands.length > 0 && (
        <ol className="class-hands" aria-label="Raised hands, in order" data-testid="class-hands">
          {s.hands.map((h) => (
            <li key={h.userId}>
              {s.participants.find((p) => p.userId === h.userId)?.displayName ?? 'Learner'}{' '}
              <Button variant="ghost" onClick={() => void c.command({ type: 'lower-hand', userId: h.userId })}>
                Lower
              </Button>
            </li>
          ))}
        </ol>
      )}
      <ul className="class-people">
        {s.participants.map((p) => (
          <Person key={p.userId} p={p} place={handPlace.get(p.userId)} c={c} teacher={teacher} spotlight={s.state?.spotlightUserId === p.userId} pen={s.state?.penUserId === p.userId} />
        ))}
      </ul>
    </section>
  );
}

function Person({ p, place, c, teacher, spotlight, pen }: { p: ClassParticipant; place: number | undefined; c: ClassroomConnection; teacher: boolean; spotlight: boolean; pen: boolean }) {
  const learner = p.role === 'learner';
  return (
    <li className={`class-person${p.present ? '' : ' class-person-away'}${p.speaking ? ' class-person-speaking' : ''}`}>
      <span className="class-person-name">
        {p.displayName}
        {p.role !== 'learner' && <span className="class-badge">{p.role}</span>}
        {spotlight && <span className="class-badge">spotlight</span>}
        {pen && <span className="class-badge">pen</span>}
      </span>
      <span className="class-person-state" aria-label={`${p.audioMuted ? 'muted' : 'microphone on'}${place ? `, hand raised, number ${place}` : ''}`}>
        {place ? <span className="class-badge">hand {place}</span> : null}
        <span className="class-badge">{p.audioMuted ? 'muted' : 'mic on'}</span>
        {p.videoStopped ? <span className="class-badge">camera off</span> : null}
      </span>
      {teacher && learner && p.present && (
        <span className="class-person-actions">
          {p.audioHeld ? (
            <Button variant="ghost" onClick={() => void c.command({ type: 'allow', userId: p.userId, media: 'audio' })}>
              Allow to speak
            </Button>
          ) : (
            <Button variant="ghost" onClick={() => void c.command({ type: 'mute', userId: p.userId })}>
              Mute
            </Button>
          )}
          <Button variant="ghost" onClick={() => void c.command({ type: 'stop-camera', userId: p.userId })}>
            Stop camera
          </Button>
          <Button variant="ghost" onClick={() => void c.command({ type: 'spotlight', userId: spotlight ? null : p.userId })}>
            {spotlight ? 'End spotlight' : 'Spotlight'}
          </Button>
          <Button variant="ghost" onClick={() => void c.command({ type: 'pen', userId: pen ? null : p.userId })}>
            {pen ? 'Take pen' : 'Give pen'}
          </Button>
          <Button variant="danger" onClick={() => void c.command({ type: 'remove', userId: p.userId })}>
            Remove
          </Button>
        </span>
      )}
    </li>
  );
}

/** The teacher's class-wide controls: mute all, locks, the lobby, end. */
export function TeacherControls({ c, s }: Omit<PanelProps, 'teacher'>) {
  return (
    <section className="class-panel" aria-label="Teacher controls" data-testid="class-teacher-controls">
      <h2 className="class-panel-title">Teacher controls</h2>
      <div className="class-row">
        <Button variant="secondary" onClick={() => void c.command({ type: 'mute-all' })}>
          Mute all
        </Button>
        <RecordingButton c={c} state={s.state} />
        <Button variant="danger" onClick={() => void c.command({ type: 'end' })}>
          End class
        </Button>
      </div>
      <fieldset className="class-locks">
        <legend>Lock for students</legend>
        {classLocks.map((what) => (
          <label key={what} className="class-lock">
            <input type="checkbox" checked={s.state?.[lockKey[what]] ?? false} onChange={(e) => void c.command({ type: 'lock', what, locked: e.target.checked })} /> {lockLabel[what]}
          </label>
        ))}
      </fieldset>
      {s.info?.lobby && (
        <div data-testid="class-lobby">
          <h3 className="class-panel-subtitle">{plural(s.lobby.length, { zero: 'Nobody waiting', one: '# waiting', other: '# waiting' })}</h3>
          <ul className="class-people">
            {s.lobby.map((w) => (
              <li key={w.userId} className="class-person">
                <span className="class-person-name">{w.displayName}</span>
                <span className="class-person-actions">
                  <Button onClick={() => void c.command({ type: 'admit', userId: w.userId })}>Admit</Button>
                  <Button variant="secondary" onClick={() => void c.command({ type: 'refuse', userId: w.userId })}>
                    Refuse
                  </Button>
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** A learner's own bar: microphone, camera, hand and reactions (the server may refuse; the notice says why). */
export function LearnerBar({ c, s }: Omit<PanelProps, 'teacher'>) {
  const me = s.participants.find((p) => p.userId === s.self?.userId);
  if (!me) return null;
  const raised = s.hands.some((h) => h.userId === me.userId);
  return (
    <div className="class-learner-bar" data-testid="class-learner-bar">
      <Button variant={me.audioMuted ? 'secondary' : 'primary'} aria-pressed={!me.audioMuted} onClick={() => void c.setMedia(!me.audioMuted, me.videoStopped)}>
        {me.audioMuted ? 'Unmute' : 'Mute'}
      </Button>
      <Button variant="secondary" aria-pressed={!me.videoStopped} onClick={() => void c.setMedia(me.audioMuted, !me.videoStopped)}>
        {me.videoStopped ? 'Start camera' : 'Stop camera'}
      </Button>
      <Button variant={raised ? 'primary' : 'secondary'} aria-pressed={raised} onClick={() => void c.setHand(!raised)}>
        {raised ? 'Lower hand' : 'Raise hand'}
      </Button>
      <span className="class-reactions" role="group" aria-label="Reactions">
        {classReactions.map((r) => (
          <button key={r} type="button" className="class-reaction" aria-label={r} onClick={() => void c.react(r)}>
            {reactionLabel[r]}
          </button>
        ))}
      </span>
    </div>
  );
}

/** Class chat, and a private question to the teacher (only the teacher and the asker see it). */
export function ChatPanel({ c, s, teacher }: PanelProps) {
  const [text, setText] = useState('');
  const [toTeacher, setToTeacher] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    const r = await c.chat(text.trim(), toTeacher);
    if (r.ok) setText('');
  };
  return (
    <section className="class-panel class-chat" aria-label="Chat" data-testid="class-chat">
      <ol className="class-messages">
        {s.messages.map((m) => (
          <li key={m.id} className={m.toTeacher ? 'class-message class-message-private' : 'class-message'}>
            <strong>{m.senderName}</strong>
            {m.toTeacher && <span className="class-badge">{teacher ? 'private question' : 'to the teacher'}</span>} {m.text}
          </li>
        ))}
      </ol>
      <form className="class-chat-form" onSubmit={(e) => void submit(e)}>
        <input aria-label="Message" value={text} maxLength={2000} onChange={(e) => setText(e.target.value)} placeholder={toTeacher ? 'Ask the teacher privately…' : 'Message the class…'} />
        {!teacher && (
          <label className="class-lock">
            <input type="checkbox" checked={toTeacher} onChange={(e) => setToTeacher(e.target.checked)} /> Private question
          </label>
        )}
        <Button type="submit">Send</Button>
      </form>
    </section>
  );
}

/** Polls: the teacher creates, closes and shares them and sees results live; learners vote. */
export function PollsPanel({ c, s, teacher }: PanelProps) {
  return (
    <section className="class-panel" aria-label="Polls" data-testid="class-polls">
      {teacher && <NewPoll c={c} />}
      {s.polls.length === 0 && <p className="muted">No polls yet.</p>}
      {s.polls.map((p) => (
        <Poll key={p.id} p={p} c={c} teacher={teacher} />
      ))}
    </section>
  );
}

function Poll({ p, c, teacher }: { p: PollView; c: ClassroomConnection; teacher: boolean }) {
  const [chosen, setChosen] = useState<number[]>([]);
  const canVote = !teacher && !p.voted && p.status === 'open';
  const toggle = (i: number) => setChosen(p.multiple ? (chosen.includes(i) ? chosen.filter((x) => x !== i) : [...chosen, i]) : [i]);
  return (
    <article className="class-poll">
      <h3 className="class-panel-subtitle">
        {p.question} <span className="class-badge">{p.anonymous ? 'anonymous' : 'named'}</span>
        {p.status === 'closed' && <span className="class-badge">closed</span>}
      </h3>
      <ul className="class-poll-options">
        {p.options.map((o, i) => (
          <li key={o}>
            {canVote ? (
              <label className="class-lock">
                <input type={p.multiple ? 'checkbox' : 'radio'} name={`poll-${p.id}`} checked={chosen.includes(i)} onChange={() => toggle(i)} /> {o}
              </label>
            ) : (
              <span>{o}</span>
            )}
            {p.results && <span className="class-poll-count"> {plural(p.results.counts[i] ?? 0, { one: '# vote', other: '# votes' })}</span>}
          </li>
        ))}
      </ul>
      {canVote && (
        <Button disabled={!chosen.length} onClick={() => void c.vote(p.id, chosen)}>
          Vote
        </Button>
      )}
      {!teacher && p.voted && <p className="muted">Thanks, your vote is in.</p>}
      {teacher && (
        <div className="class-row">
          {p.status === 'open' && (
            <Button variant="secondary" onClick={() => void c.command({ type: 'poll-close', pollId: p.id })}>
              Close
            </Button>
          )}
          {!p.shared && (
            <Button variant="secondary" onClick={() => void c.command({ type: 'poll-share', pollId: p.id })}>
              Share results
            </Button>
          )}
        </div>
      )}
    </article>
  );
}

function NewPoll({ c }: { c: ClassroomConnection }) {
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState('');
  const [multiple, setMultiple] = useState(false);
  const [anonymous, setAnonymous] = useState(true);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const list = options.split('\n').map((o) => o.trim()).filter(Boolean);
    const r = await c.command({ type: 'poll-create', poll: { question: question.trim(), options: list, multiple, anonymous } });
    if (r.ok) {
      setQuestion('');
      setOptions('');
    }
  };
  return (
    <form className="class-new-poll" onSubmit={(e) => void submit(e)} aria-label="New poll">
      <input aria-label="Poll question" value={question} onChange={(e) => setQuestion(e.target.value)} placeholder="Poll question" />
      <textarea aria-label="Options, one per line" value={options} onChange={(e) => setOptions(e.target.value)} placeholder={'Options, one per line'} rows={3} />
      <div className="class-row">
        <label className="class-lock">
          <input type="checkbox" checked={multiple} onChange={(e) => setMultiple(e.target.checked)} /> Several answers
        </label>
        <label className="class-lock">
          <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} /> Anonymous
        </label>
        <Button type="submit">Ask</Button>
      </div>
    </form>
  );
}
