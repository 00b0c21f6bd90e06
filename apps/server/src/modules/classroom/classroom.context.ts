import { type ClassParticipant, type ClassRefusalCode, type ClassState, classRoomOf, type LobbyEntry } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { Io } from '../../platform/realtime';
import type { ClassroomContentRepo } from './classroom.content.repo';
import type { ClassAccessPort, ClassroomMediaPort } from './classroom.ports';
import type { ClassroomRepo, ParticipantRow, StateRow } from './classroom.repo';
import type { RoomLocks } from './classroom.rules';

export const teachersRoomOf = (classId: string) => `${classRoomOf(classId)}:teachers`;
export const lobbyRoomOf = (classId: string) => `${classRoomOf(classId)}:lobby`;

export interface ClassroomDeps {
  repo: ClassroomRepo;
  content: ClassroomContentRepo;
  clock: Clock;
  logger: Logger;
  io: Io;
  access: ClassAccessPort;
  media: ClassroomMediaPort;
  /** Display names by user id (identity's batch read). */
  names(ids: string[]): Promise<Map<string, string>>;
  /** Whether identity lets this user's camera and microphone be recorded now (guardian consent for minors). */
  mayBeRecorded(userId: string): Promise<boolean>;
}

export type Refused = { ok: false; reason: ClassRefusalCode };
export const refused = (reason: ClassRefusalCode): Refused => ({ ok: false, reason });

export const stateView = (s: StateRow): ClassState => ({
  micsLocked: s.micsLocked,
  camerasLocked: s.camerasLocked,
  chatLocked: s.chatLocked,
  boardLocked: s.boardLocked,
  spotlightUserId: s.spotlightUserId,
  penUserId: s.penUserId,
  endedAt: s.endedAt?.toISOString() ?? null,
  recordingSince: s.recordingSince?.toISOString() ?? null,
});
export const locksOf = (s: StateRow): RoomLocks => ({ ...s, ended: s.endedAt !== null });

/** Helpers every part of the classroom service shares: presence, views, broadcasts, the media port and the timeline. */
export function createClassroomContext(deps: ClassroomDeps) {
  const { repo, io, logger, clock } = deps;
  /** Who the media server hears now, per class: live only, never stored. */
  const speaking = new Map<string, Set<string>>();

  /** Users with a socket in the classroom now, on any node. */
  async function presentUsers(classId: string): Promise<Set<string>> {
    const sockets = await io.in(classRoomOf(classId)).fetchSockets();
    return new Set(sockets.filter((s) => s.data.classrooms?.[classId]).map((s) => s.data.userId));
  }
  function view(row: ParticipantRow, names: Map<string, string>, present: Set<string>): ClassParticipant {
    return {
      userId: row.userId,
      displayName: names.get(row.userId) ?? 'Participant',
      role: row.role,
      present: present.has(row.userId) && !row.removedAt,
      removed: row.removedAt !== null,
      audioMuted: row.audioMuted,
      videoStopped: row.videoStopped,
      audioHeld: row.audioHeld,
      videoHeld: row.videoHeld,
      handRaisedAt: row.handRaisedAt?.toISOString() ?? null,
      speaking: speaking.get(row.classId)?.has(row.userId) ?? false,
      leftOutOfRecording: row.leftOutOfRecording,
    };
  }
  /** The participants list: everyone admitted and not removed (observers only while present). */
  async function participantList(classId: string): Promise<ClassParticipant[]> {
    const [rows, present] = await Promise.all([repo.participants(classId), presentUsers(classId)]);
    const listed = rows.filter((r) => r.admission === 'admitted' && !r.removedAt && (r.role !== 'observer' || present.has(r.userId)));
    const names = await deps.names(listed.map((r) => r.userId));
    const order = { teacher: 0, learner: 1, observer: 2 } as const;
    return listed.map((r) => view(r, names, present)).sort((a, b) => order[a.role] - order[b.role] || a.displayName.localeCompare(b.displayName));
  }

  return {
    deps,
    presentUsers,
    participantList,
    isSpeaking: (classId: string, userId: string) => speaking.get(classId)?.has(userId) ?? false,
    setSpeaking(classId: string, userId: string, on: boolean): boolean {
      const set = speaking.get(classId) ?? new Set<string>();
      if (set.has(userId) === on) return false;
      if (on) set.add(userId);
      else set.delete(userId);
      if (set.size) speaking.set(classId, set);
      else speaking.delete(classId);
      return true;
    },
    forgetClass: (classId: string) => speaking.delete(classId),

    /** Tells the class that one participant changed (presence, hand, microphone, camera). */
    async broadcastParticipant(classId: string, row: ParticipantRow) {
      const [names, present] = await Promise.all([deps.names([row.userId]), presentUsers(classId)]);
      io.to(classRoomOf(classId)).emit('class:participant', { classId, participant: view(row, names, present) });
    },
    async broadcastHands(classId: string) {
      const hands = await repo.hands(classId);
      io.to(classRoomOf(classId)).emit('class:hands', { classId, hands: hands.map((h) => ({ userId: h.userId, raisedAt: h.raisedAt.toISOString() })) });
    },
    broadcastState(state: StateRow) {
      io.to(classRoomOf(state.classId)).emit('class:state', { classId: state.classId, state: stateView(state) });
    },
    /** Learners waiting now (a socket of theirs is in the lobby), oldest first. */
    async lobbyList(classId: string): Promise<LobbyEntry[]> {
      const sockets = await io.in(lobbyRoomOf(classId)).fetchSockets();
      const here = new Set(sockets.map((s) => s.data.userId));
      const rows = (await repo.participants(classId)).filter((r) => r.admission === 'waiting' && !r.removedAt && here.has(r.userId));
      const names = await deps.names(rows.map((r) => r.userId));
      return rows
        .sort((a, b) => (a.waitingSince?.getTime() ?? 0) - (b.waitingSince?.getTime() ?? 0))
        .map((r) => ({ userId: r.userId, displayName: names.get(r.userId) ?? 'Learner', since: (r.waitingSince ?? r.firstSeenAt).toISOString() }));
    },
    async broadcastLobby(classId: string) {
      const waiting = await this.lobbyList(classId);
      io.to(teachersRoomOf(classId)).emit('class:lobby', { classId, waiting });
    },

    /** Enforces a participant's microphone and camera at the media server; a failure there is logged, never the caller's. */
    async applyMedia(classId: string, row: Pick<ParticipantRow, 'userId' | 'audioMuted' | 'videoStopped'>) {
      try {
        await deps.media.apply(classId, row.userId, { audioMuted: row.audioMuted, videoStopped: row.videoStopped });
      } catch (err) {
        logger.error({ err, event: 'classroom_media_apply_failed', classId, userId: row.userId }, 'media server did not take the state');
      }
    },
    /** One line on the class's timeline and one JSON log line, for every change. */
    async event(classId: string, userId: string | null, type: string, data: Record<string, unknown> = {}) {
      await repo.recordEvent(classId, userId, type, clock.now(), data);
      logger.info({ event: `classroom_${type.replaceAll('-', '_')}`, classId, userId, ...data }, `classroom: ${type}`);
    },
  };
}
export type ClassroomContext = ReturnType<typeof createClassroomContext>;
