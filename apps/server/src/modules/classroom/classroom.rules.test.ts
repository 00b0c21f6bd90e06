import { classCommandSchema } from '@tutorline/contracts';
import { describe, expect, it } from 'vitest';
import { type Action, type Actor, checkChoices, csvField, decide, mediaOnEntry, pollsCsv, type RoomLocks, tally, takeToken } from './classroom.rules';

const open: RoomLocks = { micsLocked: false, camerasLocked: false, chatLocked: false, boardLocked: false, penUserId: null, ended: false };
const learner: Actor = { userId: 'l', role: 'learner', audioMuted: true, videoStopped: false, audioHeld: false, videoHeld: false };
const teacher: Actor = { ...learner, userId: 't', role: 'teacher' };
const observer: Actor = { ...learner, userId: 'o', role: 'observer' };
const commands = classCommandSchema.options.map((o) => o.shape.type.value);

describe('decide', () => {
  it('refuses every teacher command to learners and observers, and allows each to the teacher', () => {
    for (const command of commands) {
      const a: Action = { kind: 'control', command };
      expect(decide(a, learner, open)).toEqual({ ok: false, reason: 'teacher_only' });
      expect(decide(a, observer, open)).toEqual({ ok: false, reason: 'teacher_only' });
      expect(decide(a, teacher, open)).toEqual({ ok: true });
    }
  });
  it('refuses everything once the class has ended', () => {
    const actions: Action[] = [{ kind: 'hand' }, { kind: 'react' }, { kind: 'board' }, { kind: 'vote' }, { kind: 'chat', toTeacher: true }, { kind: 'control', command: 'end' }];
    for (const a of actions) for (const who of [learner, teacher]) expect(decide(a, who, { ...open, ended: true })).toEqual({ ok: false, reason: 'class_ended' });
  });
  it('lets observers watch only', () => {
    expect(decide({ kind: 'hand' }, observer, open)).toEqual({ ok: false, reason: 'observer_read_only' });
  });
  it('refuses a held or locked unmute, but never a mute', () => {
    const unmute: Action = { kind: 'media', audioMuted: false, videoStopped: false };
    expect(decide(unmute, learner, { ...open, micsLocked: true })).toEqual({ ok: false, reason: 'mics_locked' });
    expect(decide(unmute, { ...learner, audioHeld: true }, open)).toEqual({ ok: false, reason: 'muted_by_teacher' });
    expect(decide(unmute, learner, open)).toEqual({ ok: true });
    expect(decide({ kind: 'media', audioMuted: true, videoStopped: true }, { ...learner, audioHeld: true }, { ...open, micsLocked: true, camerasLocked: true })).toEqual({ ok: true });
    const camOn: Action = { kind: 'media', audioMuted: true, videoStopped: false };
    expect(decide(camOn, { ...learner, videoStopped: true, videoHeld: true }, open)).toEqual({ ok: false, reason: 'camera_stopped_by_teacher' });
    expect(decide(camOn, { ...learner, videoStopped: true }, { ...open, camerasLocked: true })).toEqual({ ok: false, reason: 'cameras_locked' });
    expect(decide(unmute, { ...teacher, audioHeld: true }, { ...open, micsLocked: true })).toEqual({ ok: true });
  });
  it('lets private questions through a chat lock, and the pen holder through a board lock', () => {
    expect(decide({ kind: 'chat', toTeacher: false }, learner, { ...open, chatLocked: true })).toEqual({ ok: false, reason: 'chat_locked' });
    expect(decide({ kind: 'chat', toTeacher: true }, learner, { ...open, chatLocked: true })).toEqual({ ok: true });
    expect(decide({ kind: 'board' }, learner, { ...open, boardLocked: true })).toEqual({ ok: false, reason: 'board_locked' });
    expect(decide({ kind: 'board' }, learner, { ...open, boardLocked: true, penUserId: 'l' })).toEqual({ ok: true });
    expect(decide({ kind: 'vote' }, teacher, open)).toEqual({ ok: false, reason: 'not_a_learner' });
  });
});

describe('polls and the rest', () => {
  it('checks choices and counts votes, naming voters only in named polls', () => {
    expect(checkChoices([0, 0], { options: ['a', 'b'], multiple: true })).toEqual({ ok: false, reason: 'invalid_choice' });
    expect(checkChoices([2], { options: ['a', 'b'], multiple: false })).toEqual({ ok: false, reason: 'invalid_choice' });
    expect(checkChoices([0, 1], { options: ['a', 'b'], multiple: false })).toEqual({ ok: false, reason: 'invalid_choice' });
    expect(checkChoices([0, 1], { options: ['a', 'b'], multiple: true })).toEqual({ ok: true });
    const votes = [{ voterId: 'u', choices: [0, 1] }, { voterId: null, choices: [1] }];
    expect(tally({ options: ['a', 'b'], anonymous: true }, votes, new Map(), true)).toEqual({ counts: [1, 2], voters: 2 });
    expect(tally({ options: ['a', 'b'], anonymous: false }, votes.slice(0, 1), new Map([['u', 'Uma']]), true).named).toEqual([{ userId: 'u', displayName: 'Uma', choices: [0, 1] }]);
  });
  it('writes CSV fields safely for spreadsheets', () => {
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(pollsCsv([]).trim()).toBe('poll_id,question,created_at,kind,option,count,voter_id,voter_name');
  });
  it('starts learners muted and keeps a lock on re-entry', () => {
    expect(mediaOnEntry('learner', null, { micsLocked: false, camerasLocked: false })).toEqual({ audioMuted: true, videoStopped: false });
    expect(mediaOnEntry('learner', { audioMuted: false, videoStopped: false }, { micsLocked: true, camerasLocked: true })).toEqual({ audioMuted: true, videoStopped: true });
    expect(mediaOnEntry('teacher', null, { micsLocked: true, camerasLocked: true })).toEqual({ audioMuted: false, videoStopped: false });
  });
  it('rate-limits with a token bucket', () => {
    const b = { tokens: 2, at: 0 };
    expect([takeToken(b, 0, 1, 2), takeToken(b, 0, 1, 2), takeToken(b, 0, 1, 2), takeToken(b, 1000, 1, 2)]).toEqual([true, true, false, true]);
  });
});
