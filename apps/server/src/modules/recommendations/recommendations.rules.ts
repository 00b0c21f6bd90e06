/**
 * Pure decisions of serving recommendations (#17): who may be recommended, the cold-start ranking, the blend with the
 * model for students with little history, the diversity re-rank, the exploration places for new tutors, and the
 * reasons a student reads. No I/O, no clock: the service passes the data and the time in.
 */

/** A tutor as serving sees them, already read by the service from the owners' indexes. */
export interface Candidate {
  tutorId: string;
  name: string;
  approved: boolean;
  disabled: boolean;
  /** Teaches the requested subject at the requested level. */
  teaches: boolean;
  languages: readonly string[];
  /** Has at least one free slot in the next 7 days (scheduling's slots engine). */
  hasFreeSlot: boolean;
  /** Minutes east of UTC of the tutor's zone, now. */
  offsetMinutes: number;
  /** Positive interactions with this tutor across all students (training window), for popularity and "new". */
  interactions: number;
}

export interface Want {
  language: string | null;
}

export type Exclusion = 'unapproved' | 'disabled' | 'does_not_teach' | 'language' | 'no_free_slot';

/** Why a candidate may not be recommended, or null when it may. The order is the order of the checks. */
export function exclusionOf(c: Candidate, want: Want): Exclusion | null {
  if (!c.approved) return 'unapproved';
  if (c.disabled) return 'disabled';
  if (!c.teaches) return 'does_not_teach';
  if (want.language && !c.languages.some((l) => l.toLowerCase() === want.language!.toLowerCase())) return 'language';
  if (!c.hasFreeSlot) return 'no_free_slot';
  return null;
}

export const filterEligible = (cs: readonly Candidate[], want: Want): Candidate[] => cs.filter((c) => exclusionOf(c, want) === null);

export interface ServingConfig {
  /** Places in a list. */
  size: number;
  /** The share of places given to new tutors (exploration), 0..1. */
  explorationShare: number;
  /** A tutor with fewer positive interactions than this is "new". */
  newTutorBelow: number;
  /** 0..1: how much a candidate's similarity to ones already placed costs it (maximal marginal relevance). */
  diversity: number;
  /** History size from which the model alone ranks (below it, a blend with popularity). */
  fullModelFrom: number;
}

export const defaultServingConfig: ServingConfig = { size: 10, explorationShare: 0.2, newTutorBelow: 3, diversity: 0.3, fullModelFrom: 3 };

export const isNewTutor = (c: Pick<Candidate, 'interactions'>, cfg: Pick<ServingConfig, 'newTutorBelow'>) => c.interactions < cfg.newTutorBelow;

/**
 * Cold start: popularity within the subject and level (the candidates are already those), favouring tutors whose
 * clock is near the student's (a lesson at a sane hour for both). log1p so a few stars do not take every place.
 */
export function popularityScore(c: Pick<Candidate, 'interactions' | 'offsetMinutes'>, studentOffsetMinutes: number): number {
  const hoursApart = Math.abs(c.offsetMinutes - studentOffsetMinutes) / 60;
  const zone = hoursApart <= 2 ? 1 : hoursApart <= 5 ? 0.5 : 0;
  return Math.log1p(c.interactions) + zone;
}

/** Scores scaled into [0, 1] by the largest (all zero or negative: all zero), so two rankings can be mixed. */
export function normalise(scores: ReadonlyMap<string, number>): Map<string, number> {
  let max = 0;
  let min = 0;
  for (const v of scores.values()) {
    if (v > max) max = v;
    if (v < min) min = v;
  }
  const span = max - min;
  return new Map([...scores].map(([k, v]) => [k, span > 0 ? (v - min) / span : 0]));
}

/**
 * The model's weight in the blend: none without history or a model, all of it from `fullModelFrom` interactions,
 * and a share in between (a student with one or two interactions).
 */
export function modelWeight(historySize: number, hasModel: boolean, cfg: Pick<ServingConfig, 'fullModelFrom'>): number {
  if (!hasModel || historySize <= 0) return 0;
  return Math.min(1, historySize / cfg.fullModelFrom);
}

