/**
 * The offline evaluation (#17), honestly: a time split (train on what happened before a cut-off, test on what each
 * student chose after it); every recommender ranks ALL tutors it knows (no sampled negatives); the tutors a student
 * newly chose are the headline, and repeat bookings of a tutor they already knew are reported apart, since they would
 * flatter any model. Pure: rows in, figures out.
 */
import { scoreStudent, type EaseModel } from './ease';
import type { Interaction } from './interactions';
import { buildMatrix } from './weights';

/** What a recommender knows of a student at the cut-off. */
export interface StudentView {
  studentId: string;
  /** tutorId -> summed, clipped weight (weights.ts) of the student's interactions before the cut-off. */
  history: Map<string, number>;
  /** subject -> number of sessions, lessons and classes before the cut-off. */
  subjects: Map<string, number>;
}

/** The top k tutor ids for a student, best first, none of them in `exclude`. */
export type Recommender = (student: StudentView, k: number, exclude: ReadonlySet<string>) => string[];

export interface RankingMetrics {
  /** Students evaluated (with a history before the cut-off and at least one target after it). */
  students: number;
  /** Mean over students of hits in the top k / min(k, targets). */
  recall10: number;
  /** Mean binary NDCG@k. */
  ndcg10: number;
  /** Share of students with at least one hit in the top k. */
  hit10: number;
  /** Distinct tutors recommended to anyone / tutors in the catalogue (those seen before the cut-off). */
  coverage: number;
  /** Share of all recommended places that went to the top 10% of tutors by students before the cut-off. */
  top10share: number;
}

export interface Evaluation {
  /** Tutors newly chosen after the cut-off (the headline): known tutors are excluded from every ranking. */
  newTutors: Record<string, RankingMetrics>;
  /** Tutors chosen again after the cut-off: nothing is excluded. */
  repeatTutors: Record<string, RankingMetrics>;
  /** Facts about the split. */
  split: { trainRows: number; testRows: number; catalogue: number; coldStudents: number; newTargets: number; newTargetsUnseenTutors: number; repeatTargets: number };
}

const engagementKinds = new Set(['session', 'lesson', 'class']);
const isEngagement = (r: Interaction) => engagementKinds.has(r.kind);

export function splitByTime(rows: Interaction[], cutoff: Date): { train: Interaction[]; test: Interaction[] } {
  const c = cutoff.getTime();
  return { train: rows.filter((r) => r.ts.getTime() < c), test: rows.filter((r) => r.ts.getTime() >= c) };
}

/** The cut-off that leaves `share` of the rows (by time) before it. */
export function cutoffAt(rows: Interaction[], share: number): Date {
  const times = rows.map((r) => r.ts.getTime()).sort((a, b) => a - b);
  return new Date(times[Math.min(times.length - 1, Math.max(0, Math.floor(share * times.length)))] ?? 0);
}

/** Each student's view at the cut-off, from the training rows. */
export function studentViews(train: Interaction[]): Map<string, StudentView> {
  const { studentIds, tutorIds, X } = buildMatrix(train);
  const views = new Map<string, StudentView>();
  studentIds.forEach((studentId, r) => {
    const history = new Map<string, number>();
    for (let p = X.rowPtr[r]!; p < X.rowPtr[r + 1]!; p++) history.set(tutorIds[X.colIdx[p]!]!, X.values[p]!);
    views.set(studentId, { studentId, history, subjects: new Map() });
  });
  for (const r of train) {
    if (!isEngagement(r)) continue;
    const v = views.get(r.studentId)!;
    v.subjects.set(r.subject, (v.subjects.get(r.subject) ?? 0) + 1);
  }
  return views;
}

/** The k best of `scores` (aligned with ids), skipping `exclude`; ties go to the lower index. */
export function topK(scores: ArrayLike<number>, ids: readonly string[], k: number, exclude: ReadonlySet<string>): string[] {
  const best: number[] = [];
  for (let j = 0; j < ids.length; j++) {
    const s = scores[j]!;
    if (best.length === k && s <= scores[best[k - 1]!]!) continue;
    if (exclude.has(ids[j]!)) continue;
    let at = best.length;
    while (at > 0 && scores[best[at - 1]!]! < s) at--;
    best.splice(at, 0, j);
    if (best.length > k) best.pop();
  }
  return best.map((j) => ids[j]!);
}

