import { randomUUID } from 'node:crypto';
import type { ClassAck, ClassJoined } from '@tutorline/contracts';
import type { Ports } from '../../platform/ports';
import { fail, ok } from '../../platform/result';
import type { TestSocket } from '../../../test/sockets';
import { CLASS_ACCESS, type ClassAccess, type ClassAccessPort, CLASSROOM_MEDIA, type ClassroomMediaPort } from './classroom.ports';

/** A class as the tests' stand-in for the classes module knows it. */
export interface FakeClass {
  id: string;
  tutorId: string;
  learners: Set<string>;
  observers: Set<string>;
  capacity: number;
  lobby: boolean;
  roomOpensAt: Date;
  endsAt: Date;
  cancelled: boolean;
}

/**
 * Our own seam for the tests: a table of classes behind CLASS_ACCESS (with the attendance it was told), and a recorder
 * of the calls made to CLASSROOM_MEDIA (passed on to the app's real media port when it has one).
 */
export function provideFakePorts(ports: Ports) {
  const classes = new Map<string, FakeClass>();
  const attendance: { classId: string; userId: string; kind: 'join' | 'leave' }[] = [];
  const mediaCalls: { call: 'apply' | 'remove' | 'end' | 'record'; classId: string; userId?: string; state?: { audioMuted: boolean; videoStopped: boolean } }[] = [];
  const access: ClassAccessPort = {
    async access(classId, userId, at) {
      const c = classes.get(classId);
      if (!c) return fail('class_not_found');
      const role = c.tutorId === userId ? 'teacher' : c.learners.has(userId) ? 'learner' : c.observers.has(userId) ? 'observer' : null;
      if (!role) return fail('not_enrolled');
      if (c.cancelled) return fail('class_cancelled');
      if (at < c.roomOpensAt) return fail('not_open_yet');
      if (at >= c.endsAt) return fail('class_over');
      const value: ClassAccess = { classId, role, tutorId: c.tutorId, title: 'Fractions', startsAt: new Date(c.roomOpensAt.getTime() + 600_000), endsAt: c.endsAt, capacity: c.capacity, lobby: c.lobby, roomOpensAt: c.roomOpensAt };
      return ok(value);
    },
    async recordAttendance(a) {
      attendance.push({ classId: a.classId, userId: a.userId, kind: a.kind });
    },
    async mayWatchRecordings(classId, userId) {
      const c = classes.get(classId);
      return Boolean(c && (c.tutorId === userId || c.learners.has(userId)));
    },
  };
  const media: ClassroomMediaPort = {
    async apply(classId, userId, state) {
      mediaCalls.push({ call: 'apply', classId, userId, state });
    },
    async remove(classId, userId) {
      mediaCalls.push({ call: 'remove', classId, userId });
    },
    async end(classId) {
      mediaCalls.push({ call: 'end', classId });
    },
    async record(classId) {
      mediaCalls.push({ call: 'record', classId });
      return { ok: false, reason: 'recording_unavailable' };
    },
  };
  // The classes module provides the real CLASS_ACCESS; these tests drive the room from their own table of classes
  // (classroom.classes.int.test.ts runs the real one).
  ports.replaceForTest(CLASS_ACCESS, access);
  // The app provides the real media port (tutorline-classroom-media): record each call on its way through to it.
  const real = (() => {
    try {
      return ports.get(CLASSROOM_MEDIA);
    } catch {
      return null;
    }
  })();
  if (real) {
    for (const name of ['apply', 'remove', 'end'] as const) {
      const recorder = media[name] as (...a: unknown[]) => Promise<void>;
      const through = (real[name] as (...a: unknown[]) => Promise<void>).bind(real);
      (real as unknown as Record<string, unknown>)[name] = async (...a: unknown[]) => {
        await recorder(...a);
        await through(...a);
      };
    }
  } else ports.replaceForTest(CLASSROOM_MEDIA, media);
  return {
    classes,
    attendance,
    mediaCalls,
    addClass(c: Partial<Omit<FakeClass, 'learners'>> & { tutorId: string; learners: string[]; roomOpensAt: Date; endsAt: Date }): FakeClass {
      const fc: FakeClass = { id: randomUUID(), capacity: 30, lobby: false, cancelled: false, observers: new Set(), ...c, learners: new Set(c.learners) };
      classes.set(fc.id, fc);
      return fc;
    },
  };
}

type AnySocket = { timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<never> } };
export const ask = <T = object>(socket: TestSocket, event: string, payload: unknown): Promise<ClassAck<T>> => (socket as unknown as AnySocket).timeout(5_000).emitWithAck(event, payload);
export const joinClass = (socket: TestSocket, classId: string, extra: object = {}) => ask<ClassJoined>(socket, 'class:join', { classId, ...extra });
export const control = (socket: TestSocket, classId: string, command: object) => ask<{ pollId?: string }>(socket, 'class:control', { classId, command });

/** Collects every `event` a socket receives. */
export function record<T>(socket: TestSocket, event: string): T[] {
  const got: T[] = [];
  (socket as unknown as { on(e: string, l: (p: T) => void): void }).on(event, (p) => got.push(p));
  return got;
}
export async function until(check: () => boolean, what: string, ms = 5_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
