import {
  type SessionRecRefusalCode,
  sessionRecAnswerSchema,
  sessionRecAskSchema,
  sessionRecStopSchema,
  sessionSfuPublishSchema,
  sessionSfuStartSchema,
  sessionSfuSubscribeSchema,
  sessionSfuTrickleSchema,
} from '@tutorline/contracts';
import type { z } from 'zod';
import type { Logger } from '../../platform/logger';
import type { AppSocket, Io } from '../../platform/realtime';
import { declareSocketEvents } from '../../platform/socket-access';
import type { SessionMedia } from './sessionrec.media';
import type { RecResult, SessionRec } from './sessionrec.service';
import { sessionRecWords } from './sessionrec.words';

type Reply = (r: { ok: true } | { ok: false; error: { code: SessionRecRefusalCode; message: string } }) => void;
const refuse = (code: SessionRecRefusalCode) => ({ ok: false as const, error: { code, message: sessionRecWords[code] } });

/**
 * The `room:rec:*` and `room:sfu:*` events (decision 056). Every payload is checked against its schema; only a socket
 * that joined the session's room as its student or tutor (the rooms module's join) may ask, answer, stop or send media.
 */
export function installSessionRecHandlers(deps: { io: Io; rec: SessionRec; media: SessionMedia; logger: Logger }) {
  const { io, rec, media, logger } = deps;
  // Only the session's two participants record or use the SFU; observers never do.
  const participants = ['student', 'tutor'] as const;
  declareSocketEvents(io, 'sessionrec', Object.fromEntries(
    ['room:rec:ask', 'room:rec:answer', 'room:rec:stop', 'room:rec:state', 'room:sfu:publish', 'room:sfu:subscribe', 'room:sfu:start', 'room:sfu:trickle'].map((e) => [e, participants]),
  ));

  io.on('connection', (socket: AppSocket) => {
    const { userId } = socket.data;
    const isParticipant = (sessionId: string) => {
      const role = socket.data.rooms?.[sessionId];
      return role === 'student' || role === 'tutor';
    };

    /** One handler: parse, check the participant, run, answer; a fault is logged and answered without details. */
    function on<S extends z.ZodType<{ sessionId: string }>>(event: string, schema: S, run: (msg: z.infer<S>) => Promise<Record<string, unknown> | { ok: false; reason: SessionRecRefusalCode }>) {
      (socket as unknown as { on(e: string, l: (p: unknown, ack?: unknown) => void): void }).on(event, (payload, ack) => {
        const reply: Reply = typeof ack === 'function' ? (ack as Reply) : () => undefined;
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          return reply({ ok: false, error: { code: 'validation_failed', message: issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid message' } });
        }
        const msg = parsed.data;
        if (!isParticipant(msg.sessionId)) return reply(refuse('not_joined'));
        run(msg).then(
          (r) => reply(r.ok === false ? refuse(r.reason as SessionRecRefusalCode) : ({ ...r, ok: true } as { ok: true })),
          (err: unknown) => {
            logger.error({ err, event: 'sessionrec_request_failed', what: event, sessionId: msg.sessionId, userId }, 'a recording request failed');
            reply(refuse('internal_error'));
          },
        );
      });
    }
    const state = (r: RecResult) => (r.ok ? { recording: r.value } : r);

    on('room:rec:ask', sessionRecAskSchema, async (m) => state(await rec.ask(userId, m.sessionId)));
    on('room:rec:answer', sessionRecAnswerSchema, async (m) => state(await rec.answer(userId, m.sessionId, m.agree)));
    on('room:rec:stop', sessionRecStopSchema, async (m) => state(await rec.stop(userId, m.sessionId)));
    on('room:rec:state', sessionRecStopSchema, async (m) => state(await rec.state(userId, m.sessionId)));
    on('room:sfu:publish', sessionSfuPublishSchema, async (m) => {
      const r = await media.publish(m.sessionId, userId, socket.id, m.offer);
      return r.ok ? { answer: r.value.answer } : r;
    });
    on('room:sfu:subscribe', sessionSfuSubscribeSchema, async (m) => {
      const r = await media.subscribe(m.sessionId, userId, socket.id);
      return r.ok ? { offer: r.value.offer } : r;
    });
    on('room:sfu:start', sessionSfuStartSchema, async (m) => {
      const r = await media.start(m.sessionId, userId, m.answer);
      return r.ok ? {} : r;
    });
    on('room:sfu:trickle', sessionSfuTrickleSchema, async (m) => {
      const r = await media.trickle(m.sessionId, userId, m.target, m.candidate ?? null);
      return r.ok ? {} : r;
    });
  });
}
