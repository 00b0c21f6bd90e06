import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { JanusSupervisor } from './janus.process';
import type { Sfu, SfuStatus } from './sfu';

/** What the app decorates as `fastify.sfu`: the media server for group classes (see sfu.ts for how to wire it). */
export interface SfuService {
  api: Sfu;
  status(): SfuStatus;
}

export const sfuOffReason = 'live classes need the media server (janus), which is switched off here (SFU=off)';

/**
 * Starts Janus with the app when SFU=janus (the default outside tests) and stops it by pid on close. A missing binary
 * or a Janus that will not start leaves the app running with `status()` saying why; a Janus that dies is restarted.
 */
export const sfuModule = fp(
  async (fastify: FastifyInstance, opts: { api?: Sfu }) => {
    if (opts.api) {
      // A Janus the caller runs (the tests' network namespace): used as is, neither started nor stopped here.
      const api = opts.api;
      fastify.decorate('sfu', { api, status: () => api.status() } satisfies SfuService);
      return;
    }
    const { config, logger } = fastify.platform;
    const s = config.sfu;
    const janus = new JanusSupervisor({
      bin: s.bin,
      searchPath: s.searchPath,
      config: { dir: s.dir, apiIp: s.apiIp, wsPort: s.wsPort, rtpPortRange: s.rtpPortRange, iceEnforceList: s.iceEnforceList },
      logger,
    });
    if (s.mode === 'off') {
      janus.sfu.markDown(sfuOffReason);
    } else {
      const status = await janus.start();
      if (status.up) logger.info({ event: 'sfu_ready', apiUrl: status.apiUrl }, 'the media server (janus) is up');
      fastify.addHook('onClose', () => janus.stop());
    }
    fastify.decorate('sfu', { api: janus.api, status: () => janus.status() } satisfies SfuService);
  },
  { name: 'tutorline-sfu', decorators: { fastify: ['platform'] } },
);

declare module 'fastify' {
  interface FastifyInstance {
    sfu: SfuService;
  }
}