export function blend(model: ReadonlyMap<string, number>, popular: ReadonlyMap<string, number>, weight: number): Map<string, number> {
  const m = normalise(model);
  const p = normalise(popular);
  const out = new Map<string, number>();
  for (const id of new Set([...m.keys(), ...p.keys()])) out.set(id, weight * (m.get(id) ?? 0) + (1 - weight) * (p.get(id) ?? 0));
  return out;
}

export interface Ranked {
  tutorId: string;
  score: number;
}

/**
 * Diversity re-rank (maximal marginal relevance, Carbonell and Goldstein 1998): picks greedily the candidate with the
 * best `(1 - d) * score - d * max similarity to those already picked`, so near-duplicates of the top tutor (the ones
 * the same students book) do not fill the list. `similarity` in [0, 1]; with d = 0 the order is the score order.
 */
export function diversify(items: readonly Ranked[], n: number, d: number, similarity: (a: string, b: string) => number): Ranked[] {
  const norm = normalise(new Map(items.map((i) => [i.tutorId, i.score])));
  const left = [...items].sort((a, b) => b.score - a.score || (a.tutorId < b.tutorId ? -1 : 1));
  const picked: Ranked[] = [];
  while (picked.length < n && left.length) {
    let best = 0;
    let bestValue = -Infinity;
    for (let i = 0; i < left.length; i++) {
      const id = left[i]!.tutorId;
      let sim = 0;
      for (const p of picked) sim = Math.max(sim, similarity(id, p.tutorId));
      const value = (1 - d) * (norm.get(id) ?? 0) - d * sim;
      if (value > bestValue + 1e-12) {
        bestValue = value;
        best = i;
      }
    }
    picked.push(left.splice(best, 1)[0]!);
  }
  return picked;
}

/** A small, stable hash of a string (the student and the day), to rotate which new tutors a student is shown. */
export function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export interface Placed extends Ranked {
  isNew: boolean;
}

/**
 * Exploration: `round(size * share)` places (at least one when the share is above zero and a new tutor exists) go to
 * new tutors not already in the list, spread evenly through it (not all at the bottom, where nobody looks). Which new
 * tutors is rotated by `seed`, so each new tutor is shown to some students each day. `ranked` holds established
 * tutors only; new tutors in it keep their place and their "new" mark.
 */
export function withExploration(ranked: readonly Ranked[], newTutors: readonly string[], cfg: Pick<ServingConfig, 'size' | 'explorationShare'>, seed: number, isNew: (id: string) => boolean): Placed[] {
  const inList = new Set(ranked.map((r) => r.tutorId));
  const pool = [...newTutors].filter((id) => !inList.has(id)).sort();
  const wanted = cfg.explorationShare > 0 && pool.length ? Math.max(1, Math.round(cfg.size * cfg.explorationShare)) : 0;
  // A short list (few established tutors) is filled up with new ones rather than left short.
  const explore = Math.min(Math.max(wanted, cfg.size - ranked.length), pool.length, cfg.size);
  const start = pool.length ? seed % pool.length : 0;
  const chosen = Array.from({ length: explore }, (_, i) => pool[(start + i) % pool.length]!);
  const base: Placed[] = ranked.slice(0, cfg.size - explore).map((r) => ({ ...r, isNew: isNew(r.tutorId) }));
  const total = base.length + chosen.length;
  const out: Placed[] = [...base];
  // Spread: the i-th exploration place goes at about (i + 1) * total / (explore + 1).
  chosen.forEach((tutorId, i) => {
    const at = Math.min(out.length, Math.max(1, Math.round(((i + 1) * total) / (explore + 1)) - 1));
    out.splice(at, 0, { tutorId, score: 0, isNew: true });
  });
  return out;
}

/** How the student met a tutor in their history (for the words of a reason). */
export type HistoryKind = 'session' | 'lesson' | 'class' | 'favourite' | 'view';

export type Reason =
  | { kind: 'history'; how: HistoryKind; tutorNames: string[] }
  | { kind: 'also_booked'; tutorName: string }
  | { kind: 'new' }
  | { kind: 'popular' };

export interface ReasonInput {
  isNew: boolean;
  /** The model's largest contributions to this tutor's score, from tutors in the student's own history. */
  contributions: readonly { tutorId: string; share: number }[];
  /** The tutors of the student's own history: their names and how the student met them. Nothing else can be named. */
  history: ReadonlyMap<string, { name: string; how: HistoryKind }>;
}