/** Distinct students per tutor (sessions, lessons, classes), the popularity every baseline and top10share use. */
export function tutorPopularity(train: Interaction[]): Map<string, number> {
  const pairs = new Set<string>();
  const pop = new Map<string, number>();
  for (const r of train) {
    if (!isEngagement(r)) continue;
    const key = `${r.studentId}\u0000${r.tutorId}`;
    if (pairs.has(key)) continue;
    pairs.add(key);
    pop.set(r.tutorId, (pop.get(r.tutorId) ?? 0) + 1);
  }
  return pop;
}

// ---------------------------------------------------------------- recommenders

export function easeRecommender(model: EaseModel): Recommender {
  return (student, k, exclude) => topK(scoreStudent(model, student.history), model.tutorIds, k, exclude);
}

/** Baseline: the most popular tutors overall. */
export function globalPopularityRecommender(train: Interaction[]): Recommender {
  const pop = tutorPopularity(train);
  const ids = [...pop.keys()].sort();
  const scores = ids.map((id) => pop.get(id)!);
  return (_student, k, exclude) => topK(scores, ids, k, exclude);
}

/**
 * Baseline: popularity within the student's subjects, each subject weighted by its share of the student's history
 * and each tutor by their share of that subject's students; ties broken by global popularity.
 */
export function subjectPopularityRecommender(train: Interaction[]): Recommender {
  const pop = tutorPopularity(train);
  const ids = [...pop.keys()].sort();
  const index = new Map(ids.map((id, j) => [id, j]));
  const bySubject = new Map<string, Float64Array>();
  const pairs = new Set<string>();
  for (const r of train) {
    if (!isEngagement(r)) continue;
    const key = `${r.studentId}\u0000${r.tutorId}\u0000${r.subject}`;
    if (pairs.has(key)) continue;
    pairs.add(key);
    let v = bySubject.get(r.subject);
    if (!v) bySubject.set(r.subject, (v = new Float64Array(ids.length)));
    const j = index.get(r.tutorId)!;
    v[j] = v[j]! + 1;
  }
  for (const v of bySubject.values()) {
    const total = v.reduce((a, b) => a + b, 0);
    for (let j = 0; j < v.length; j++) v[j] = v[j]! / total;
  }
  const maxPop = Math.max(1, ...pop.values());
  const tieBreak = ids.map((id) => (1e-6 * pop.get(id)!) / maxPop);
  return (student, k, exclude) => {
    const scores = Float64Array.from(tieBreak);
    const total = [...student.subjects.values()].reduce((a, b) => a + b, 0);
    for (const [subject, n] of student.subjects) {
      const v = bySubject.get(subject);
      if (!v) continue;
      for (let j = 0; j < ids.length; j++) scores[j] = scores[j]! + (n / total) * v[j]!;
    }
    return topK(scores, ids, k, exclude);
  };
}

/**
 * Baseline: "the tutor they used most": the student's own tutors by how often they worked together, then popularity
 * within their subjects. For newly chosen tutors the student's own are excluded, so it is that popularity.
 */
export function mostUsedTutorRecommender(train: Interaction[]): Recommender {
  const used = new Map<string, Map<string, number>>();
  for (const r of train) {
    if (!isEngagement(r)) continue;
    let m = used.get(r.studentId);
    if (!m) used.set(r.studentId, (m = new Map()));
    m.set(r.tutorId, (m.get(r.tutorId) ?? 0) + 1);
  }
  const fill = subjectPopularityRecommender(train);
  return (student, k, exclude) => {
    const own = [...(used.get(student.studentId) ?? [])]
      .filter(([t]) => !exclude.has(t))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([t]) => t)
      .slice(0, k);
    if (own.length === k) return own;
    return [...own, ...fill(student, k, new Set([...exclude, ...own])).slice(0, k - own.length)];
  };
}

// ---------------------------------------------------------------- metrics

const discount = (rank: number) => 1 / Math.log2(rank + 2);

/** Binary NDCG of one ranked list against a target set (rank 0 is the top). */
export function ndcgAt(ranked: readonly string[], targets: ReadonlySet<string>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((t, r) => {
    if (targets.has(t)) dcg += discount(r);
  });
  let ideal = 0;
  for (let r = 0; r < Math.min(k, targets.size); r++) ideal += discount(r);
  return ideal === 0 ? 0 : dcg / ideal;
}

