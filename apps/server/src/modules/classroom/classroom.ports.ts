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
}
export const CLASSROOM_MEDIA = definePort<ClassroomMediaPort>('classroom.media', 'the media server module (tutorline-classroom-media)');
