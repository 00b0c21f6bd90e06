import type { ClassMediaClientEvents, ClassMediaServerEvents } from './classmedia';
import type { ClassroomClientEvents, ClassroomServerEvents } from './classroom';
import type { RoomClientEvents, RoomServerEvents } from './rooms';
import type { SessionRecClientEvents, SessionRecServerEvents } from './sessionrec';
import type { Availability, FeedItem, HelpClaimedPayload, HelpClosedPayload, HelpProgressPayload } from './help';
import type { NoticeView } from './notifications';
import type { OpsClientEvents, OpsServerEvents } from './ops';

/** Typed Socket.IO event maps, shared by server and web. */
export interface PresencePayload {
  userId: string;
  online: boolean;
}

export interface RealtimeStatus {
  degraded: boolean;
}

export interface ServerToClientEvents extends RoomServerEvents, ClassroomServerEvents, ClassMediaServerEvents, SessionRecServerEvents, OpsServerEvents {
  /** Sent once after connecting (and after every recovery) so the client knows who it is. */
  'session:ready': (payload: { userId: string; role: string; recovered: boolean }) => void;
  /** The server ended this session (log-out, password change, revocation). */
  'session:revoked': (payload: { reason: string }) => void;
  /**
   * From the socket's own node: whether its realtime fan-out is degraded (Redis unreachable, so events reach only the
   * sockets on that node). Sent on each change, and on connecting while degraded (decision 092).
   */
  'realtime:status': (payload: RealtimeStatus) => void;
  'presence:changed': (payload: PresencePayload) => void;
  /** Diagnostic echo used by tests and the ops dashboard. */
  'system:ping': (payload: { at: string; from: string }) => void;
  /** To a tutor: a new question in their feed. */
  'help:question': (payload: FeedItem) => void;
  /** To notified tutors: the question left the feed (taken, expired or cancelled). */
  'help:taken': (payload: { questionId: string }) => void;
  /** To the student: a wave went out. */
  'help:progress': (payload: HelpProgressPayload) => void;
  /** To the student and the winning tutor: go to the session. */
  'help:claimed': (payload: HelpClaimedPayload) => void;
  /** To the student: the tutor marked the question answered (time to rate). */
  'help:answered': (payload: { questionId: string }) => void;
  /** To the student: nobody accepted in time, or they cancelled. */
  'help:closed': (payload: HelpClosedPayload) => void;
  /** To a tutor: their instant-help status changed (a session of theirs opened or ended, or the switch moved). */
  'help:availability': (payload: Availability) => void;
  /** To a user: a new in-app notice (booking confirmed, cancelled, moved, a reminder). */
  'notification:new': (payload: NoticeView) => void;
}

export interface ClientToServerEvents extends RoomClientEvents, ClassroomClientEvents, ClassMediaClientEvents, SessionRecClientEvents, OpsClientEvents {
  'presence:heartbeat': (ack: (reply: { ok: true; at: string }) => void) => void;
}

export const userRoom = (userId: string): string => `user:${userId}`;
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;
