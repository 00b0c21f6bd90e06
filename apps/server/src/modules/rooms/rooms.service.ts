import type { IceServers, TutoringSession } from '@tutorline/contracts';
import { issueTurnCredential } from '../../integrations/turn';
import type { Clock } from '../../platform/clock';
import type { Tx } from '../../platform/db';
import { notFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import type { RoomsRepo } from './rooms.repo';

export interface SessionCaller {
  id: string;
  role: string;
}

export interface RoomsHooks {
  /** Called after a session ended, so the question can record it. */
  onSessionEnded?(session: { id: string; questionId: string | null; endedAt: Date }): Promise<void>;
}

export interface IceConfig {
  stunUrls: string[];
  turnUrls: string[];
  turnSecret: string | undefined;
  turnTtlSeconds: number;
}

export function createRoomsService(deps: { repo: RoomsRepo; clock: Clock; logger: Logger; hooks?: RoomsHooks; ice?: IceConfig }) {
  const { repo, clock, logger } = deps;

  async function view(id: string): Promise<TutoringSession | null> {
    const row = await repo.findWithPeople(id);
    if (!row) return null;
    const s = row.session;
    return {
      id: s.id,
      kind: s.kind,
      status: s.status,
      questionId: s.questionId,
      student: { id: s.studentId, displayName: row.studentName },
      tutor: {
        id: s.tutorId,
        displayName: row.tutorName,
        rating: row.ratingCount ? Math.round((row.ratingSum! / row.ratingCount) * 10) / 10 : null,
        ratingCount: row.ratingCount ?? 0,
      },
      startedAt: s.startedAt.toISOString(),
      endedAt: s.endedAt?.toISOString() ?? null,
    };
  }

  /** Only its two participants and admins may see a session; others get the same 404 as a missing one. */
  async function getSession(caller: SessionCaller, id: string): Promise<TutoringSession> {
    const session = await view(id);
    if (!session || (caller.role !== 'admin' && caller.id !== session.student.id && caller.id !== session.tutor.id)) throw notFound('That session');
    return session;
  }

  return {
    getSession,
    createForQuestion(tx: Tx, values: { studentId: string; tutorId: string; questionId: string; startedAt: Date }) {
      return repo.createForQuestion(tx, values);
    },
    /** Either participant may end a session; ending twice is harmless. Admins observe, they don't end. */
    async endSession(caller: SessionCaller, id: string): Promise<TutoringSession> {
      const before = await getSession(caller, id);
      if (caller.role === 'admin' || before.status === 'ended') return before;
      const ended = await repo.end(id, clock.now());
      if (ended) {
        logger.info({ event: 'session_ended', sessionId: id, by: caller.id }, 'session ended');
        await deps.hooks?.onSessionEnded?.({ id, questionId: ended.questionId, endedAt: ended.endedAt! });
      }
      return getSession(caller, id);
    },

    /** ICE servers for a participant (or an observing admin): STUN, and TURN with a credential of their own. */
    async iceServers(caller: SessionCaller, sessionId: string): Promise<IceServers> {
      await getSession(caller, sessionId);
      const ice = deps.ice;
      const servers: IceServers['iceServers'] = [];
      if (ice?.stunUrls.length) servers.push({ urls: ice.stunUrls });
      let expiresAt: string | null = null;
      if (ice?.turnSecret && ice.turnUrls.length) {
        const c = issueTurnCredential({ secret: ice.turnSecret, userId: caller.id, now: clock.now(), ttlSeconds: ice.turnTtlSeconds });
        servers.push({ urls: ice.turnUrls, username: c.username, credential: c.credential });
        expiresAt = c.expiresAt.toISOString();
      }
      return { iceServers: servers, expiresAt };
    },

    /** Ends a session from inside another module's transaction (the tutor marked the question answered). */
    endInTx(tx: Tx, id: string) {
      return repo.end(id, clock.now(), tx);
    },
  };
}
export type RoomsService = ReturnType<typeof createRoomsService>;
