export { classroomModule } from './classroom.install';
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
}

declare module 'fastify' {
  interface FastifyInstance {
    classroom: ClassroomApi;
  }
}
