import type { ClassRole } from '@tutorline/contracts';
import { definePort } from '../../platform/ports';
import type { Fail, Result } from '../../platform/result';

export type { ClassRole };

/** What the classes module says about one user and one class at one instant. */
export interface ClassAccess {
  classId: string;
  role: ClassRole;
  tutorId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  lobby: boolean;
  roomOpensAt: Date;
}
export type ClassAccessRefusal = 'class_not_found' | 'not_enrolled' | 'not_open_yet' | 'class_over' | 'class_cancelled';

/** Provided by the classes module: who may enter a class's room, and its attendance list. */
export interface ClassAccessPort {
  access(classId: string, userId: string, at: Date): Promise<Result<ClassAccess, Fail<ClassAccessRefusal>>>;
  recordAttendance(a: { classId: string; userId: string; kind: 'join' | 'leave'; at: Date }): Promise<void>;
  /** Whether this user may watch the class's recordings: its tutor or an enrolled learner (any time, unlike `access`). */
  mayWatchRecordings(classId: string, userId: string): Promise<boolean>;
}
export const CLASS_ACCESS = definePort<ClassAccessPort>('classroom.classAccess', 'the classes module (tutorline-classes)');

export interface ClassroomMediaState {
  audioMuted: boolean;
  videoStopped: boolean;
}
/** Provided by the media (Janus) module: the server enforces each participant's microphone and camera at the SFU. */
export interface ClassroomMediaPort {
  apply(classId: string, userId: string, state: ClassroomMediaState): Promise<void>;
  remove(classId: string, userId: string): Promise<void>;
  end(classId: string): Promise<void>;
  /** Starts recording the class's media (the teacher owns it) or stops the running one; refused when it cannot record. */
  record(classId: string, req: { on: true; teacherId: string } | { on: false; recordingId: string }): Promise<Result<{ recordingId: string }, Fail<'recording_unavailable'>>>;
}
export const CLASSROOM_MEDIA = definePort<ClassroomMediaPort>('classroom.media', 'the media server module (tutorline-classroom-media)');
