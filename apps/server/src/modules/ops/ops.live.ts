import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { OPS_ROOM } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { AppSocket, Io } from '../../platform/realtime';
import { declareSocketEvents } from '../../platform/socket-access';
import type { OpsRepo } from './ops.repo';
import { throttleDelay } from './ops.rules';
import type { Rollups } from './ops.service';

/** Who may watch the dashboard: ops, finance or admin staff (money stays behind the HTTP route's own check). */
const WATCHERS = ['ops', 'finance', 'admin'] as const;

/**
 * The dashboard's live side: sockets of staff join OPS_ROOM; after a change (a question asked, claimed, a session
 * ended…) the last minutes are rolled up again and 'ops:changed' goes out, at most once per `everyMs` (throttled).
 */
export function createOpsLive(deps: { io: Io; rollups: Rollups; clock: Clock; logger: Logger; everyMs: number }) {
  const { io, rollups, logger } = deps;
  declareSocketEvents(io, 'ops', { 'ops:watch': WATCHERS });
  let lastRunAt: number | null = null;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  async function run() {
    lastRunAt = performance.now();
    try {
      await rollups.touch();
      io.to(OPS_ROOM).emit('ops:changed', { at: deps.clock.now().toISOString() });
    } catch (err) {
      logger.error({ err, event: 'ops_live_refresh_failed' }, 'ops dashboard refresh failed');
    }
  }

  function schedule() {
    if (closed || timer) return;
    if (running) {
      again = true;
      return;
    }
    timer = setTimeout(() => {
      timer = undefined;
      running = run().finally(() => {
        running = null;
        if (again) {
          again = false;
          schedule();
        }
      });
    }, throttleDelay(lastRunAt, performance.now(), deps.everyMs));
  }

  io.on('connection', (socket: AppSocket) => {
    socket.on('ops:watch', async (ack) => {
      if (typeof ack !== 'function') return;
      // Only ops, finance and admin get here: the socket layer checked the declaration above.
      await socket.join(OPS_ROOM);
      ack({ ok: true });
    });
  });

  return {
    /** Something the tiles show changed: refresh and tell the watchers, throttled. */
    changed: schedule,
    /** Resolves when no refresh is pending or running (tests). */
    async idle() {
      while (timer || running) await (running ?? new Promise((r) => setTimeout(r, 5)));
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
export type OpsLive = ReturnType<typeof createOpsLive>;

const appVersion = (() => {
  try {
    return String(JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../package.json'), 'utf8')).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
})();

/** This node's figures written every `everyMs`: sockets, event-loop lag (p99 of the interval), memory and version. */
export function startNodeReport(deps: { repo: OpsRepo; io: Io; clock: Clock; logger: Logger; nodeId: string; everyMs: number }) {
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const write = async () => {
    const lagMs = Math.round((delay.percentile(99) / 1e6) * 10) / 10;
    delay.reset();
    await deps.repo
      .saveNode({ id: deps.nodeId, sockets: deps.io.engine.clientsCount, lagMs: Number.isFinite(lagMs) ? lagMs : 0, rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20), version: `${appVersion} (node ${process.version})`, seenAt: deps.clock.now() })
      .catch((err: unknown) => deps.logger.warn({ err, event: 'ops_node_report_failed' }, 'could not write this node’s figures'));
  };
  // One write at a time, none after stop; stop waits for the one in flight, so it never reaches a closed pool.
  const report = () => {
    if (!stopped) inFlight = inFlight.then(write);
    return inFlight;
  };
  void report();
  const timer = setInterval(() => void report(), deps.everyMs);
  timer.unref();
  return {
    report,
    async stop() {
      stopped = true;
      clearInterval(timer);
      delay.disable();
      await inFlight;
    },
  };
}
