/**
 * The capacity table of docs/CAPACITY.md (#19, decision 097), computed from the peak hour's measured figures
 * (bench/results/peak.json or load-peak.json). Pure: every assumption is an argument with its default written here.
 */

/** What the peak run measured (a subset of its JSON). */
export interface MeasuredFigures {
  population: { students: number; tutors: number; tutorSockets: number; studentSockets: number; connected: number };
  knobs: { sessionsPerDay: number; peakShare: number; nodes: number };
  memPerSocketKiB: number;
  cpu: { nodeQuietCores: number; nodeMarginalMsPerQuestion: number; postgresMsPerQuestion: number };
  postgres: { connectionsMax: number; maxConnections: number };
  storage: { bytesPerUser: number; bytesPerQuestion: number; photoBytesPerQuestion: number };
}

export interface Assumptions {
  /** CPU a node may use at the peak: one event loop per process, kept at half a core for bursts and GC. */
  nodeCoreBudget: number;
  /** Resident memory a node may use for its sockets. */
  nodeSocketMemMiB: number;
  /** At least this many nodes (one may drain or die). */
  minNodes: number;
  /** PostgreSQL kept under this share of its cores at the peak. */
  postgresUtilisation: number;
  /** Share of students in a live group class at the peak hour, each receiving one forwarded stream. */
  groupClassShare: number;
  /** Janus's CPU per forwarded stream, ms per second (decision 095, measured 4.727). */
  janusMsPerStream: number;
  /** Janus kept under this share of a core. */
  janusUtilisation: number;
  /** HAProxy's `maxconn` in deploy/haproxy.cfg. */
  haproxyMaxconn: number;
  /** Days of history kept in PostgreSQL and of photos on disk (RETAIN_QUESTION_PHOTOS_DAYS). */
  historyDays: number;
  photoDays: number;
  /** The largest single PostgreSQL server planned for (cores). */
  postgresMaxCores: number;
  /** Cores of one Janus machine (this machine has 2). */
  janusMachineCores: number;
}

export const defaultAssumptions: Assumptions = {
  nodeCoreBudget: 0.5,
  nodeSocketMemMiB: 1024,
  minNodes: 2,
  postgresUtilisation: 0.6,
  groupClassShare: 0.02,
  janusMsPerStream: 4.727,
  janusUtilisation: 0.7,
  haproxyMaxconn: 4096,
  historyDays: 365,
  photoDays: 180,
  postgresMaxCores: 32,
  janusMachineCores: 2,
};

export interface CapacityRow {
  students: number;
  tutors: number;
  sockets: number;
  sessionsPerDay: number;
  peakQuestionsPerSecond: number;
  nodeCores: number;
  nodesForCpu: number;
  nodesForMemory: number;
  nodes: number;
  pgConnections: number;
  pgCores: number;
  dbGiB: number;
  photoGiB: number;
  janusStreams: number;
  janusCores: number;
  haproxyFrontends: number;
}

const ceil = (x: number) => Math.ceil(x - 1e-9);
const r = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** The population scales as measured: tutors, sockets and sessions a day are the run's shares of its students. */
export function capacityRow(f: MeasuredFigures, students: number, a: Assumptions = defaultAssumptions): CapacityRow {
  const p = f.population;
  const scale = students / p.students;
  const tutors = p.tutors * scale;
  const sockets = (p.tutorSockets + p.studentSockets) * scale;
  const sessionsPerDay = f.knobs.sessionsPerDay * scale;
  const qps = (sessionsPerDay * f.knobs.peakShare) / 3600;
  const socketCores = (f.cpu.nodeQuietCores / p.connected) * sockets;
  const nodeCores = socketCores + (qps * f.cpu.nodeMarginalMsPerQuestion) / 1000;
  const nodesForCpu = ceil(nodeCores / a.nodeCoreBudget);
  const nodesForMemory = ceil((sockets * f.memPerSocketKiB) / 1024 / a.nodeSocketMemMiB);
  const nodes = Math.max(a.minNodes, nodesForCpu, nodesForMemory);
  const poolPerNode = f.postgres.connectionsMax / f.knobs.nodes;
  const janusStreams = students * a.groupClassShare;
  return {
    students,
    tutors: Math.round(tutors),
    sockets: Math.round(sockets),
    sessionsPerDay: Math.round(sessionsPerDay),
    peakQuestionsPerSecond: r(qps, 3),
    nodeCores: r(nodeCores),
    nodesForCpu,
    nodesForMemory,
    nodes,
    pgConnections: Math.round(nodes * poolPerNode),
    pgCores: r((qps * f.cpu.postgresMsPerQuestion) / 1000 / a.postgresUtilisation),
    dbGiB: r(((students + tutors) * f.storage.bytesPerUser + sessionsPerDay * a.historyDays * f.storage.bytesPerQuestion) / 2 ** 30),
    photoGiB: r((sessionsPerDay * a.photoDays * f.storage.photoBytesPerQuestion) / 2 ** 30),
    janusStreams: Math.round(janusStreams),
    janusCores: r((janusStreams * a.janusMsPerStream) / 1000 / a.janusUtilisation),
    haproxyFrontends: ceil(sockets / a.haproxyMaxconn),
  };
}

export interface Limit {
  what: string;
  /** The student count at which this limit is reached, with everything else scaled as measured. */
  atStudents: number;
}

/** Each fixed limit of one deployment as a student count, lowest (what breaks first) first. */
export function limits(f: MeasuredFigures, a: Assumptions = defaultAssumptions): Limit[] {
  // Unrounded, per student: the table's rounding would make these 0.
  const qpsPerStudent = (f.knobs.sessionsPerDay / f.population.students) * f.knobs.peakShare / 3600;
  const socketsPerStudent = (f.population.tutorSockets + f.population.studentSockets) / f.population.students;
  const poolPerNode = f.postgres.connectionsMax / f.knobs.nodes;
  const nodesAllowed = Math.floor(f.postgres.maxConnections / poolPerNode);
  const nodeCoresPerStudent = (f.cpu.nodeQuietCores / f.population.connected) * socketsPerStudent + (qpsPerStudent * f.cpu.nodeMarginalMsPerQuestion) / 1000;
  const pgCoresPerStudent = (qpsPerStudent * f.cpu.postgresMsPerQuestion) / 1000 / a.postgresUtilisation;
  const out: Limit[] = [
    { what: `HAProxy maxconn ${a.haproxyMaxconn} (one frontend holds every socket)`, atStudents: Math.floor(a.haproxyMaxconn / socketsPerStudent) },
    { what: `PostgreSQL max_connections ${f.postgres.maxConnections} at ${r(poolPerNode, 1)} pooled connections per node (${nodesAllowed} nodes) without a pooler`, atStudents: Math.floor((nodesAllowed * a.nodeCoreBudget) / nodeCoresPerStudent) },
    { what: `one PostgreSQL server of ${a.postgresMaxCores} cores`, atStudents: pgCoresPerStudent > 0 ? Math.floor(a.postgresMaxCores / pgCoresPerStudent) : Infinity },
    { what: `one Janus machine of ${a.janusMachineCores} cores (${Math.floor((a.janusMachineCores * 1000 * a.janusUtilisation) / a.janusMsPerStream)} forwarded streams)`, atStudents: Math.floor((a.janusMachineCores * 1000 * a.janusUtilisation) / a.janusMsPerStream / a.groupClassShare) },
  ];
  return out.sort((x, y) => x.atStudents - y.atStudents);
}
