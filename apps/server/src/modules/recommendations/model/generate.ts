/**
 * A seeded generator of tutoring interactions with the structure of the real thing (#17), for the offline evaluation
 * and tests: subjects that go together (maths with physics), levels, language and time-zone affinity, a curriculum
 * board a student keeps to (the hidden taste a collaborative model has to find), a heavy popularity skew, students who
 * go back to a tutor they liked, tutors who join during the period and tutors who leave. Pure: the same seed gives
 * the same rows.
 */
import type { Interaction, InteractionKind } from './interactions';

export const generatorSubjects = ['maths', 'physics', 'chemistry', 'biology', 'english', 'hindi', 'computer_science', 'economics', 'accountancy', 'history', 'geography', 'french'] as const;
const subjectGroups: string[][] = [
  ['maths', 'physics', 'chemistry'],
  ['biology', 'chemistry', 'physics'],
  ['english', 'history', 'geography'],
  ['hindi', 'english', 'history'],
  ['computer_science', 'maths', 'physics'],
  ['economics', 'accountancy', 'maths'],
  ['french', 'english'],
];
export const generatorLevels = ['primary', 'secondary', 'senior'] as const;
const languages: Array<[string, number]> = [['en', 0.45], ['hi', 0.3], ['ta', 0.1], ['bn', 0.08], ['mr', 0.07]];
const zones: Array<[string, number]> = [['Asia/Kolkata', 0.75], ['Asia/Dubai', 0.08], ['Europe/London', 0.07], ['America/New_York', 0.06], ['Asia/Singapore', 0.04]];
const boards: Array<[string, number]> = [['CBSE', 0.4], ['ICSE', 0.2], ['State', 0.2], ['IGCSE', 0.12], ['IB', 0.08]];

export interface GeneratedTutor {
  id: string;
  subjects: string[];
  levels: string[];
  language: string;
  zone: string;
  board: string;
  createdAt: Date;
  /** When the tutor left the platform, or null. */
  leftAt: Date | null;
}
export interface GeneratedStudent {
  id: string;
  subjects: string[];
  level: string;
  language: string;
  zone: string;
  board: string;
}

