import type { QuestionStatus } from '@tutorline/contracts';

/** Pure decisions for instant help: the question's state machine, who is eligible, in what order, and when. */

// ---------- state machine ----------

export type QuestionEvent = 'wave' | 'claim' | 'cancel' | 'expire' | 'answer';

/** state × event → state. Anything missing is forbidden. */
export const questionTransitions: Record<QuestionStatus, Partial<Record<QuestionEvent, QuestionStatus>>> = {
  open: { wave: 'open', claim: 'claimed', cancel: 'cancelled', expire: 'expired' },
  claimed: { answer: 'answered' },
  answered: {},
  expired: {},
  cancelled: {},
};

export function transition(from: QuestionStatus, event: QuestionEvent): QuestionStatus | null {
  return questionTransitions[from][event] ?? null;
}

// ---------- refusals (decision 039: other modules switch on these; help.http.ts words them) ----------

/** Whether an id from outside (a WhatsApp button's payload) can name a row at all: a UUID's shape, any version. */
export const looksLikeId = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/**
 * Why a tutor's Accept did not win the question. `not_found`: missing, or never offered to this tutor (or skipped):
 * the same as reading it. `not_eligible`: offered, but outside their approved subjects now (or blocked).
 * `busy`: they have an open instant session. `taken`, `expired`, `cancelled`: the question is no longer open.
 */
export const claimRefusals = ['not_found', 'not_eligible', 'busy', 'taken', 'expired', 'cancelled'] as const;
export type ClaimRefusal = (typeof claimRefusals)[number];

/**
 * The refusal for a claim on a question that is closed, from its status: `open` here means past its expiry (the
 * expiry job has not closed it yet), and a question that cannot be read back counts as taken.
 */
export function closedRefusal(status: QuestionStatus | undefined): Extract<ClaimRefusal, 'taken' | 'expired' | 'cancelled'> {
  switch (status) {
    case 'cancelled':
      return 'cancelled';
    case 'expired':
    case 'open':
      return 'expired';
    default:
      return 'taken';
  }
}

/** Why a question was not asked: the student's consent or plan, an input that names nothing we have, or a course the student is not in. */
export const askRefusals = ['consent_required', 'guardian_limit', 'payment_required', 'unknown_subject', 'unknown_photo', 'not_in_course'] as const;
export type AskRefusal = (typeof askRefusals)[number];

/** Why a photo was not taken: consent, the upload rate or quota, or the photo itself (media's check). */
export const uploadRefusals = ['consent_required', 'rate_limited', 'photo_rejected'] as const;
export type UploadRefusal = (typeof uploadRefusals)[number];

/** Why a student's cancel did nothing: not theirs, a tutor has it, it is closed, or it changed meanwhile. */
export const cancelRefusals = ['not_found', 'already_claimed', 'closed', 'changed'] as const;
export type CancelRefusal = (typeof cancelRefusals)[number];

/** Why a rating was not recorded. */
export const rateRefusals = ['not_found', 'not_answered', 'already_rated'] as const;
export type RateRefusal = (typeof rateRefusals)[number];

// ---------- dispatch ----------

export interface DispatchConfig {
  /** Size of the first wave (N). */
  firstWave: number;
  /** Seconds between waves (T). */
  waveSeconds: number;
  /** Minutes until an unclaimed question expires (M). */
  expiryMinutes: number;
  /** A tutor notified of any question less than this long ago waits for a later wave. */
  cooldownSeconds: number;
  /** Share (0..1) of tutors who also teach a scarce subject, held back from the first waves of other questions. */
  scarceHoldBackShare: number;
  /** How many waves the hold-back lasts. */
  scarceHoldBackWaves: number;
  /** Tutors on probation (issue #18) wait this many waves (or as many wave periods) before they are asked. */
  probationWaves: number;
}

export const defaultDispatchConfig: DispatchConfig = {
  firstWave: 20,
  waveSeconds: 15,
  expiryMinutes: 10,
  cooldownSeconds: 20,
  scarceHoldBackShare: 0.25,
  scarceHoldBackWaves: 2,
  probationWaves: 2,
};

export interface QuestionFacts {
  id: string;
  studentId: string;
  subjectId: string;
  level: string;
  status: QuestionStatus;
  createdAt: Date;
  expiresAt: Date;
  /** Waves already sent. */
  wave: number;
  /** Tutors notified so far. */
  notifiedCount: number;
}

