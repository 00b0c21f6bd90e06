/** The knobs of `npm run load -- peak` and `bench peak` (decision 097): flags first, then PEAK_* variables, then defaults. */

export interface PeakOptions {
  /** Registered students (all seeded); `studentSockets` of them connect. */
  students: number;
  tutors: number;
  tutorSockets: number;
  studentSockets: number;
  /** Sessions a day the population makes; the peak hour carries `peakShare` of them. */
  sessionsPerDay: number;
  peakShare: number;
  /** The peak hour is compressed into this many minutes of wall time. */
  minutes: number;
  /** Questions per minute during the run: sessionsPerDay × peakShare / minutes unless given. */
  questionsPerMinute: number;
  bookingsPerMinute: number;
  /** Questions asked one at a time on the idle cluster, for the baseline claim latency. */
  idleQuestions: number;
  /** Chance that an offered tutor presses accept (several do: they race). */
  acceptShare: number;
  /** Client processes. */
  workers: number;
  nodes: number;
}

export const peakDefaults = {
  students: 30_000,
  tutors: 1_000,
  tutorSockets: 1_000,
  studentSockets: 3_000,
  sessionsPerDay: 5_000,
  peakShare: 0.12,
  minutes: 3,
  bookingsPerMinute: 60,
  idleQuestions: 30,
  acceptShare: 0.3,
  workers: 2,
  nodes: 3,
} as const;

const flags: Record<string, keyof PeakOptions> = {
  '--students': 'students',
  '--tutors': 'tutors',
  '--tutor-sockets': 'tutorSockets',
  '--student-sockets': 'studentSockets',
  '--sessions-per-day': 'sessionsPerDay',
  '--peak-share': 'peakShare',
  '--minutes': 'minutes',
  '--qpm': 'questionsPerMinute',
  '--bookings-per-minute': 'bookingsPerMinute',
  '--idle-questions': 'idleQuestions',
  '--accept-share': 'acceptShare',
  '--workers': 'workers',
  '--nodes': 'nodes',
};

const envName = (key: string) => `PEAK_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
export const usage = `Usage: npm run load -- peak ${Object.keys(flags)
  .map((f) => `[${f} N]`)
  .join(' ')}\n(or the variables ${Object.values(flags).map(envName).join(', ')})`;

export class PeakOptionsError extends Error {}

/** Parses `argv` (after the scenario name) and `env`; throws PeakOptionsError naming the bad knob, with the usage. */
export function parsePeakOptions(argv: string[], env: Record<string, string | undefined>): PeakOptions {
  const given: Partial<Record<keyof PeakOptions, number>> = {};
  const set = (key: keyof PeakOptions, raw: string | undefined, from: string) => {
    const n = Number(raw);
    if (raw === undefined || raw.trim() === '' || !Number.isFinite(n) || n < 0) throw new PeakOptionsError(`${from} must be a non-negative number, got "${raw ?? ''}".\n${usage}`);
    given[key] = n;
  };
  for (const [, key] of Object.entries(flags)) if (env[envName(key)] !== undefined) set(key, env[envName(key)], envName(key));
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const key = flags[name];
    if (!key) throw new PeakOptionsError(`Unknown option ${name}.\n${usage}`);
    set(key, inline ?? argv[++i], name);
  }
  const o = { ...peakDefaults, ...given } as PeakOptions;
  o.questionsPerMinute = given.questionsPerMinute ?? (o.sessionsPerDay * o.peakShare) / o.minutes;
  const whole: (keyof PeakOptions)[] = ['students', 'tutors', 'tutorSockets', 'studentSockets', 'idleQuestions', 'workers', 'nodes'];
  for (const k of whole) if (!Number.isInteger(o[k])) throw new PeakOptionsError(`${k} must be a whole number.\n${usage}`);
  if (o.tutorSockets > o.tutors) throw new PeakOptionsError(`tutorSockets (${o.tutorSockets}) cannot exceed tutors (${o.tutors}).`);
  if (o.studentSockets > o.students) throw new PeakOptionsError(`studentSockets (${o.studentSockets}) cannot exceed students (${o.students}).`);
  if (o.tutorSockets < 1 || o.studentSockets < 1 || o.workers < 1) throw new PeakOptionsError('At least one tutor socket, one student socket and one worker are needed.');
  if (o.nodes < 1 || o.nodes > 16) throw new PeakOptionsError('nodes must be from 1 to 16.');
  if (o.minutes <= 0 || o.minutes > 8) throw new PeakOptionsError('minutes must be more than 0 and at most 8: a run stays bounded (about 10 minutes with seeding).');
  if (o.peakShare > 1 || o.acceptShare <= 0 || o.acceptShare > 1) throw new PeakOptionsError('peakShare must be at most 1, and acceptShare more than 0 and at most 1.');
  const questions = Math.round(o.questionsPerMinute * o.minutes);
  // Each asking student asks once: enough connected students for every question, plus the bookers.
  if (questions + Math.round(o.bookingsPerMinute * o.minutes) + o.idleQuestions > o.studentSockets) {
    throw new PeakOptionsError(`${questions} questions, ${Math.round(o.bookingsPerMinute * o.minutes)} bookings and ${o.idleQuestions} idle questions need as many connected students; studentSockets is ${o.studentSockets}.`);
  }
  return o;
}

/** When each event of a steady rate falls in a window: n = round(perMinute × minutes) instants, evenly spaced from 0, in ms. */
export function schedule(perMinute: number, minutes: number): number[] {
  const n = Math.round(perMinute * minutes);
  const gap = (minutes * 60_000) / Math.max(n, 1);
  return Array.from({ length: n }, (_, i) => Math.round(i * gap));
}