/** mulberry32: small, fast and good enough for synthetic data. */
export function seededRandom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function generateInteractions(opts: { seed: number; students: number; tutors: number; interactions: number; start: Date; days: number }): {
  rows: Interaction[];
  tutors: GeneratedTutor[];
  students: GeneratedStudent[];
} {
  const rnd = seededRandom(opts.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const weighted = (xs: Array<[string, number]>) => {
    let u = rnd();
    for (const [x, w] of xs) if ((u -= w) < 0) return x;
    return xs[xs.length - 1]![0];
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const some = (group: string[], max: number) => {
    const shuffled = [...group].sort(() => rnd() - 0.5);
    return shuffled.slice(0, 1 + Math.floor(rnd() * Math.min(max, group.length)));
  };
  const t0 = opts.start.getTime();
  const span = opts.days * DAY_MS;
  const end = t0 + span;
  const pad = (n: number, width: number) => String(n).padStart(width, '0');

  // ---- tutors: three quarters there from the start, a quarter joining later; one in seven leaves.
  const tutors: Array<GeneratedTutor & { pop: number; cancelRate: number }> = [];
  for (let k = 0; k < opts.tutors; k++) {
    const createdAt = rnd() < 0.75 ? t0 - Math.floor(rnd() * 365) * DAY_MS : t0 + Math.floor(rnd() * span);
    const leftAt = rnd() < 0.15 ? createdAt + Math.floor(rnd() * (end - createdAt)) : null;
    const lv = Math.floor(rnd() * 3);
    tutors.push({
      id: `t${pad(k + 1, 5)}`,
      subjects: some(pick(subjectGroups), 3),
      levels: rnd() < 0.5 ? [generatorLevels[lv]!] : [generatorLevels[lv]!, generatorLevels[(lv + 1) % 3]!],
      language: weighted(languages),
      zone: weighted(zones),
      board: weighted(boards),
      createdAt: new Date(createdAt),
      leftAt: leftAt === null ? null : new Date(leftAt),
      pop: Math.exp(1.1 * normal()),
      cancelRate: 0.01 + 0.07 * rnd() ** 3,
    });
  }
  const bySubjectLevel = new Map<string, number[]>();
  tutors.forEach((t, k) => {
    for (const s of t.subjects) for (const l of t.levels) {
      const key = `${s}/${l}`;
      const list = bySubjectLevel.get(key);
      if (list) list.push(k);
      else bySubjectLevel.set(key, [k]);
    }
  });
  const alive = (t: GeneratedTutor, at: number) => t.createdAt.getTime() <= at && (t.leftAt === null || at < t.leftAt.getTime());

  // ---- students, with a heavy-tailed activity that shares out the interaction budget.
  const students: Array<GeneratedStudent & { activity: number; loyalty: number; joinAt: number }> = [];
  for (let k = 0; k < opts.students; k++) {
    students.push({
      id: `s${pad(k + 1, 6)}`,
      subjects: some(pick(subjectGroups), 2),
      level: pick(generatorLevels),
      language: weighted(languages),
      zone: weighted(zones),
      board: weighted(boards),
      activity: 1 / (1 - rnd()) ** 0.6,
      loyalty: 0.45 + 0.45 * rnd(),
      joinAt: t0 + Math.floor(rnd() * 0.6 * span),
    });
  }
  const totalActivity = students.reduce((a, s) => a + s.activity, 0);

  const rows: Interaction[] = [];
  const EVENTS_PER_EPISODE = 1.5;
  for (const s of students) {
    const budget = Math.max(1, Math.round((opts.interactions * s.activity) / totalActivity));
    // Episodes come a little faster than the budget needs, so most students spend it before the period ends.
    const meanGap = (end - s.joinAt) / Math.max(1, (1.4 * budget) / EVENTS_PER_EPISODE);
    const known = new Map<number, { subject: string; times: number; favourite: boolean }>();
    const dropped = new Set<number>();
    let produced = 0;
    let at = s.joinAt;
    const emit = (tutor: number, subject: string, ts: number, kind: InteractionKind, value: number) => {
      rows.push({ studentId: s.id, tutorId: tutors[tutor]!.id, subject, ts: new Date(ts), kind, value });
      produced++;
    };
    while (produced < budget) {
      at += Math.max(HOUR_MS, Math.floor(-Math.log(1 - rnd()) * meanGap));
      if (at >= end) break;
      const subject = s.subjects.length > 1 && rnd() < 0.4 ? s.subjects[1]! : s.subjects[0]!;
      const returning = [...known].filter(([k, v]) => v.subject === subject && !dropped.has(k) && alive(tutors[k]!, at));
      let tutor: number | undefined;
      if (returning.length && rnd() < s.loyalty) {
        const total = returning.reduce((a, [, v]) => a + v.times, 0);
        let u = rnd() * total;
        for (const [k, v] of returning) {
          tutor = k;
          if ((u -= v.times) < 0) break;
        }
      } else {
        const candidates = (bySubjectLevel.get(`${subject}/${s.level}`) ?? []).filter((k) => !known.has(k) && alive(tutors[k]!, at));
        const weights = candidates.map((k) => {
          const t = tutors[k]!;
          return t.pop * (t.language === s.language ? 1 : 0.08) * (t.zone === s.zone ? 1 : 0.4) * (t.board === s.board ? 1 : 0.12);
        });
        const total = weights.reduce((a, w) => a + w, 0);
        if (total > 0) {
          let u = rnd() * total;
          for (let c = 0; c < candidates.length; c++) if ((u -= weights[c]!) < 0) {
            tutor = candidates[c];
            break;
          }
          tutor ??= candidates[candidates.length - 1];
        }
      }
      if (tutor === undefined) continue;
      const t = tutors[tutor]!;
      const mine = known.get(tutor);
      if (!mine && rnd() < 0.3) emit(tutor, subject, at - HOUR_MS, 'view_booked', 1);
      if (rnd() < t.cancelRate) {
        emit(tutor, subject, at, 'tutor_cancelled', 1);
        if (rnd() < 0.5) dropped.add(tutor);
        continue;
      }
      if (rnd() < 0.03) {
        emit(tutor, subject, at, 'no_show', 1);
        continue;
      }
      const u = rnd();
      if (u < 0.55) emit(tutor, subject, at, 'lesson', pick([30, 45, 60, 60]));
      else if (u < 0.9) emit(tutor, subject, at, 'session', 5 + Math.floor(rnd() * 40));
      else emit(tutor, subject, at, 'class', 60);
      const entry = mine ?? { subject, times: 0, favourite: false };
      entry.times++;
      known.set(tutor, entry);
      if (rnd() < 0.35) {
        const fit = (t.board === s.board ? 0.4 : -1.3) + (t.language === s.language ? 0 : -0.6);
        const stars = Math.min(5, Math.max(1, Math.round(4.2 + fit + 0.8 * normal())));
        emit(tutor, subject, at + HOUR_MS, 'rating', stars);
        if (stars <= 2) dropped.add(tutor);
      }
      if (!entry.favourite && entry.times >= 2 && rnd() < 0.15) {
        entry.favourite = true;
        emit(tutor, subject, at + 2 * HOUR_MS, 'favourite', 1);
      }
    }
  }
  rows.sort((a, b) => a.ts.getTime() - b.ts.getTime());
  return {
    rows,
    tutors: tutors.map(({ pop: _pop, cancelRate: _c, ...t }) => t),
    students: students.map(({ activity: _a, loyalty: _l, joinAt: _j, ...s }) => s),
  };
}
