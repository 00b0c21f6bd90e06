import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MovableClock } from './clock';
import type { Logger } from './logger';

const clockView = (clock: MovableClock) => ({ now: clock.now().toISOString(), offsetMs: clock.offsetMs() });

/**
 * Test only (CLOCK_CONTROL=true, refused in production): read and move the server's clock. Every response's Date
 * header then tells the moved time too, since the web app estimates the server's clock from it (countdowns to a
 * lesson's room); not encapsulated, so the header applies to every route.
 */
export const devClockRoutes = fp(async function devClockRoutes(fastify: FastifyInstance, opts: { clock: MovableClock; logger: Logger }) {
  fastify.addHook('onSend', async (_request, reply) => {
    reply.header('date', opts.clock.now().toUTCString());
  });
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const view = z.object({ now: z.string(), offsetMs: z.number() });
  app.get('/dev/clock', {
    config: { access: 'public' },
    schema: { hide: true, response: { 200: view } },
    handler: async () => clockView(opts.clock),
  });
  app.post('/dev/clock', {
    config: { access: 'public' },
    schema: { hide: true, body: z.strictObject({ at: z.iso.datetime({ offset: true }) }), response: { 200: view } },
    handler: async (request) => {
      opts.clock.moveTo(new Date(request.body.at));
      opts.logger.info({ event: 'clock_moved', at: request.body.at, offsetMs: opts.clock.offsetMs() }, 'test clock moved');
      return clockView(opts.clock);
    },
  });
});
