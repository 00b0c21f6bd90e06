import fp from 'fastify-plugin';
import { CLASSROOM_MEDIA } from '../classroom';
import { installClassMediaHandlers } from './classmedia.realtime';
import { createClassMedia } from './classmedia.service';

/**
 * Group-class media through Janus (decision 048): provides the classroom's CLASSROOM_MEDIA port with the real SFU
 * (`fastify.sfu`) and owns the `class:media:` socket events. Janus being down or off is a typed refusal
 * (`media_unavailable`), never a failed start.
 */
export const classMediaModule = fp(
  async (fastify) => {
    const { logger, realtime, ports } = fastify.platform;
    const media = createClassMedia({ sfu: fastify.sfu.api, recorder: fastify.recordings, io: realtime.io, logger, classroom: () => fastify.classroom, now: () => fastify.platform.clock.now().getTime() });
    ports.provide(CLASSROOM_MEDIA, media.port);
    installClassMediaHandlers({ io: realtime.io, logger, media });
    fastify.addHook('onClose', async () => media.close());
  },
  { name: 'tutorline-classroom-media', fastify: '5.x', decorators: { fastify: ['platform', 'sfu', 'classroom', 'recordings'] }, dependencies: ['tutorline-sfu', 'tutorline-classroom', 'tutorline-recordings'] },
);