export interface TutorFacts {
  id: string;
  approved: boolean;
  teaches: { subjectId: string; level: string }[];
  online: boolean;
  notifyWhenOffline: boolean;
  inSession: boolean;
  blockedByStudent: boolean;
  alreadyNotified: boolean;
  /** This student marked them favourite, or rated them 4+. */
  preferredByStudent: boolean;
  ratingSum: number;
  ratingCount: number;
  notifiedCount: number;
  acceptedCount: number;
  /** Mean seconds from notification to accept, null before the first accept. */
  meanResponseSeconds: number | null;
  lastNotifiedAt: Date | null;
  /** Teaches a subject that few tutors teach. */
  teachesScarceSubject: boolean;
  /** Ops put them on probation: they wait for the later waves. */
  onProbation: boolean;
}

export type Ineligibility = 'not_approved' | 'wrong_subject' | 'unreachable' | 'in_session' | 'blocked' | 'already_notified';

/** Why a tutor may not receive this question, or null when they may. */
export function ineligibility(q: Pick<QuestionFacts, 'subjectId' | 'level'>, t: TutorFacts): Ineligibility | null {
  if (!t.approved) return 'not_approved';
  if (!t.teaches.some((s) => s.subjectId === q.subjectId && s.level === q.level)) return 'wrong_subject';
  if (!t.online && !t.notifyWhenOffline) return 'unreachable';
  if (t.inSession) return 'in_session';
  if (t.blockedByStudent) return 'blocked';
  if (t.alreadyNotified) return 'already_notified';
  return null;
}

/** Whether a tutor may accept (claim) this question: the lasting facts only; reachability and notification don't matter. */
export function mayClaim(q: Pick<QuestionFacts, 'subjectId' | 'level'>, t: Pick<TutorFacts, 'approved' | 'teaches' | 'blockedByStudent'>): boolean {
  return t.approved && !t.blockedByStudent && t.teaches.some((s) => s.subjectId === q.subjectId && s.level === q.level);
}

/** 0..1: Bayesian-smoothed rating, acceptance rate and speed. A new tutor starts near the middle, not at the bottom. */
export function qualityScore(t: TutorFacts): number {
  const rating = (t.ratingSum + 4 * 3) / (t.ratingCount + 3) / 5; // prior: three ratings of 4
  const acceptance = (t.acceptedCount + 1) / (t.notifiedCount + 4);
  const speed = t.meanResponseSeconds === null ? 0.5 : 1 / (1 + t.meanResponseSeconds / 30);
  return 0.5 * rating + 0.3 * Math.min(1, acceptance) + 0.2 * speed;
}

