import {
  classMediaModeSchema,
  classMediaPageSchema,
  classMediaPublishSchema,
  classMediaRestartSchema,
  classMediaScreenPermissionSchema,
  classMediaStartSchema,
  classMediaStatsSchema,
  classMediaSubscribeSchema,
  classMediaTrickleSchema,
  classMediaUnpublishSchema,
} from '@tutorline/contracts';
import type { z } from 'zod';
import type { Logger } from '../../platform/logger';
import type { AppSocket, Io } from '../../platform/realtime';
import { declareSocketEvents } from '../../platform/socket-access';
import type { ClassMediaService, MediaResult } from './classmedia.service';
import { mediaError } from './classmedia.words';

type Reply = (r: object) => void;

/**
 * The `class:media:` events: schema-checked, accepted only for a class this socket joined through the classroom, and
 * then checked against the stored standing (removed, lobby, ended) by the service before anything reaches Janus.
 */
export function installClassMediaHandlers(deps: { io: Io; logger: Logger; media: ClassMediaService }) {
  const { io, logger, media } = deps;
  // Sending media is for the class's members; an observing ops user may watch (subscribe and keep that stream up).
  const members = ['student', 'tutor'] as const;
  const watchers = [...members, 'ops'] as const;
  declareSocketEvents(io, 'classmedia', {
    'class:media:publish': members,
    'class:media:unpublish': members,
    'class:media:screen-permission': members,
    'class:media:subscribe': watchers,
    'class:media:start': watchers,
    'class:media:trickle': watchers,
    'class:media:restart': watchers,
    'class:media:page': watchers,
    'class:media:stats': watchers,
    'class:media:mode': watchers,
  });
  io.on('connection', (socket: AppSocket) => {
    const { userId } = socket.data;
    function on<S extends z.ZodType<{ classId: string }>>(event: string, schema: S, handler: (msg: z.infer<S>) => Promise<MediaResult<object | void>>) {
      (socket as unknown as { on(e: string, l: (p: unknown, ack: unknown) => void): void }).on(event, (payload, ack) => {
        const reply: Reply = typeof ack === 'function' ? (ack as Reply) : () => undefined;
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          return reply({ ok: false, error: { code: 'validation_failed', message: issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid message' } });
        }
        const msg = parsed.data;
        if (!socket.data.classrooms?.[msg.classId]) return reply(mediaError('not_joined'));
        handler(msg)
          .then((r) => {
            if (!r.ok) logger.info({ event: 'classmedia_refused', on: event, classId: msg.classId, userId, reason: r.reason }, 'class media request refused');
            reply(r.ok ? { ok: true, ...(r.value ?? {}) } : mediaError(r.reason));
          })
          .catch((err: unknown) => {
            logger.error({ err, event: 'classmedia_handler_failed', on: event, classId: msg.classId, userId }, 'class media handler failed');
            reply({ ok: false, error: { code: 'internal_error', message: 'Something went wrong. Trying again…' } });
          });
      });
    }
    on('class:media:publish', classMediaPublishSchema, (m) => media.publish(m.classId, userId, socket.id, m.offer, m.source));
    on('class:media:subscribe', classMediaSubscribeSchema, (m) => media.subscribe(m.classId, userId, socket.id));
    on('class:media:start', classMediaStartSchema, (m) => media.withMember(m.classId, userId, socket.id, (cm, x) => media.start(cm, x, m.answer, m.sub)));
    on('class:media:trickle', classMediaTrickleSchema, (m) => media.withMember(m.classId, userId, socket.id, (cm, x) => media.trickle(cm, x, m.target, m.candidate ?? null, m.source, m.sub)));
    on('class:media:restart', classMediaRestartSchema, (m) => media.withMember(m.classId, userId, socket.id, (cm, x) => media.restart(cm, x, m.target, m.offer, m.source)));
    on('class:media:page', classMediaPageSchema, (m) => media.withMember(m.classId, userId, socket.id, (cm, x) => media.page(cm, x, m.page)));
    on('class:media:stats', classMediaStatsSchema, (m) => media.withMember(m.classId, userId, socket.id, (cm, x) => media.stats(cm, x, m)));
    on('class:media:mode', classMediaModeSchema, (m) => media.withMember(m.classId, userId, socket.id, (cm, x) => media.mode(cm, x, m.audioOnly)));
    on('class:media:unpublish', classMediaUnpublishSchema, (m) => media.withMember(m.classId, userId, socket.id, (cm, x) => media.unpublish(cm, x, m.source)));
    on('class:media:screen-permission', classMediaScreenPermissionSchema, (m) =>
      media.withMember(m.classId, userId, socket.id, (cm, x) => media.screenPermission(cm, x, m.userId, m.allowed)),
    );
  });
}