/** A contribution smaller than this is not given as a reason. */
export const REASON_MIN_SHARE = 0.1;

/**
 * Why a tutor is suggested, in the model's own terms. Only tutors from the student's own history are ever named
 * (contributions naming anyone else are dropped), so a reason can never name another student, or a tutor the student
 * never met. Two or more contributors: "because you had sessions with A and B"; one: "students who booked A also
 * booked this tutor"; a new tutor: "new tutor"; otherwise the cold-start "popular" reason.
 */
export function reasonFor(r: ReasonInput): Reason {
  if (r.isNew) return { kind: 'new' };
  const named = r.contributions.filter((c) => c.share >= REASON_MIN_SHARE && r.history.has(c.tutorId)).slice(0, 2);
  if (named.length >= 2) {
    const first = r.history.get(named[0]!.tutorId)!;
    return { kind: 'history', how: first.how, tutorNames: named.map((c) => r.history.get(c.tutorId)!.name) };
  }
  if (named.length === 1) return { kind: 'also_booked', tutorName: r.history.get(named[0]!.tutorId)!.name };
  return { kind: 'popular' };
}

const howWords: Record<HistoryKind, string> = { session: 'had sessions with', lesson: 'had lessons with', class: 'joined classes by', favourite: 'liked', view: 'looked at' };

/** The English words of a reason (the web words it the same way from the same structure). */
export function reasonText(r: Reason): string {
  switch (r.kind) {
    case 'history':
      return `Because you ${howWords[r.how]} ${r.tutorNames.join(' and ')}`;
    case 'also_booked':
      return `Students who booked ${r.tutorName} also booked this tutor`;
    case 'new':
      return 'New tutor';
    case 'popular':
      return 'Popular with students of this subject';
  }
}

export interface RankInput {
  candidates: readonly Candidate[];
  want: Want;
  /** The model's score per tutor (any tutors; only eligible ones are used). Empty without a model. */
  modelScores: ReadonlyMap<string, number>;
  /** The model's weight in the blend (modelWeight). */
  weight: number;
  studentOffsetMinutes: number;
  /** The student's summed interaction weight per tutor: a tutor below zero (no-shows, low ratings) is not suggested. */
  historyWeights: ReadonlyMap<string, number>;
  /**
   * Tutors the student already has an upcoming lesson with: "Tutors for you" is for finding someone new, so they take
   * no place there (the student reaches them from their lessons, and search's Recommended sort still ranks them).
   */
  alreadyBooked?: ReadonlySet<string>;
  cfg: ServingConfig;
  size: number;
  seed: number;
  similarity: (a: string, b: string) => number;
}

/**
 * The whole serving decision for one list: filter (and leave out tutors the student already has a lesson booked with),
 * score (model blended with popularity), drop tutors the student's own history weighs against, diversify, then give
 * new tutors their exploration places.
 */
export function rankForStudent(r: RankInput): Placed[] {
  const eligible = filterEligible(r.candidates, r.want).filter((c) => !r.alreadyBooked?.has(c.tutorId));
  const established = eligible.filter((c) => !isNewTutor(c, r.cfg));
  const popular = new Map(established.map((c) => [c.tutorId, popularityScore(c, r.studentOffsetMinutes)]));
  const model = new Map(established.flatMap((c) => (r.modelScores.has(c.tutorId) ? [[c.tutorId, r.modelScores.get(c.tutorId)!] as const] : [])));
  const ranked = [...blend(model, popular, r.weight)].filter(([id]) => (r.historyWeights.get(id) ?? 0) >= 0).map(([tutorId, score]) => ({ tutorId, score }));
  const diverse = diversify(ranked, r.size, r.cfg.diversity, r.similarity);
  const newOnes = eligible.filter((c) => isNewTutor(c, r.cfg) && (r.historyWeights.get(c.tutorId) ?? 0) >= 0).map((c) => c.tutorId);
  return withExploration(diverse, newOnes, { size: r.size, explorationShare: r.cfg.explorationShare }, r.seed, () => false);
}
