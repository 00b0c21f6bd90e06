import { BREAKOUT_LIMITS, type BreakoutView, type ClassParticipant } from '@tutorline/contracts';
import { type FormEvent, useState } from 'react';
import { formatCountdown, formatTime, plural } from '../../lib/format';
import { secondsUntil } from '../../lib/durations';
import { useNow } from '../../lib/use-now';
import { Button } from '../../ui/button';
import type { ClassroomConnection, ClassroomSnapshot } from './classroom-connection';
import './classroom-breakout.css';

interface Props {
  c: ClassroomConnection;
  s: ClassroomSnapshot;
}

/** "4:31 left", ticking, until the groups' end. */
function TimeLeft({ b }: { b: BreakoutView }) {
  const now = useNow(1000);
  return <span className="class-breakout-time">{formatCountdown(secondsUntil(b.endsAt, now))} left</span>;
}

/** A learner's line while breakout rooms run: which group they are in, the time left, and the teacher's broadcast. */
export function BreakoutBanner({ s }: { s: ClassroomSnapshot }) {
  const b = s.breakout;
  if (!b) return null;
  const group = b.groups.find((g) => g.id === s.groupId);
  const names = (ids: string[]) => ids.filter((id) => id !== s.self?.userId).map((id) => s.participants.find((p) => p.userId === id)?.displayName ?? 'Learner');
  return (
    <section className="class-breakout-banner" aria-live="polite" data-testid="class-breakout-banner">
      <p className="class-breakout-where">
        {group ? <strong>You are in Group {group.number}</strong> : <strong>You are in the main room</strong>} (<TimeLeft b={b} />)
      </p>
      {group && names(group.userIds).length > 0 && <p className="muted">With {names(group.userIds).join(', ')}</p>}
      {b.broadcast && (
        <p className="class-breakout-broadcast" data-testid="class-breakout-broadcast">
          <strong>From the teacher, {formatTime(b.broadcast.sentAt)}:</strong> {b.broadcast.text}
        </p>
      )}
    </section>
  );
}

/** The teacher's breakout panel: split (random by count, or chosen per learner), then visit, broadcast and bring back. */
export function BreakoutPanel({ c, s }: Props) {
  return (
    <section className="class-panel" aria-label="Breakout rooms" data-testid="class-breakout">
      <h2 className="class-panel-title">Breakout rooms</h2>
      {s.breakout ? <RunningBreakout c={c} s={s} b={s.breakout} /> : <NewBreakout c={c} learners={s.participants.filter((p) => p.role === 'learner' && p.present)} />}
    </section>
  );
}

function NewBreakout({ c, learners }: { c: ClassroomConnection; learners: ClassParticipant[] }) {
  const [mode, setMode] = useState<'random' | 'chosen'>('random');
  const [count, setCount] = useState(2);
  const [minutes, setMinutes] = useState(10);
  /** Learner → group number (0: stays in the main room). */
  const [chosen, setChosen] = useState<Record<string, number>>({});
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const groups = Array.from({ length: count }, (_, i) => learners.filter((l) => chosen[l.userId] === i + 1).map((l) => l.userId)).filter((g) => g.length > 0);
    await c.command({ type: 'breakout-start', minutes, split: mode === 'random' ? { mode, count } : { mode, groups } });
  };
  if (learners.length < 2) return <p className="muted">Breakout rooms need at least two learners here.</p>;
  const max = Math.min(BREAKOUT_LIMITS.maxGroups, learners.length);
  return (
    <form className="class-breakout-form" onSubmit={(e) => void submit(e)} aria-label="Start breakout rooms">
      <fieldset className="class-row">
        <legend className="visually-hidden">How to split</legend>
        <label className="class-lock">
          <input type="radio" name="breakout-mode" checked={mode === 'random'} onChange={() => setMode('random')} /> At random
        </label>
        <label className="class-lock">
          <input type="radio" name="breakout-mode" checked={mode === 'chosen'} onChange={() => setMode('chosen')} /> I choose
        </label>
      </fieldset>
      <div className="class-row">
        <label className="class-breakout-field">
          Groups
          <input type="number" inputMode="numeric" min={2} max={max} value={count} onChange={(e) => setCount(Math.max(2, Math.min(max, Number(e.target.value) || 2)))} />
        </label>
        <label className="class-breakout-field">
          Minutes
          <input type="number" inputMode="numeric" min={BREAKOUT_LIMITS.minMinutes} max={BREAKOUT_LIMITS.maxMinutes} value={minutes} onChange={(e) => setMinutes(Math.max(1, Math.min(BREAKOUT_LIMITS.maxMinutes, Number(e.target.value) || 1)))} />
        </label>
      </div>
      {mode === 'chosen' && (
        <ul className="class-people" aria-label="Who goes where">
          {learners.map((l) => (
            <li key={l.userId} className="class-person">
              <label className="class-breakout-assign">
                <span className="class-person-name">{l.displayName}</span>
                <select value={chosen[l.userId] ?? 0} onChange={(e) => setChosen({ ...chosen, [l.userId]: Number(e.target.value) })}>
                  <option value={0}>Main room</option>
                  {Array.from({ length: count }, (_, i) => (
                    <option key={i + 1} value={i + 1}>
                      Group {i + 1}
                    </option>
                  ))}
                </select>
              </label>
            </li>
          ))}
        </ul>
      )}
      <Button type="submit">Open {plural(count, { one: '# room', other: '# rooms' })}</Button>
    </form>
  );
}

function RunningBreakout({ c, s, b }: Props & { b: BreakoutView }) {
  const [text, setText] = useState('');
  const name = (id: string) => s.participants.find((p) => p.userId === id)?.displayName ?? 'Learner';
  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    const r = await c.command({ type: 'breakout-broadcast', text: text.trim() });
    if (r.ok) setText('');
  };
  return (
    <div className="class-breakout-running">
      <p className="class-breakout-where" aria-live="polite">
        {b.visitingGroupId ? <strong>You are in Group {b.groups.find((g) => g.id === b.visitingGroupId)?.number}</strong> : <strong>You are in the main room</strong>} (<TimeLeft b={b} />)
      </p>
      <ul className="class-people" aria-label="Groups">
        {b.groups.map((g) => (
          <li key={g.id} className="class-person" data-testid="class-breakout-group">
            <span className="class-person-name">
              Group {g.number}
              {b.visitingGroupId === g.id && <span className="class-badge">you are here</span>}
            </span>
            <span className="class-person-state">{g.userIds.map(name).join(', ')}</span>
            <span className="class-person-actions">
              {b.visitingGroupId === g.id ? (
                <Button variant="ghost" onClick={() => void c.command({ type: 'breakout-visit', groupId: null })}>
                  Leave
                </Button>
              ) : (
                <Button variant="ghost" onClick={() => void c.command({ type: 'breakout-visit', groupId: g.id })}>
                  Visit
                </Button>
              )}
            </span>
          </li>
        ))}
      </ul>
      <form className="class-chat-form" onSubmit={(e) => void send(e)}>
        <input aria-label="Message to every group" value={text} maxLength={BREAKOUT_LIMITS.broadcastChars} onChange={(e) => setText(e.target.value)} placeholder="Message every group…" />
        <Button type="submit">Broadcast</Button>
      </form>
      {b.broadcast && <p className="muted">Last sent {formatTime(b.broadcast.sentAt)}: {b.broadcast.text}</p>}
      <Button variant="danger" onClick={() => void c.command({ type: 'breakout-close' })}>
        Bring everyone back
      </Button>
    </div>
  );
}
