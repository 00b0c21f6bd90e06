/**
 * Fan-out of one question to 2,000 online tutors spread over BENCH_NODES (3) nodes, as a ratio to the same app on 1 node.
 *
 * Both halves are the real app (bench/app-server.ts, one process per node) WITH Socket.IO's Redis Streams adapter, so
 * the adapter (an XADD before every broadcast, for connection state recovery) is in the path of both: the ratio
 * measures spreading the sockets over nodes, not Redis on or off.
 *   Baseline: 1 node, its own PostgreSQL database and its own redis-server; all 2,000 tutor clients on it.
 *   Ours: 3 nodes sharing one PostgreSQL database and one redis-server (both fresh, the bench's own); the 2,000 clients
 *     connect straight to the nodes' ports (tutor i to node i mod 3: 667/667/666), not through HAProxy, so the spread
 *     is exact. The student asks on node 1; the wave runs on whichever node's job runner claims the job, and its
 *     broadcast reaches the other nodes through the Redis stream.
 *   Extra (not in the ratio; BENCH_NO_REDIS_EXTRA=0 leaves it out): 1 node without Redis (the in-process adapter).
 * Each half has its own database and redis-server, so no node's job runner or adapter ever sees another half's work.
 * Latency of one tutor: from the wave transaction's COMMIT (traced over IPC by whichever node ran it) to its client
 * receiving help:question; clients run in BENCH_CLIENT_PROCS (2) processes of their own (bench/fanout-clients.ts).
 * Every time is on CLOCK_MONOTONIC, shared by all processes (see bench/support/fanout.ts, shared with bench fanout).
 * One warm-up round, then BENCH_ROUNDS (5) rounds; in each, the 1-node and 3-node halves run back to back (which goes
 * first alternates), the extra after them. Headline: the median over rounds of (p99 3 nodes / p99 1 node) in the same
 * round, lower is better, target 1.5; missing or zero figures fail closed. Every node, redis-server and client process
 * is stopped by pid, and the databases dropped.
 *
 * Knobs: BENCH_TUTORS (2000), BENCH_NODES (3), BENCH_CLIENT_PROCS (2), BENCH_ROUNDS (5), BENCH_NO_REDIS_EXTRA (1),
 * BENCH_TIMEOUT_S (1200 here: 6,000 sockets connect in about a minute per half on a loaded 2-core machine).
 * Exploration only: BENCH_EXPLORE_DEFER_OUTBOX=1 defers every notify.deliver job by an hour in each half's database
 * (as in bench fanout), so no job runner drains the wave's outbox during the fan-out (result in
 * bench/results/fanout-cluster-outbox-deferred.json, not fanout-cluster.json).
 */
import { randomBytes } from 'node:crypto';
import { type ChildServer, type ChildWorker, envInt, latencies, machineInfo, median, ratio, report, round, runBench, startChildServer, startChildWorker } from './lib';
import { completeRound, deferNotifyOutbox, descriptorLimit, type FanoutDatabase, fanoutHelpEnv, filesFolder, questionPhoto, reportedRound, seedFanoutDatabase, traceLog, type WaveRound, waveRound } from './support/fanout';
import { startRedisServer } from './support/redis-server';
import { nodeOf, pairedRatios, perNode, slices } from './support/spread';

const NAME = 'fanout-cluster';
const TARGET = 1.5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Half {
  name: string;
  group: string;
  nodes: ChildServer[];
  data: FanoutDatabase;
  round(label: string): Promise<WaveRound>;
}

