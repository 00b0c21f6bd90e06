import type { RecommendationHome, RecommendationList, RecommendationModelStatus, RecommendationQuery, RecommendationSettings, RecommendedTutor, SimilarTutors } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { badRequest, forbidden, notFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import * as time from '../../platform/time';
import { classesAttendedBetween } from '../classes';
import { answeredQuestionsBetween, helpRatingsOf } from '../help';
import { accountsByIds, approvedTutorsTeaching, type AuthUser, subjectLevelExists, tutorProfilesOf, tutorSubjectsOf } from '../identity';
import { bookingHistoryBetween, tutorsWithFreeSlots } from '../scheduling';
import { contributions, scoreStudent } from './model/ease';
import type { Interaction } from './model/interactions';
import { interactionWeight } from './model/weights';
import type { LoadedModel, ModelHolder } from './recommendations.holder';
import { readInteractions } from './recommendations.interactions';
import type { RecommendationsRepo } from './recommendations.repo';
import { type Candidate, defaultServingConfig, filterEligible, type HistoryKind, modelWeight, rankForStudent, reasonFor, reasonText, seedOf, type ServingConfig } from './recommendations.rules';
import type { Trainer } from './recommendations.train';

const DAY_MS = 86_400_000;
/** How far back a student's own history is read when serving. */
const HISTORY_DAYS = 365;
const FREE_SLOT_DAYS = 7;
const SIMILAR_LIMIT = 6;
const photoUrl = (r: { userId: string; photoKey: string | null }) => (r.photoKey ? `/api/tutors/${r.userId}/photo?v=${encodeURIComponent(r.photoKey.slice(-12, -4))}` : null);
const howOf: Partial<Record<Interaction['kind'], HistoryKind>> = { session: 'session', lesson: 'lesson', class: 'class', favourite: 'favourite', view_booked: 'view', rating: 'session' };

/** Each interaction's weight, the n-th lesson with the same tutor counted as a repeat (model/weights.ts decides how much). */
export function historyOf(rows: readonly Interaction[]): { weights: Map<string, number>; positives: number; how: Map<string, HistoryKind> } {
  const weights = new Map<string, number>();
  const how = new Map<string, { kind: HistoryKind; weight: number }>();
  const seen = new Map<string, number>();
  let positives = 0;
  for (const r of [...rows].sort((a, b) => a.ts.getTime() - b.ts.getTime())) {
    const key = `${r.tutorId}:${r.kind}`;
    const repeatIndex = seen.get(key) ?? 0;
    seen.set(key, repeatIndex + 1);
    const w = interactionWeight(r, { repeatIndex });
    weights.set(r.tutorId, (weights.get(r.tutorId) ?? 0) + w);
    if (w > 0) positives++;
    const kind = howOf[r.kind];
    if (kind && w > (how.get(r.tutorId)?.weight ?? 0)) how.set(r.tutorId, { kind, weight: w });
  }
  return { weights, positives, how: new Map([...how].map(([k, v]) => [k, v.kind])) };
}

export interface RecommendationsDeps {
  db: Db;
  repo: RecommendationsRepo;
  holder: ModelHolder;
  trainer: Trainer;
  clock: Clock;
  logger: Logger;
  config?: Partial<ServingConfig>;
}

export function createRecommendationsService(deps: RecommendationsDeps) {
  const { db, repo, holder, trainer, clock, logger } = deps;
  const cfg: ServingConfig = { ...defaultServingConfig, ...deps.config };

  /** Every approved tutor who teaches it, with what the filters and the cold-start ranking need: a fixed handful of queries. */
  async function candidatesFor(subject: string, level: string, now: Date, popularity: ReadonlyMap<string, number> | undefined): Promise<Candidate[]> {
    const ids = (await approvedTutorsTeaching(db, subject, level, [])).map((r) => r.tutorId);
    if (!ids.length) return [];
    const [profiles, accounts, help, free] = await Promise.all([tutorProfilesOf(db, ids), accountsByIds(db, ids), helpRatingsOf(db, ids), tutorsWithFreeSlots(db, ids, { now, days: FREE_SLOT_DAYS })]);
    const account = new Map(accounts.map((a) => [a.id, a]));
    const accepted = new Map(help.map((h) => [h.tutorId, h.acceptedCount]));
    return profiles.map((p) => ({
      tutorId: p.userId,
      name: account.get(p.userId)?.displayName ?? '',
      approved: p.approvalStatus === 'approved',
      disabled: account.get(p.userId)?.disabled ?? true,
      teaches: true,
      languages: p.languages,
      hasFreeSlot: free.has(p.userId),
      offsetMinutes: time.offsetMinutesAt(now, p.timeZone),
      // The model's count when there is one (every kind of interaction), else the profile's running figures.
      interactions: Math.max(popularity?.get(p.userId) ?? 0, p.completedSessions + (accepted.get(p.userId) ?? 0)),
    }));
  }

  async function cardsOf(ids: string[]): Promise<Map<string, Omit<RecommendedTutor, 'isNew' | 'reason' | 'reasonText'>>> {
    const [profiles, accounts] = await Promise.all([tutorProfilesOf(db, ids), accountsByIds(db, ids)]);
    const name = new Map(accounts.map((a) => [a.id, a.displayName]));
    return new Map(profiles.map((p) => [p.userId, { tutorId: p.userId, displayName: name.get(p.userId) ?? '', photoUrl: photoUrl(p), languages: p.languages, hourlyRateMinor: p.hourlyRateMinor, currency: p.currency }]));
  }

  /** The student's own history over the last year: the same read for recommending and for search's Recommended sort. */
  const historyFor = async (studentId: string, now: Date) => historyOf(await readInteractions(db, repo, { since: new Date(now.getTime() - HISTORY_DAYS * DAY_MS), until: now, studentId }));
  /** The model's score of every tutor it knows, from the history's tutors it knows (model.tutorIds order). */
  const modelScoresOf = (m: LoadedModel, weights: ReadonlyMap<string, number>) => scoreStudent(m.model, new Map([...weights].filter(([id]) => m.indexOf.has(id))));

  /** The tutors the student has a confirmed lesson with that has not ended (started at most a day ago, or later). */
  const upcomingTutorsOf = async (studentId: string, now: Date) =>
    new Set((await bookingHistoryBetween(db, { since: new Date(now.getTime() - DAY_MS), until: new Date(now.getTime() + HISTORY_DAYS * DAY_MS), studentId })).filter((b) => b.status === 'confirmed').map((b) => b.tutorId));

  const similarityIn = (m: LoadedModel | null) => (a: string, b: string) => {
    if (!m || m.maxAbs === 0) return 0;
    const i = m.indexOf.get(a);
    const j = m.indexOf.get(b);
    if (i === undefined || j === undefined) return 0;
    const n = m.model.tutorIds.length;
    return Math.min(1, Math.max(0, Math.max(m.model.B[i * n + j]!, m.model.B[j * n + i]!) / m.maxAbs));
  };

  return {
    /**
     * Tutor search's "Recommended" sort (the tutors module's TUTOR_RANKING port): each tutor's score for this student,
     * the model's (scaled to the largest among these tutors) blended with the model's popularity by how much history
     * the student has, as `recommend` does; popularity alone when personalisation is off. No model: no scores, and the
     * search falls back to relevance.
     */
    async rankingScores(studentId: string, tutorIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
      const latest = holder.current();
      if (!latest || !tutorIds.length) return new Map();
      const now = clock.now();
      const personalised = ((await repo.settingsOf(studentId)) ?? { personalised: true }).personalised;
      const history = personalised ? await historyFor(studentId, now) : null;
      const weight = modelWeight(history?.positives ?? 0, true, cfg);
      const model = weight > 0 && history ? modelScoresOf(latest, history.weights) : null;
      const modelOf = (id: string) => {
        const i = latest.indexOf.get(id);
        return model && i !== undefined ? model[i]! : 0;
      };
      const maxModel = Math.max(1e-12, ...tutorIds.map((id) => Math.abs(modelOf(id))));
      const maxPop = Math.max(1, ...tutorIds.map((id) => latest.popularity.get(id) ?? 0));
      const pop = (id: string) => Math.log1p(latest.popularity.get(id) ?? 0) / Math.log1p(maxPop);
      return new Map(tutorIds.map((id) => [id, weight * (modelOf(id) / maxModel) + (1 - weight) * pop(id)]));
    },

    async settings(student: AuthUser): Promise<RecommendationSettings> {
      return (await repo.settingsOf(student.id)) ?? { personalised: true, language: null };
    },

    async saveSettings(student: AuthUser, s: RecommendationSettings): Promise<RecommendationSettings> {
      if (student.role !== 'student') throw forbidden('Only students have recommendation settings.');
      await repo.saveSettings(student.id, s, clock.now());
      logger.info({ event: 'recommendation_settings_changed', studentId: student.id, personalised: s.personalised, language: s.language }, 'recommendation settings changed');
      return s;
    },

    async recordView(student: AuthUser, tutorId: string): Promise<void> {
      if (student.role !== 'student') return;
      const [profile] = await tutorProfilesOf(db, [tutorId]);
      if (!profile || profile.approvalStatus !== 'approved') throw notFound('That tutor');
      const now = clock.now();
      await repo.recordView(student.id, tutorId, now.toISOString().slice(0, 10), now);
    },

    /**
     * A student's recommended tutors for a subject and level (#17): only approved, enabled tutors who teach it, speak
     * the student's language and are free in the next 7 days; the model's scores blended with popularity by how much
     * history the student has (personalisation off or no model: popularity alone); re-ranked for diversity; a share of
     * places for new tutors; and a reason each, naming only tutors of the student's own history.
     */
    async recommend(student: AuthUser, q: RecommendationQuery): Promise<RecommendationList> {
      if (student.role !== 'student') throw forbidden('Recommendations are for students.');
      if (!(await subjectLevelExists(db, q.subject, q.level))) throw badRequest('That subject and level are not in the catalogue.', [{ path: 'subject', message: 'is not a known subject and level' }]);
      const now = clock.now();
      const settings = await this.settings(student);
      const language = q.language ?? settings.language;
      const size = Math.min(q.limit, cfg.size);
      const latest = holder.current();
      const eligible = filterEligible(await candidatesFor(q.subject, q.level, now, latest?.popularity), { language });
      const loaded = settings.personalised ? latest : null;
      const history = settings.personalised ? await historyFor(student.id, now) : null;
      const positives = new Map([...(history?.weights ?? [])].filter(([, w]) => w > 0));
      const weight = modelWeight(history?.positives ?? 0, loaded !== null, cfg);

      const modelScores = new Map<string, number>();
      if (loaded && weight > 0) {
        const scores = modelScoresOf(loaded, history?.weights ?? new Map());
        for (const c of eligible) {
          const i = loaded.indexOf.get(c.tutorId);
          if (i !== undefined) modelScores.set(c.tutorId, scores[i]!);
        }
      }
      const alreadyBooked = await upcomingTutorsOf(student.id, now);
      const placed = rankForStudent({
        candidates: eligible,
        want: { language },
        modelScores,
        weight,
        studentOffsetMinutes: time.offsetMinutesAt(now, student.user.timeZone),
        historyWeights: history?.weights ?? new Map(),
        alreadyBooked,
        cfg,
        size,
        seed: seedOf(`${student.id}:${now.toISOString().slice(0, 10)}`),
        similarity: similarityIn(weight > 0 ? loaded : null),
      });

      const historyIds = [...positives.keys()];
      const cards = await cardsOf([...placed.map((p) => p.tutorId), ...historyIds]);
      const historyNames = new Map(historyIds.flatMap((id) => (cards.get(id) ? [[id, { name: cards.get(id)!.displayName, how: history?.how.get(id) ?? 'session' }] as const] : [])));
      const tutors = placed.flatMap((p) => {
        const card = cards.get(p.tutorId);
        if (!card) return [];
        const contribs = loaded && weight > 0 && !p.isNew && loaded.indexOf.has(p.tutorId) ? contributions(loaded.model, new Map([...positives].filter(([id]) => loaded.indexOf.has(id))), p.tutorId, 3) : [];
        const reason = reasonFor({ isNew: p.isNew, contributions: contribs, history: historyNames });
        return [{ ...card, isNew: p.isNew, reason, reasonText: reasonText(reason) }];
      });
      logger.debug({ event: 'recommendations_served', studentId: student.id, subject: q.subject, level: q.level, candidates: eligible.length, modelWeight: weight, shown: tutors.length }, 'recommendations served');
      return { tutors, personalised: weight > 0, modelVersion: weight > 0 && loaded ? loaded.model.version : null };
    },

    /** "Tutors for you" on the home page: one list for each of the (up to 3) subjects and levels the student worked on most recently. */
    async home(student: AuthUser): Promise<RecommendationHome> {
      if (student.role !== 'student') throw forbidden('Recommendations are for students.');
      const now = clock.now();
      const range = { since: new Date(now.getTime() - HISTORY_DAYS * DAY_MS), until: now, studentId: student.id };
      const [answered, classes, lessons] = await Promise.all([answeredQuestionsBetween(db, range), classesAttendedBetween(db, range), bookingHistoryBetween(db, range)]);
      const completed = lessons.filter((b) => b.status === 'completed');
      const recent = [
        ...answered.map((a) => ({ subjectId: a.subjectId, level: a.level, at: a.answeredAt })),
        ...classes.map((c) => ({ subjectId: c.subjectId, level: c.level, at: c.startsAt })),
        ...completed.flatMap((b) => (b.subjectId && b.level ? [{ subjectId: b.subjectId, level: b.level, at: b.startsAt }] : [])),
      ].sort((a, b) => b.at.getTime() - a.at.getTime());
      // A lesson booked without a subject: the subjects and levels its tutors teach, the ones most of them share first.
      const taught = new Map<string, { subjectId: string; level: string; n: number }>();
      for (const s of await tutorSubjectsOf(db, [...new Set(completed.filter((b) => !b.subjectId).map((b) => b.tutorId))])) {
        const k = `${s.subjectId}/${s.level}`;
        taught.set(k, { subjectId: s.subjectId, level: s.level, n: (taught.get(k)?.n ?? 0) + 1 });
      }
      const fromLessons = [...taught.values()].sort((a, b) => b.n - a.n);
      const seen = new Set<string>();
      const pairs = [...recent, ...fromLessons].filter((r) => !seen.has(`${r.subjectId}/${r.level}`) && seen.add(`${r.subjectId}/${r.level}`)).slice(0, recent.length ? 3 : 1);
      const subjects = [];
      for (const p of pairs) subjects.push({ subjectId: p.subjectId, level: p.level, list: await this.recommend(student, { subject: p.subjectId, level: p.level, limit: 6 }) });
      return { subjects };
    },

    /** "Students who worked with this tutor also booked…": the tutors the model links most to this one, approved and enabled. */
    async similar(tutorId: string): Promise<SimilarTutors> {
      const loaded = holder.current();
      const i = loaded?.indexOf.get(tutorId);
      if (!loaded || i === undefined) return { tutors: [] };
      const n = loaded.model.tutorIds.length;
      const scored = loaded.model.tutorIds.map((id, j) => ({ id, s: j === i ? -Infinity : loaded.model.B[i * n + j]! })).filter((x) => x.s > 0).sort((a, b) => b.s - a.s).slice(0, SIMILAR_LIMIT * 3);
      const ids = scored.map((x) => x.id);
      const [profiles, accounts] = await Promise.all([tutorProfilesOf(db, ids), accountsByIds(db, ids)]);
      const ok = new Set(profiles.filter((p) => p.approvalStatus === 'approved').map((p) => p.userId));
      const enabled = new Map(accounts.filter((a) => !a.disabled).map((a) => [a.id, a.displayName]));
      const profile = new Map(profiles.map((p) => [p.userId, p]));
      return {
        tutors: ids.filter((id) => ok.has(id) && enabled.has(id)).slice(0, SIMILAR_LIMIT).map((id) => ({ tutorId: id, displayName: enabled.get(id)!, photoUrl: photoUrl(profile.get(id)!) })),
      };
    },

    status(): RecommendationModelStatus {
      const m = holder.current()?.model;
      return {
        loaded: m ? { version: m.version, trainedAt: m.trainedAt, tutors: m.tutorIds.length, metrics: m.metrics } : null,
        coldStartReason: holder.coldStartReason(),
        training: trainer.isTraining(),
      };
    },

    async requestTraining(admin: AuthUser): Promise<RecommendationModelStatus> {
      await trainer.requestTraining(clock.now());
      logger.info({ event: 'recommendation_training_requested', adminId: admin.id }, 'recommendation training requested');
      return this.status();
    },
  };
}
export type RecommendationsService = ReturnType<typeof createRecommendationsService>;
