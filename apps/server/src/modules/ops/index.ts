import type { OpsLive } from './ops.live';
import type { Rollups } from './ops.service';
import type { Summary } from './ops.summary';

export { type OpsModuleOptions, opsModule, rollupSources } from './ops.install';
export { type RollupFact } from './ops.repo';
export { percentilesOf, exactPercentile } from './ops.rules';

declare module 'fastify' {
  interface FastifyInstance {
    /** The ops dashboard: its rollups, live pushes and summary (tutorline-ops). */
    ops: { rollups: Rollups; live: OpsLive; summary: Summary; nodeReport: { report(): Promise<void>; stop(): void } };
  }
}
export { OPS_ERASURE_RULES } from './ops.erasure';