async function main() {
  const machine = machineInfo();
  const nTutors = envInt('BENCH_TUTORS', 2000);
  const nNodes = envInt('BENCH_NODES', 3);
  const procs = envInt('BENCH_CLIENT_PROCS', 2);
  const rounds = envInt('BENCH_ROUNDS', 5);
  const extra = process.env.BENCH_NO_REDIS_EXTRA !== '0';
  const deferOutbox = process.env.BENCH_EXPLORE_DEFER_OUTBOX === '1';
  if (deferOutbox) console.log('EXPLORATION: notify.deliver jobs are deferred by an hour (a trigger in each bench database); not the benchmark figure');
  console.log(
    `fanout-cluster: ${machine.cpus} × ${machine.cpuModel}, ${machine.node}, load ${machine.loadAvg.join(' ')}; ${1 + nNodes + (extra ? 1 : 0)} app processes, ` +
      `2 redis-servers, ${procs} client processes and PostgreSQL share the CPUs.`,
  );
  const halvesCount = extra ? 3 : 2;
  const { soft, shell } = descriptorLimit(halvesCount * Math.ceil(nTutors / procs), nTutors);

  const photo = await questionPhoto();
  const filesDir = filesFolder();
  const secret = randomBytes(32).toString('base64url');
  const startNode = (name: string, data: FanoutDatabase, redisUrl: string | undefined) =>
    startChildServer(name, 'app-server.ts', {
      env: { BENCH_DB: 'postgres', BENCH_DATABASE_URL: data.url, BENCH_DATA_DIR: filesDir, BENCH_TRACE: '1', BENCH_SIGNING_SECRET: secret, BENCH_NODE_ID: name, BENCH_REDIS_URL: redisUrl, ...fanoutHelpEnv },
      startTimeoutMs: 120_000,
    });

  const workers: ChildWorker[] = [];
  for (let i = 0; i < procs; i++) workers.push(await startChildWorker(`clients-${i + 1}`, 'fanout-clients.ts', shell ? { shell } : {}));

  const makeHalf = async (name: string, nodeCount: number, redis: boolean): Promise<Half> => {
    const data = await seedFanoutDatabase(nTutors);
    if (deferOutbox) await deferNotifyOutbox(data.db);
    const redisServer = redis ? await startRedisServer(`redis-${name}`) : undefined;
    const nodes: ChildServer[] = [];
    // One at a time: the first boot writes the catalogue and settings the others then find.
    for (let i = 1; i <= nodeCount; i++) nodes.push(await startNode(nodeCount === 1 ? name : `${name}-node-${i}`, data, redisServer?.url));
    const traces = traceLog(nodes);
    const shares = slices(data.tutors, procs);
    const t0 = performance.now();
    const conn = await Promise.all(
      workers.map((w, i) => {
        const offset = shares.slice(0, i).reduce((a, s) => a + s.length, 0);
        const urls = shares[i]!.map((_, j) => nodes[nodeOf(offset + j, nodeCount)]!.url);
        return w.request<{ connected: number; failed: number; errors: string[]; ms: number }>({ cmd: 'connect', kind: 'sio', group: name, urls, cookies: shares[i]!.map((t) => t.cookie), concurrency: 25 }, 180_000);
      }),
    );
    const connected = conn.reduce((a, c) => a + c.connected, 0);
    console.log(
      `${name}: ${nodeCount} node(s)${redisServer ? ` on ${redisServer.url} (pid ${redisServer.pid})` : ' without Redis'}; ${connected} Socket.IO clients connected ` +
        `(${perNode(nTutors, nodeCount).join('/')} per node) in ${Math.round(performance.now() - t0)} ms`,
    );
    for (const c of conn) if (c.failed) console.log(`  ${c.failed} failed: ${c.errors.join(' | ')}`);
    if (connected !== nTutors) throw new Error(`${name}: not every client connected`);
    return { name, group: name, nodes, data, round: (label) => waveRound({ label, workers, group: name, askUrl: nodes[0]!.url, student: data.student, db: data.db, traces, photo, outboxDeferred: deferOutbox }) };
  };

  const one = await makeHalf('one', 1, true);
  const cluster = await makeHalf('cluster', nNodes, true);
  const noRedis = extra ? await makeHalf('no-redis', 1, false) : undefined;
  await sleep(2000); // let the connection bursts (and their garbage) settle

  // p99 per node of the cluster half: the node that ran the wave against the ones the broadcast reached through Redis.
  const perNodeP99 = (r: WaveRound) =>
    cluster.nodes.map((n, k) => {
      const mine = r.receipts.filter((x, i): x is number => x !== null && nodeOf(i, nNodes) === k);
      return { node: n.name, ranWave: r.waveNode === n.name, p50Ms: latencies(mine).p50Ms, p99Ms: latencies(mine).p99Ms };
    });
  const showNodes = (r: WaveRound) =>
    console.log(`${''.padEnd(22)} per node p50/p99: ${perNodeP99(r).map((x) => `${x.node}${x.ranWave ? ' (wave)' : ''} ${x.p50Ms.toFixed(1)}/${x.p99Ms.toFixed(1)}`).join(', ')} ms`);

  console.log('');
  const warm = { one: await one.round('warm-up 1 node'), cluster: await cluster.round(`warm-up ${nNodes} nodes`), noRedis: await noRedis?.round('warm-up no Redis') };
  showNodes(warm.cluster);
  const O: WaveRound[] = [];
  const C: WaveRound[] = [];
  const N: WaveRound[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ([one, cluster] as const) : ([cluster, one] as const);
    for (const half of order) {
      await sleep(500);
      const res = await half.round(half === one ? `1 node #${r + 1}` : `${nNodes} nodes #${r + 1}`);
      (half === one ? O : C).push(res);
      if (half === cluster) showNodes(res);
    }
    if (noRedis) {
      await sleep(500);
      N.push(await noRedis.round(`no Redis #${r + 1}`));
    }
  }

  for (const half of [one, cluster, noRedis]) if (half) await Promise.all(workers.map((w) => w.request({ cmd: 'close', group: half.group }).catch(() => {})));
  await Promise.all(workers.map((w) => w.stop()));
  for (const half of [one, cluster, noRedis]) for (const n of half?.nodes ?? []) await n.stop();

  const med = (xs: number[]) => round(median(xs), 3);
  const p99 = pairedRatios(
    C.map((c) => c.fromCommit.p99Ms),
    O.map((o) => o.fromCommit.p99Ms),
  );
  const p50 = pairedRatios(
    C.map((c) => c.fromCommit.p50Ms),
    O.map((o) => o.fromCommit.p50Ms),
  );
  const headline = p99.median;
  const noRedisP99 = N.length ? med(N.map((n) => n.fromCommit.p99Ms)) : Number.NaN;
  const noRedisRatio = N.length ? pairedRatios(N.map((n) => n.fromCommit.p99Ms), O.map((o) => o.fromCommit.p99Ms)).median : Number.NaN;
  const all = [warm.one, warm.cluster, ...(warm.noRedis ? [warm.noRedis] : []), ...O, ...C, ...N];
  const complete = all.every(completeRound);
  const wavesBy: Record<string, number> = {};
  for (const c of C) wavesBy[c.waveNode] = (wavesBy[c.waveNode] ?? 0) + 1;
  const nodeFigures = C.map(perNodeP99);
  const waveNodeP99 = med(nodeFigures.map((f) => f.find((x) => x.ranWave)?.p99Ms ?? Number.NaN));
  const otherNodesP99 = med(nodeFigures.map((f) => Math.max(...f.filter((x) => !x.ranWave).map((x) => x.p99Ms))));

  console.log(`\nmedian of ${rounds} rounds, ${nTutors} clients, wave commit → receipt:`);
  const line = (label: string, rs: WaveRound[]) =>
    console.log(
      `  ${label.padEnd(30)} p50 ${med(rs.map((r) => r.fromCommit.p50Ms)).toFixed(2).padStart(7)} ms  p99 ${med(rs.map((r) => r.fromCommit.p99Ms)).toFixed(2).padStart(7)} ms  ` +
        `(emit loop ${med(rs.map((r) => r.emitLoopMs)).toFixed(1)} ms, commit → emit ${med(rs.map((r) => r.commitToEmitMs)).toFixed(2)} ms, ask → commit ${med(rs.map((r) => r.askToCommitMs))} ms)`,
    );
  line('1 node + Redis (baseline)', O);
  line(`${nNodes} nodes + Redis (ours)`, C);
  if (N.length) line('1 node, no Redis (extra)', N);
  console.log(`  ${nNodes} nodes: p99 on the node that ran the wave ${waveNodeP99} ms, on the slowest other node ${otherNodesP99} ms; waves run by ${JSON.stringify(wavesBy)}`);
  // Where the time goes after the commit: until the last node starts writing to its sockets (the XADD round trip, and
  // the stream read on the other nodes), and the longest of the nodes' write loops.
  const profileOf = (rs: WaveRound[]) => {
    const nodes = rs.map((r) => Object.values(r.profile.nodes));
    return {
      lastNodeStartsMs: med(nodes.map((ns) => Math.max(...ns.map((n) => n.localStartMs)))),
      longestWriteLoopMs: med(nodes.map((ns) => Math.max(...ns.map((n) => n.localLoopMs)))),
      xaddMs: med(rs.map((r) => r.profile.publishMs ?? Number.NaN)),
    };
  };
  const profile = { oneNode: profileOf(O), cluster: profileOf(C), ...(N.length ? { noRedis: profileOf(N) } : {}) };
  for (const [k, p] of Object.entries(profile)) console.log(`  after the commit, ${k.padEnd(8)}: last node starts writing at +${p.lastNodeStartsMs} ms, longest write loop ${p.longestWriteLoopMs} ms, XADD ${p.xaddMs} ms`);
  console.log(`every client got exactly one message each round: ${complete ? 'yes' : 'NO'}`);
  console.log(`  per-round p99 ratios ${p99.perRound.map((r) => r.toFixed(2)).join(', ')}; p50 ratios ${p50.perRound.map((r) => r.toFixed(2)).join(', ')}`);
  console.log(`\nheadline: median over rounds of p99 ${nNodes} nodes / p99 1 node (both with Redis) in the same round = ${headline.toFixed(3)} (target ≤ ${TARGET}); p50 ${p50.median.toFixed(3)}`);

  report({
    bench: deferOutbox ? `${NAME}-outbox-deferred` : NAME,
    ratio: headline,
    better: 'lower',
    target: TARGET,
    ok: headline <= TARGET && complete,
    allReceivedOnce: complete,
    p50Ratio: p50.median,
    perRoundP99Ratios: p99.perRound,
    perRoundP50Ratios: p50.perRound,
    p99RatioOfMedians: ratio(med(C.map((c) => c.fromCommit.p99Ms)), med(O.map((o) => o.fromCommit.p99Ms))),
    oneNodeP50Ms: med(O.map((o) => o.fromCommit.p50Ms)),
    oneNodeP99Ms: med(O.map((o) => o.fromCommit.p99Ms)),
    clusterP50Ms: med(C.map((c) => c.fromCommit.p50Ms)),
    clusterP99Ms: med(C.map((c) => c.fromCommit.p99Ms)),
    clusterWaveNodeP99Ms: waveNodeP99,
    clusterOtherNodesP99Ms: otherNodesP99,
    wavesRunBy: wavesBy,
    profile,
    extraNoRedisP99Ms: noRedisP99,
    extraNoRedisP99RatioToOneNodeRedis: noRedisRatio,
    oneNode: O.map(reportedRound),
    cluster: C.map((c, i) => ({ ...reportedRound(c), perNode: nodeFigures[i] })),
    noRedis: N.map(reportedRound),
    warmup: { one: reportedRound(warm.one), cluster: reportedRound(warm.cluster), ...(warm.noRedis ? { noRedis: reportedRound(warm.noRedis) } : {}) },
    tutors: nTutors,
    nodes: nNodes,
    clientsPerNode: perNode(nTutors, nNodes),
    clientProcesses: procs,
    rounds,
    spread: 'tutor i connects straight to node i mod N (not through HAProxy); the student asks on node 1',
    commitTimestamp: "when the wave transaction's COMMIT returned to the node that ran it (db.transaction resolved), CLOCK_MONOTONIC",
    ulimitN: soft,
    machine,
  });
}

process.env.BENCH_TIMEOUT_S ||= '1200';
await runBench(NAME, main);