export function evaluate(opts: { train: Interaction[]; test: Interaction[]; recommenders: Record<string, Recommender>; k?: number }): Evaluation {
  const k = opts.k ?? 10;
  const views = studentViews(opts.train);
  const known = new Map<string, Set<string>>();
  for (const r of opts.train) {
    let s = known.get(r.studentId);
    if (!s) known.set(r.studentId, (s = new Set()));
    s.add(r.tutorId);
  }
  const pop = tutorPopularity(opts.train);
  const catalogue = new Set(opts.train.map((r) => r.tutorId));
  const ranked = [...pop].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const head = new Set(ranked.slice(0, Math.ceil(catalogue.size / 10)).map(([t]) => t));

  const chosen = new Map<string, Set<string>>();
  for (const r of opts.test) {
    if (!isEngagement(r)) continue;
    let s = chosen.get(r.studentId);
    if (!s) chosen.set(r.studentId, (s = new Set()));
    s.add(r.tutorId);
  }
  const newTargets = new Map<string, Set<string>>();
  const repeatTargets = new Map<string, Set<string>>();
  let coldStudents = 0;
  let newTargetCount = 0;
  let unseen = 0;
  let repeatCount = 0;
  for (const [studentId, tutors] of [...chosen].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (!views.has(studentId)) {
      coldStudents++;
      continue;
    }
    const mine = known.get(studentId)!;
    const fresh = new Set([...tutors].filter((t) => !mine.has(t)));
    const again = new Set([...tutors].filter((t) => mine.has(t)));
    if (fresh.size) newTargets.set(studentId, fresh);
    if (again.size) repeatTargets.set(studentId, again);
    newTargetCount += fresh.size;
    unseen += [...fresh].filter((t) => !catalogue.has(t)).length;
    repeatCount += again.size;
  }

  const measure = (targets: Map<string, Set<string>>, excludeKnown: boolean) => {
    const out: Record<string, RankingMetrics> = {};
    for (const [name, recommend] of Object.entries(opts.recommenders)) {
      let recall = 0;
      let ndcg = 0;
      let hits = 0;
      let places = 0;
      let headPlaces = 0;
      const shown = new Set<string>();
      for (const [studentId, target] of targets) {
        const list = recommend(views.get(studentId)!, k, excludeKnown ? known.get(studentId)! : new Set()).slice(0, k);
        const h = list.filter((t) => target.has(t)).length;
        recall += h / Math.min(k, target.size);
        ndcg += ndcgAt(list, target, k);
        if (h > 0) hits++;
        for (const t of list) {
          shown.add(t);
          places++;
          if (head.has(t)) headPlaces++;
        }
      }
      const n = targets.size;
      out[name] = {
        students: n,
        recall10: n ? recall / n : 0,
        ndcg10: n ? ndcg / n : 0,
        hit10: n ? hits / n : 0,
        coverage: catalogue.size ? [...shown].filter((t) => catalogue.has(t)).length / catalogue.size : 0,
        top10share: places ? headPlaces / places : 0,
      };
    }
    return out;
  };

  return {
    newTutors: measure(newTargets, true),
    repeatTutors: measure(repeatTargets, false),
    split: { trainRows: opts.train.length, testRows: opts.test.length, catalogue: catalogue.size, coldStudents, newTargets: newTargetCount, newTargetsUnseenTutors: unseen, repeatTargets: repeatCount },
  };
}

/**
 * Chooses EASE's λ on a validation split inside the training rows (never on the test rows): trains on what came
 * before `validationCutoff` with each λ and keeps the one with the best NDCG@10 on newly chosen tutors after it.
 */
export function tuneLambda(
  train: Interaction[],
  validationCutoff: Date,
  lambdas: number[],
  fit: (rows: Interaction[], lambda: number) => EaseModel,
): { lambda: number; tried: Array<{ lambda: number; ndcg10: number }> } {
  const { train: fitRows, test: validation } = splitByTime(train, validationCutoff);
  const tried = lambdas.map((lambda) => {
    const model = fit(fitRows, lambda);
    const e = evaluate({ train: fitRows, test: validation, recommenders: { ease: easeRecommender(model) } });
    return { lambda, ndcg10: e.newTutors.ease!.ndcg10 };
  });
  const best = tried.reduce((a, b) => (b.ndcg10 > a.ndcg10 ? b : a));
  return { lambda: best.lambda, tried };
}
