import type { ClassCommand, ClassLock, ClassRefusalCode, ClassRole, PollResults } from '@tutorline/contracts';

/**
 * The classroom's pure decisions: who may do what, given their role and the class's stored state. The server asks these
 * before every change; a refusal changes nothing. Time and data come in as arguments.
 *
 * The microphone rule (decision 047): a learner's own unmute is refused while microphones are locked, or while the
 * teacher's mute holds them (`audioHeld`, set by "mute" and "mute all"); the teacher lifts a hold with "allow", and the
 * learner then unmutes themselves. The teacher never switches a learner's microphone on. Cameras work the same way.
 */

export interface RoomLocks {
  micsLocked: boolean;
  camerasLocked: boolean;
  chatLocked: boolean;
  boardLocked: boolean;
  penUserId: string | null;
  ended: boolean;
}
export interface Actor {
  userId: string;
  role: ClassRole;
  audioMuted: boolean;
  videoStopped: boolean;
  audioHeld: boolean;
  videoHeld: boolean;
}

/** What a participant asks to do. `control` covers every teacher command. */
export type Action =
  | { kind: 'control'; command: ClassCommand['type'] }
  | { kind: 'media'; audioMuted: boolean; videoStopped: boolean }
  | { kind: 'hand' }
  | { kind: 'react' }
  | { kind: 'chat'; toTeacher: boolean }
  | { kind: 'board' }
  | { kind: 'vote' };

export type Decision = { ok: true } | { ok: false; reason: ClassRefusalCode };
const yes: Decision = { ok: true };
const no = (reason: ClassRefusalCode): Decision => ({ ok: false, reason });

/** May this participant do this now? The one check every classroom action passes through. */
export function decide(action: Action, actor: Actor, room: RoomLocks): Decision {
  if (room.ended) return no('class_ended');
  if (action.kind === 'control') return actor.role === 'teacher' ? yes : no('teacher_only');
  if (actor.role === 'observer') return no('observer_read_only');
  if (actor.role === 'teacher') return action.kind === 'vote' ? no('not_a_learner') : yes;
  switch (action.kind) {
    case 'media': {
      if (actor.audioMuted && !action.audioMuted) {
        if (room.micsLocked) return no('mics_locked');
        if (actor.audioHeld) return no('muted_by_teacher');
      }
      if (actor.videoStopped && !action.videoStopped) {
        if (room.camerasLocked) return no('cameras_locked');
        if (actor.videoHeld) return no('camera_stopped_by_teacher');
      }
      return yes;
    }
    case 'chat':
      // A private question still reaches the teacher while the class chat is locked.
      return room.chatLocked && !action.toTeacher ? no('chat_locked') : yes;
    case 'board':
      return room.boardLocked && room.penUserId !== actor.userId ? no('board_locked') : yes;
    case 'hand':
    case 'react':
    case 'vote':
      return yes;
  }
}

/** A learner's microphone and camera when they (re)enter: muted at first, and forced off by a lock. */
export function mediaOnEntry(role: ClassRole, stored: { audioMuted: boolean; videoStopped: boolean } | null, locks: Pick<RoomLocks, 'micsLocked' | 'camerasLocked'>) {
  if (role !== 'learner') return stored ?? { audioMuted: false, videoStopped: false };
  const base = stored ?? { audioMuted: true, videoStopped: false };
  return { audioMuted: base.audioMuted || locks.micsLocked, videoStopped: base.videoStopped || locks.camerasLocked };
}

/** Which column a lock sets. */
export const lockColumn: Record<ClassLock, 'micsLocked' | 'camerasLocked' | 'chatLocked' | 'boardLocked'> = {
  mics: 'micsLocked',
  cameras: 'camerasLocked',
  chat: 'chatLocked',
  board: 'boardLocked',
};

/** A vote's choices checked against its poll: in range, no repeats, exactly one for a single-choice poll. */
export function checkChoices(choices: number[], poll: { options: string[]; multiple: boolean }): Decision {
  if (choices.some((c) => c >= poll.options.length)) return no('invalid_choice');
  if (new Set(choices).size !== choices.length) return no('invalid_choice');
  if (!poll.multiple && choices.length !== 1) return no('invalid_choice');
  return yes;
}

/** Counts per option from the votes; named polls also say who chose what. */
export function tally(poll: { options: string[]; anonymous: boolean }, votes: { voterId: string | null; choices: number[] }[], names: Map<string, string>, withNames: boolean): PollResults {
  const counts = poll.options.map(() => 0);
  for (const v of votes) for (const c of v.choices) if (c < counts.length) counts[c]! += 1;
  const results: PollResults = { counts, voters: votes.length };
  if (withNames && !poll.anonymous) {
    results.named = votes.filter((v) => v.voterId).map((v) => ({ userId: v.voterId!, displayName: names.get(v.voterId!) ?? 'Learner', choices: v.choices }));
  }
  return results;
}

/** One CSV field, quoted when it holds a comma, quote or line break; a leading formula sign is neutralised for spreadsheets. */
export function csvField(value: string | number): string {
  let s = String(value);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export interface ExportPoll {
  id: string;
  question: string;
  options: string[];
  multiple: boolean;
  anonymous: boolean;
  createdAt: string;
  results: PollResults;
}

/**
 * The polls as CSV: one row per option with its count, and for named polls one row per voter and option chosen.
 * Columns: poll_id, question, kind, option, count, voter_id, voter_name.
 */
export function pollsCsv(polls: ExportPoll[]): string {
  const rows: (string | number)[][] = [['poll_id', 'question', 'created_at', 'kind', 'option', 'count', 'voter_id', 'voter_name']];
  for (const p of polls) {
    p.options.forEach((o, i) => rows.push([p.id, p.question, p.createdAt, 'count', o, p.results.counts[i] ?? 0, '', '']));
    for (const n of p.results.named ?? []) for (const c of n.choices) rows.push([p.id, p.question, p.createdAt, 'vote', p.options[c] ?? '', 1, n.userId, n.displayName]);
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** A token bucket for rate limits (reactions, messages): returns whether one more is allowed now. */
export function takeToken(bucket: { tokens: number; at: number }, now: number, perSecond: number, burst: number): boolean {
  bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
  bucket.at = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}
