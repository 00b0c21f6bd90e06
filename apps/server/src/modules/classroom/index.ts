import type { ClassRole } from './classroom.ports';

export { classroomModule } from './classroom.install';
export { removeOldClassChat, removeOldClassEvents } from './classroom.retention.repo';
export {
  CLASS_ACCESS,
  CLASSROOM_MEDIA,
  type ClassAccess,
  type ClassAccessPort,
  type ClassAccessRefusal,
  type ClassRole,
  type ClassroomMediaPort,
  type ClassroomMediaState,
} from './classroom.ports';

/** What other modules may call on the classroom (tutorline-classroom). */
export interface ClassroomApi {
  /** The media module reports who is speaking (Janus talking events); the class's participants list shows it. */
  setSpeaking(classId: string, userId: string, speaking: boolean): void;
  /**
   * Whether this user may send and receive media in this class now, from the stored state (reread on every call):
   * admitted and not removed, the class not ended. With their role, stored microphone/camera state and the spotlight.
   */
  mediaStanding(classId: string, userId: string): Promise<MediaStanding>;
  /** One media event on the class's admin timeline (type `media-…`: join, leave, connected, layer, reconnect, quality, …). */
  recordMediaEvent(classId: string, userId: string | null, type: `media-${string}`, data?: Record<string, unknown>): Promise<void>;
  /** Whether this viewer may watch the class's recordings: admins, its tutor and its enrolled learners. */
  mayWatchRecordings(classId: string, viewer: { id: string; role: string }): Promise<boolean>;
}

export type MediaStanding =
  | {
      ok: true;
      value: {
        role: ClassRole;
        audioMuted: boolean;
        videoStopped: boolean;
        spotlightUserId: string | null;
        /** The breakout group whose media room they are in (null: the class's main room). */
        groupId: string | null;
        /** False for a learner left out of recordings (under 18 without guardian consent on file). */
        recorded: boolean;
      };
    }
  | { ok: false; reason: 'not_joined' | 'removed' | 'class_ended' };

declare module 'fastify' {
  interface FastifyInstance {
    classroom: ClassroomApi;
  }
}
export { CLASSROOM_ERASURE_RULES, createClassroomErasure } from './classroom.erasure.repo';