/** Deterministic 0..1 from two ids, so hold-backs are stable across retries of the same wave. */
export function stableFraction(a: string, b: string): number {
  let h = 2166136261;
  for (const ch of `${a}|${b}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) / 0xffffffff;
}

/**
 * Order for notification: this student's preferred tutors first; then by quality, with a fairness
 * bonus that grows with time since the tutor was last notified (up to an hour).
 */
export function rankTutors(tutors: TutorFacts[], now: Date): TutorFacts[] {
  const key = (t: TutorFacts) => {
    const idleSeconds = t.lastNotifiedAt ? (now.getTime() - t.lastNotifiedAt.getTime()) / 1000 : 3600;
    const fairness = Math.min(1, Math.max(0, idleSeconds) / 3600);
    return qualityScore(t) * 0.7 + fairness * 0.3;
  };
  return [...tutors].sort((a, b) => {
    if (a.preferredByStudent !== b.preferredByStudent) return a.preferredByStudent ? -1 : 1;
    return key(b) - key(a) || a.id.localeCompare(b.id);
  });
}

/** How many tutors wave `n` (0-based) adds: N, then doubling. */
export function waveSize(n: number, cfg: DispatchConfig): number {
  return cfg.firstWave * 2 ** n;
}

export type WaveDecision =
  | { kind: 'expire' }
  | { kind: 'stop' }
  /** No approved tutor (whom this student has not blocked) teaches it, and nobody was notified: close it now. */
  | { kind: 'unanswerable' }
  /** `waiting`: eligible tutors a later wave may still ask (held back, cooling down, beyond this wave's size). */
  | { kind: 'notify'; wave: number; tutorIds: string[]; nextWaveAt: Date | null; heldBack: number; coolingDown: number; onProbation: number; waiting: number };

/**
 * Whether a tutor on probation still waits: during the first `probationWaves` waves, bounded by as many wave periods
 * from the question's start (a wave that finds nobody new does not count, so the count alone could hold them for
 * ever). Not held when nobody else is being asked: probation delays a tutor, it never leaves a student unasked.
 */
export function heldForProbation(q: Pick<QuestionFacts, 'wave' | 'createdAt'>, now: Date, anyoneElse: boolean, cfg: DispatchConfig): boolean {
  if (!anyoneElse) return false;
  return q.wave < cfg.probationWaves && now.getTime() - q.createdAt.getTime() < cfg.probationWaves * cfg.waveSeconds * 1000;
}

/**
 * The next wave for a question at `now`: expire it when its time is up, stop when it is no longer open,
 * otherwise pick the next tutors to notify and when to look again (null when the next look would be past expiry).
 */
export function nextWave(q: QuestionFacts, tutors: TutorFacts[], now: Date, cfg: DispatchConfig = defaultDispatchConfig): WaveDecision {
  if (q.status !== 'open') return { kind: 'stop' };
  if (now.getTime() >= q.expiresAt.getTime()) return { kind: 'expire' };
  // Offline tutors count: they may come online before the question expires. Only nobody at all closes it early.
  const anyone = tutors.some((t) => mayClaim(q, t));
  if (!anyone && q.notifiedCount === 0) return { kind: 'unanswerable' };

  const eligible = tutors.filter((t) => ineligibility(q, t) === null);
  const questionIsScarce = eligible.length > 0 && eligible.every((t) => t.teachesScarceSubject);
  let heldBack = 0;
  let coolingDown = 0;
  let probation = 0;
  // Someone else is being asked: a tutor not on probation who may be offered it now or already was.
  const othersAsked = tutors.some((t) => !t.onProbation && [null, 'already_notified'].includes(ineligibility(q, t)));
  const probationWaits = heldForProbation(q, now, othersAsked, cfg);
  const ready: TutorFacts[] = [];
  const waiting: TutorFacts[] = [];
  for (const t of eligible) {
    const cooling = t.lastNotifiedAt !== null && now.getTime() - t.lastNotifiedAt.getTime() < cfg.cooldownSeconds * 1000;
    const held =
      !questionIsScarce && q.wave < cfg.scarceHoldBackWaves && t.teachesScarceSubject && stableFraction(q.id, t.id) < cfg.scarceHoldBackShare;
    const onProbation = t.onProbation && probationWaits;
    if (cooling) coolingDown++;
    if (held) heldBack++;
    if (onProbation) probation++;
    (cooling || held || onProbation ? waiting : ready).push(t);
  }
  const picked = rankTutors(ready, now).slice(0, waveSize(q.wave, cfg));
  const next = new Date(now.getTime() + cfg.waveSeconds * 1000);
  return {
    kind: 'notify',
    // A sweep that finds nobody new is not a wave the student needs to see.
    wave: picked.length ? q.wave + 1 : q.wave,
    tutorIds: picked.map((t) => t.id),
    // Keep looking until expiry: tutors held back, cooling down, or coming online later get their turn.
    nextWaveAt: next < q.expiresAt ? next : null,
    heldBack,
    coolingDown,
    onProbation: probation,
    waiting: ready.length - picked.length + waiting.length,
  };
}

// ---------- what can be asked ----------

export interface CatalogueSubject {
  id: string;
  name: string;
  levels: string[];
}

/**
 * Splits the catalogue into what at least one approved tutor teaches (`taught` pairs) and what nobody teaches yet,
 * keeping the catalogue's order of subjects and levels; a subject appears in both when only some levels are taught.
 */
export function splitAnswerable(catalogue: CatalogueSubject[], taught: { subjectId: string; level: string }[]): { answerable: CatalogueSubject[]; notYet: CatalogueSubject[] } {
  const pairs = new Set(taught.map((p) => `${p.subjectId}|${p.level}`));
  const answerable: CatalogueSubject[] = [];
  const notYet: CatalogueSubject[] = [];
  for (const s of catalogue) {
    const yes = s.levels.filter((l) => pairs.has(`${s.id}|${l}`));
    const no = s.levels.filter((l) => !pairs.has(`${s.id}|${l}`));
    if (yes.length) answerable.push({ ...s, levels: yes });
    if (no.length) notYet.push({ ...s, levels: no });
  }
  return { answerable, notYet };
}
