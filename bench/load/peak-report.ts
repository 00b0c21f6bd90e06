/** The peak hour's figures as a person reads them (npm run load -- peak, bench peak). */
import type { PeakFigures } from './peak';

/** The figures as a person reads them. */
export function describePeak(f: PeakFigures): string[] {
  const lat = (l: { p50Ms: number; p99Ms: number; n?: number }) => `p50 ${l.p50Ms.toFixed(1)} ms, p99 ${l.p99Ms.toFixed(1)} ms${l.n === undefined ? '' : ` (n ${l.n})`}`;
  return [
    '',
    `Peak hour, compressed: ${f.questions.peak} questions (${f.questions.perSecond}/s) and ${f.bookings.total} bookings (${f.bookings.paid} paid) on ${f.nodes.length} nodes`,
    `  errors                      ${f.errors}${f.errors ? `  e.g. ${f.errorSamples.slice(0, 3).join(' | ')}` : ''}`,
    `  ask → first tutor alert     idle ${lat(f.askToFirstAlertMs.idle)}; peak ${lat(f.askToFirstAlertMs.peak)}`,
    `  claim (accept request)      idle ${lat(f.claimMs.idle)}; peak ${lat(f.claimMs.peak)}`,
    `  accepts                     ${f.accepts.won} won, ${f.accepts.lost} lost the race (expected), ${f.accepts.errors} errors`,
    `  booking + payment           ${lat(f.bookings)}`,
    ...f.nodes.map((n) => `  ${n.id.padEnd(26)}  ${n.sockets} sockets, ${n.cpuCores} cores, RSS ${n.rssMiB.before} → ${n.rssMiB.connected} → ${n.rssMiB.after} MiB, loop lag p99 ${n.eventLoopLagP99Ms} ms`),
    `  memory per socket           ${f.memPerSocketKiB} KiB`,
    `  CPU per question            nodes ${f.cpu.nodeMsPerQuestion} ms (${f.cpu.nodeMarginalMsPerQuestion} ms above the quiet ${f.cpu.nodeQuietCores} cores), PostgreSQL ${f.cpu.postgresMsPerQuestion} ms (bookings' share included); HAProxy ${f.cpu.haproxyCoresPeak} cores; machine ${f.cpu.machineBusyCoresPeak} cores busy`,
    `  PostgreSQL connections      max ${f.postgres.connectionsMax} (${f.postgres.activeMax} active) of max_connections ${f.postgres.maxConnections}`,
    `  storage                     ${f.storage.bytesPerUser} B per user, ${f.storage.bytesPerQuestion} B per question or paid booking, ${f.storage.photoBytesPerQuestion} B of photo per question`,
    `  machine                     load ${f.machine.loadAvgAtStart.join(' ')} at start, ${f.machine.loadAvg.join(' ')} at end; run ${f.runS} s`,
  ];
}
