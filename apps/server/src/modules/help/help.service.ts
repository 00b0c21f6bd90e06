import type { Tx } from '../../platform/db';
import type { AnswerableSubjects, AskQuestionBody, Availability, Question, ServerToClientEvents, UploadedPhoto } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import { conflict, notFound } from '../../platform/errors';
import type { JobRunner } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import type { Notifications } from '../notifications';
import { type Fail, fail, ok, type Result } from '../../platform/result';
import type { Signer } from '../../platform/signing';
import { startOfDayIn } from '../../platform/time';
import { type AuthUser, type GuardianLimitRefusal, type GuardianLimits, lacksGuardianConsent, readsLearnerContent } from '../identity';
import type { PhotoRefusal, PhotoService } from '../media';
import type { RoomsService } from '../rooms';
import { EXPIRE_QUEUE, WAVE_QUEUE } from './help.dispatch';
import type { HelpBilling, PaymentNeeded } from './help.billing-port';
import type { HelpCourses, HelpSafety } from './help.events';
import type { HelpRepo, QuestionRow } from './help.repo';
import { type CancelRefusal, type ClaimRefusal, closedRefusal, type DispatchConfig, looksLikeId, mayClaim, type RateRefusal, splitAnswerable, transition } from './help.rules';
import { feedItem, photoUrl, questionView, tutorSummary } from './help.views';

export type HelpEmitter = <E extends keyof ServerToClientEvents>(userIds: string[], event: E, ...args: Parameters<ServerToClientEvents[E]>) => void;

export type { HelpBilling, PaymentNeeded } from './help.billing-port';

export interface HelpDeps {
  repo: HelpRepo;
  rooms: RoomsService;
  photos: PhotoService;
  clock: Clock;
  logger: Logger;
  emit: HelpEmitter;
  jobs: Pick<JobRunner, 'poke'>;
  config: DispatchConfig;
  /** Signs public photo URLs for messages sent outside the app (WhatsApp alerts), with the server's public URL. */
  sharing?: { signer: Signer; publicUrl: string };
  billing?: HelpBilling;
  /** Blocks and safety holds (#20): a withheld tutor may not claim the student's question. */
  safety?: HelpSafety;
  /** The outbox: a student whose question a tutor accepted is told on their other channels (push, #21). */
  notifications?: Pick<Notifications, 'queueMany'>;
  /** Listeners of QUESTION_RATED (LTI grades), run inside the rating's transaction. */
  onRated?: (tx: Tx, e: { questionId: string; studentId: string; tutorId: string | null; stars: number; at: Date }) => Promise<void>;
  /** A guardian's allowed hours (issue #20), checked on every ask; the guardians module provides it. */
  guardianLimits?: GuardianLimits;
  /** The LMS course a question names (#16): absent without lti, and then a question naming one is refused. */
  courses?: HelpCourses;
}

const SHARED_PHOTO_PURPOSE = 'question-photo';

// Typed results (decision 039): help.http.ts words each reason for HTTP; WhatsApp switches on it.
export type UploadFailure = Fail<'consent_required'> | PhotoRefusal;
export type AskFailure = Fail<'consent_required'> | GuardianLimitRefusal | Fail<'unknown_subject'> | Fail<'unknown_photo'> | PaymentNeeded | Fail<'not_in_course'>;
export type ClaimFailure = Fail<ClaimRefusal>;
export type CancelFailure = Fail<CancelRefusal>;
export type RateFailure = Fail<RateRefusal>;
export type Claimed = { questionId: string; sessionId: string };

/** Rolls the ask's transaction back with a refusal (the question row, the credit and the photos stay as they were). */
class AskRefused extends Error {
  constructor(readonly failure: AskFailure) {
    super(`ask refused: ${failure.reason}`);
  }
}

/** A tutor sees (and may claim) a question they were offered and did not skip, and one they claimed. */
function offered(q: QuestionRow, tutorId: string, notification: { skippedAt: Date | null } | undefined): boolean {
  return q.claimedBy === tutorId || (notification !== undefined && notification.skippedAt === null);
}

export function createHelpService(deps: HelpDeps) {
  const { repo, clock, logger, emit } = deps;

  async function view(q: QuestionRow, withTimeline: boolean): Promise<Question> {
    const [photos, tutors, timeline] = await Promise.all([
      repo.photosOf([q.id]),
      q.claimedBy ? repo.tutorSummaries([q.claimedBy]) : Promise.resolve([]),
      withTimeline ? repo.timeline(q.id) : Promise.resolve(undefined),
    ]);
    return questionView(q, photos, tutors[0] ? tutorSummary(tutors[0]) : null, timeline);
  }

  async function availabilityOf(tutorId: string): Promise<Availability> {
    const [switches, open] = await Promise.all([repo.availability(tutorId), deps.rooms.openSessionOfTutor(tutorId)]);
    return { ...switches, activeSession: open ? { id: open.id, kind: open.kind, startedAt: open.startedAt.toISOString() } : null };
  }
  /** Tells the tutor's open apps their status now (a session opened or ended); never fails the change that caused it. */
  async function announceAvailability(tutorId: string): Promise<void> {
    try {
      emit([tutorId], 'help:availability', await availabilityOf(tutorId));
    } catch (err) {
      logger.error({ err, event: 'availability_announce_failed', tutorId }, 'could not announce a tutor status');
    }
  }

  async function ownQuestion(caller: AuthUser, id: string): Promise<QuestionRow | null> {
    const q = looksLikeId(id) ? await repo.findQuestion(id) : undefined;
    return q && q.studentId === caller.id ? q : null;
  }

  return {
    async uploadPhoto(caller: AuthUser, data: Buffer): Promise<Result<UploadedPhoto, UploadFailure>> {
      if (lacksGuardianConsent(caller, clock.now())) return fail('consent_required');
      const checked = await deps.photos.tryStorePhoto(data, 'photos', caller.id);
      if (!checked.ok) return checked;
      const stored = checked.value;
      const row = await repo.insertPhoto({ ownerId: caller.id, storageKey: stored.key, thumbKey: stored.thumbKey, width: stored.width, height: stored.height, bytes: stored.bytes, createdAt: clock.now() });
      logger.info({ event: 'photo_uploaded', photoId: row.id, userId: caller.id, bytes: stored.bytes }, 'photo uploaded');
      return ok({ photoId: row.id, width: row.width, height: row.height, thumbUrl: photoUrl(row.id, 'thumb') });
    },

    /** A public URL of a question's photo that works until `expiresAt`, for a message sent outside the app. */
    sharedPhotoUrl(photoId: string, expiresAt: Date): string | null {
      if (!deps.sharing) return null;
      const { exp, sig } = deps.sharing.signer.sign(SHARED_PHOTO_PURPOSE, photoId, expiresAt);
      return `${deps.sharing.publicUrl}/api/help/photos/${photoId}/shared?exp=${exp}&sig=${sig}`;
    },
    /** The photo behind a shared URL; a bad or expired signature is a 404, like a missing photo. */
    async readSharedPhoto(photoId: string, exp: number, sig: string): Promise<Buffer> {
      if (!deps.sharing?.signer.verify(SHARED_PHOTO_PURPOSE, photoId, exp, sig, clock.now())) throw notFound('That photo');
      const photo = await repo.findPhoto(photoId);
      const data = photo && (await deps.photos.read(photo.storageKey));
      if (!data) throw notFound('That photo');
      return data;
    },
    /** The photos of a question, for another module acting for its student (WhatsApp). */
    async questionPhotoIds(questionId: string): Promise<string[]> {
      return (await repo.photosOf([questionId])).map((p) => p.id);
    },

    /** The student, tutors the question was sent to, and admins may see a photo; others get a 404. */
    async readPhoto(caller: AuthUser, photoId: string, size: 'full' | 'thumb'): Promise<Buffer> {
      const photo = await repo.findPhoto(photoId);
      if (!photo) throw notFound('That photo');
      let allowed = readsLearnerContent(caller) || photo.ownerId === caller.id;
      if (!allowed && photo.questionId && caller.role === 'tutor') {
        const q = await repo.findQuestion(photo.questionId);
        allowed = Boolean(q && offered(q, caller.id, await repo.wasNotified(photo.questionId, caller.id)));
      }
      if (!allowed) throw notFound('That photo');
      const data = await deps.photos.read(size === 'thumb' ? photo.thumbKey : photo.storageKey);
      if (!data) throw notFound('That photo');
      return data;
    },

    /** What can be asked now: the subjects and levels at least one approved tutor teaches, and the rest of the catalogue. */
    async answerableSubjects(): Promise<AnswerableSubjects> {
      const { catalogue, taught } = await repo.catalogueWithTutors();
      const { answerable, notYet } = splitAnswerable(catalogue, taught);
      return { subjects: answerable, notYetTaught: notYet };
    },

    /** Asks a question; a retry with the same request id returns the first question instead of a second one. */
    async askQuestion(caller: AuthUser, body: AskQuestionBody): Promise<Result<{ question: Question; created: boolean }, AskFailure>> {
      const now = clock.now();
      if (lacksGuardianConsent(caller, now)) return fail('consent_required');
      const repeat = await repo.findByRequestId(caller.id, body.requestId);
      if (repeat) return ok({ question: await view(repeat, true), created: false });
      const limited = await deps.guardianLimits?.check(caller.id, { action: 'ask', at: now, priceMinor: 0 });
      if (limited && !limited.ok) return limited;
      if (!(await repo.subjectLevelExists(body.subjectId, body.level))) return fail('unknown_subject');
      const expiresAt = new Date(now.getTime() + deps.config.expiryMinutes * 60_000);
      const courseId = body.course ?? null;
      const asked = repo.db.transaction(async (tx) => {
        // Asked from a course's "Instant help" item: only an active member may tag a question with it (nothing is created otherwise).
        if (courseId && !(await deps.courses?.isActiveMember(tx, courseId, caller.id))) throw new AskRefused(fail('not_in_course'));
        const q = await repo.insertQuestion(tx, {
          studentId: caller.id,
          requestId: body.requestId,
          subjectId: body.subjectId,
          level: body.level,
          text: body.text || null,
          createdAt: now,
          expiresAt,
          nextWaveAt: now,
          courseId,
        });
        if (!q) return null; // a concurrent retry won the insert
        const paid = await deps.billing?.consumeForQuestion(tx, { studentId: caller.id, timeZone: caller.user.timeZone, questionId: q.id, at: now });
        if (paid && !paid.ok) throw new AskRefused(paid);
        const attached = await repo.attachPhotos(tx, q.id, caller.id, [...new Set(body.photoIds)]);
        if (attached !== new Set(body.photoIds).size) throw new AskRefused(fail('unknown_photo'));
        await repo.addEvent(tx, q.id, 'asked', now, { subjectId: q.subjectId, level: q.level, photos: attached });
        await WAVE_QUEUE.enqueue(tx, { questionId: q.id, at: now.toISOString() }, { now, dedupeKey: `help.wave:${q.id}:${now.toISOString()}` });
        await EXPIRE_QUEUE.enqueue(tx, { questionId: q.id }, { now, runAt: expiresAt, dedupeKey: `help.expire:${q.id}` });
        return q;
      });
      let created: QuestionRow | null;
      try {
        created = await asked;
      } catch (err) {
        if (!(err instanceof AskRefused)) throw err;
        if (err.failure.reason === 'not_in_course') logger.warn({ event: 'question_course_refused', studentId: caller.id, courseId }, 'question refused: the student is not in that course');
        return err.failure;
      }
      if (!created) return ok({ question: await view((await repo.findByRequestId(caller.id, body.requestId))!, true), created: false });
      deps.jobs.poke();
      logger.info({ event: 'question_asked', questionId: created.id, studentId: caller.id, subjectId: created.subjectId, level: created.level, ...(courseId ? { courseId } : {}) }, 'question asked');
      return ok({ question: await view(created, true), created: true });
    },

    /**
     * First accept wins, decided by one conditional UPDATE; every other accept is refused with why (taken, expired,
     * cancelled, busy). Only a tutor who was offered the question (notified by any channel, and did not skip it) may
     * claim it: anyone else gets `not_found`, the same as reading it (so does an id that names no question, such as a
     * garbled WhatsApp button). The checks before the UPDATE only choose the reason; the UPDATE (and the one-open-session
     * index) decides.
     */
    async claimQuestion(caller: AuthUser, questionId: string): Promise<Result<Claimed, ClaimFailure>> {
      const now = clock.now();
      const q = looksLikeId(questionId) ? await repo.findQuestion(questionId) : undefined;
      if (!q) return fail('not_found');
      if (q.claimedBy === caller.id && q.sessionId) return ok({ questionId, sessionId: q.sessionId });
      const [teaching, prefs, notified, withheld] = await Promise.all([
        repo.tutorTeaches(caller.id, q.subjectId, q.level),
        repo.prefs(q.studentId, caller.id),
        repo.wasNotified(questionId, caller.id),
        deps.safety ? deps.safety.withheldTutors(q.studentId, [caller.id]) : new Set<string>(),
      ]);
      if (!offered(q, caller.id, notified)) return fail('not_found');
      const eligible = mayClaim(q, {
        approved: teaching?.status === 'approved',
        teaches: teaching?.teaches ? [{ subjectId: q.subjectId, level: q.level }] : [],
        blockedByStudent: (prefs?.blocked ?? false) || withheld.has(caller.id),
      });
      if (!eligible) return fail('not_eligible');
      if (teaching?.inSession) return fail('busy');
      if (transition(q.status, 'claim') === null || q.expiresAt.getTime() <= now.getTime()) return fail(closedRefusal(q.status));

      // Inside a transaction every query goes through `tx`: PGlite has one connection, so `db` there would wait forever.
      const won = await repo.db
        .transaction(async (tx) => {
          // Suspended meanwhile (issue #18): the share lock makes a concurrent suspension wait for this claim, or this claim see it.
          if (!(await repo.tutorStillApproved(tx, caller.id))) return 'not_approved' as const;
          const row = await repo.claim(tx, questionId, caller.id, now);
          if (!row) return null;
          const session = await deps.rooms.createForQuestion(tx, { studentId: row.studentId, tutorId: caller.id, questionId, startedAt: now });
          await repo.setSession(tx, questionId, session.id);
          const responseSeconds = Math.round((now.getTime() - (notified?.notifiedAt ?? row.createdAt).getTime()) / 1000);
          await repo.recordAccept(tx, caller.id, responseSeconds);
          await repo.addEvent(tx, questionId, 'claimed', now, { tutorId: caller.id, afterSeconds: Math.round((now.getTime() - row.createdAt.getTime()) / 1000) });
          await repo.addEvent(tx, questionId, 'session_started', now, { sessionId: session.id });
          const accepted = { kind: 'help.accepted', text: 'A tutor accepted your question. Join the session now.', data: { questionId, sessionId: session.id } };
          // queueMany queues nothing when no channel is configured (push off, no WhatsApp).
          await deps.notifications?.queueMany(tx, [{ userId: row.studentId, message: accepted, dedupeKey: `question:${questionId}:accepted` }]);
          return { row, sessionId: session.id };
        })
        .catch((err: unknown) => {
          // The same tutor won another question at the same instant: the one-open-session index refused this one.
          if (deps.rooms.isOpenSessionConflict(err)) return null;
          throw err;
        });
      if (won === 'not_approved') return fail('not_eligible');
      if (!won) {
        const after = await repo.findQuestion(questionId);
        if (after?.claimedBy === caller.id && after.sessionId) return ok({ questionId, sessionId: after.sessionId });
        if (after?.status === 'open' && after.expiresAt.getTime() > now.getTime()) {
          // Still open: this tutor became busy, or skipped it, meanwhile.
          return fail((await repo.tutorTeaches(caller.id, q.subjectId, q.level))?.inSession ? 'busy' : 'not_found');
        }
        return fail(closedRefusal(after?.status));
      }
      logger.info({ event: 'question_claimed', questionId, tutorId: caller.id, sessionId: won.sessionId }, 'question claimed');
      const [summary] = await repo.tutorSummaries([caller.id]);
      const payload = { questionId, sessionId: won.sessionId, tutor: tutorSummary(summary!) };
      emit([won.row.studentId, caller.id], 'help:claimed', payload);
      emit((await repo.notifiedTutorIds(questionId)).filter((id) => id !== caller.id), 'help:taken', { questionId });
      void announceAvailability(caller.id);
      return ok({ questionId, sessionId: won.sessionId });
    },

    async skipQuestion(caller: AuthUser, questionId: string) {
      await repo.skip(questionId, caller.id, clock.now());
    },

    async cancelQuestion(caller: AuthUser, questionId: string): Promise<Result<Question, CancelFailure>> {
      const q = await ownQuestion(caller, questionId);
      if (!q) return fail('not_found');
      if (transition(q.status, 'cancel') === null) return fail(q.status === 'claimed' ? 'already_claimed' : 'closed');
      const now = clock.now();
      const moved = await repo.db.transaction(async (tx) => {
        const row = await repo.move(tx, questionId, 'open', { status: 'cancelled', closedAt: now, nextWaveAt: null });
        if (row) await repo.addEvent(tx, questionId, 'cancelled', now);
        if (row) await deps.billing?.returnForQuestion(tx, { studentId: row.studentId, questionId, askedAt: row.createdAt, at: now });
        return row;
      });
      if (!moved) return fail('changed');
      logger.info({ event: 'question_cancelled', questionId, studentId: caller.id }, 'question cancelled');
      emit([caller.id], 'help:closed', { questionId, status: 'cancelled' });
      emit(await repo.notifiedTutorIds(questionId), 'help:taken', { questionId });
      return ok(await view(moved, true));
    },

    /** The claiming tutor marks the question answered: the session ends and the earning is recorded, once. */
    async markAnswered(caller: AuthUser, questionId: string): Promise<Question> {
      const q = await repo.findQuestion(questionId);
      if (!q || q.claimedBy !== caller.id) throw notFound('That question');
      if (q.status === 'answered') return view(q, false);
      if (transition(q.status, 'answer') === null) throw conflict('Only a claimed question can be marked answered.');
      const now = clock.now();
      const tutorCurrency = (await repo.tutorCurrency(caller.id)) ?? 'INR';
      const rates = await repo.ratesFor(q.subjectId);
      let earning: { amountMinor: number; currency: string } | null = null;
      const moved = await repo.db.transaction(async (tx) => {
        const row = await repo.move(tx, questionId, 'claimed', { status: 'answered', answeredAt: now, closedAt: now });
        if (!row) return null;
        if (row.sessionId && (await deps.rooms.endInTx(tx, row.sessionId))) await repo.addEvent(tx, questionId, 'session_ended', now, { sessionId: row.sessionId });
        await repo.addEvent(tx, questionId, 'answered', now, { tutorId: caller.id });
        // Billing decides the earning's currency (the money that paid for the question) and posts it to the ledger,
        // the one record of earnings (#14).
        earning = deps.billing ? await deps.billing.earningForQuestion(tx, { tutorId: caller.id, questionId, tutorCurrency, rates, at: now }) : null;
        return row;
      });
      const current = moved ?? (await repo.findQuestion(questionId))!;
      if (moved) {
        const e = earning as { amountMinor: number; currency: string } | null;
        logger.info({ event: 'question_answered', questionId, tutorId: caller.id, earningMinor: e?.amountMinor ?? 0, currency: e?.currency }, 'question answered');
        if (moved.sessionId) deps.rooms.announceEnded(moved.sessionId, now, caller.id);
        emit([moved.studentId], 'help:answered', { questionId });
        void announceAvailability(caller.id);
      }
      return view(current, false);
    },

    async rateQuestion(caller: AuthUser, questionId: string, body: { stars: number; comment?: string | undefined; favourite?: boolean | undefined }): Promise<Result<Question, RateFailure>> {
      const q = await ownQuestion(caller, questionId);
      if (!q) return fail('not_found');
      if (q.status !== 'answered') return fail('not_answered');
      if (q.rating !== null) return fail('already_rated');
      const now = clock.now();
      await repo.db.transaction(async (tx) => {
        await repo.recordRating(tx, q, body.stars, body.comment || null, body.favourite, now);
        await repo.addEvent(tx, questionId, 'rated', now, { stars: body.stars });
        await deps.onRated?.(tx, { questionId, studentId: q.studentId, tutorId: q.claimedBy, stars: body.stars, at: now });
      });
      logger.info({ event: 'question_rated', questionId, tutorId: q.claimedBy, stars: body.stars }, 'question rated');
      return ok(await view((await repo.findQuestion(questionId))!, true));
    },

    /** The student sees their own questions with the timeline; the claiming or notified tutor and admins see them too. */
    async getQuestion(caller: AuthUser, questionId: string): Promise<Question> {
      const q = await repo.findQuestion(questionId);
      if (!q) throw notFound('That question');
      if (readsLearnerContent(caller) || q.studentId === caller.id) return view(q, true);
      if (caller.role === 'tutor' && offered(q, caller.id, q.claimedBy === caller.id ? undefined : await repo.wasNotified(questionId, caller.id))) return view(q, false);
      throw notFound('That question');
    },

    async listMine(caller: AuthUser) {
      const rows = await repo.listForStudent(caller.id, 50);
      const photos = await repo.photosOf(rows.map((r) => r.id));
      const tutors = await repo.tutorSummaries([...new Set(rows.flatMap((r) => (r.claimedBy ? [r.claimedBy] : [])))]);
      const byTutor = new Map(tutors.map((t) => [t.id, tutorSummary(t)]));
      return rows.map((q) => questionView(q, photos.filter((p) => p.questionId === q.id), q.claimedBy ? (byTutor.get(q.claimedBy) ?? null) : null));
    },

    /**
     * A suspended tutor's open offers leave their feed (issue #18): each is told `help:taken`, as when another tutor
     * wins. Nothing is written: the claim path refuses them anyway, so a re-run only repeats the notice.
     */
    async withdrawOffers(tutorId: string): Promise<void> {
      const open = (await repo.feed(tutorId, clock.now())).map((r) => r.q.id);
      for (const questionId of open) emit([tutorId], 'help:taken', { questionId });
      if (open.length) logger.info({ event: 'help_offers_withdrawn', tutorId, questions: open.length }, "a suspended tutor's open offers were withdrawn");
    },

    async feed(caller: AuthUser) {
      const rows = (await repo.feed(caller.id, clock.now())).map((r) => r.q);
      const photos = await repo.photosOf(rows.map((r) => r.id));
      return rows.map((q) => feedItem(q, photos.filter((p) => p.questionId === q.id)));
    },

    /** The tutor's switch, and their open session if any (questions are paused while it is open). */
    getAvailability: (caller: AuthUser) => availabilityOf(caller.id),
    async setAvailability(caller: AuthUser, online: boolean, notifyWhenOffline?: boolean) {
      await repo.setAvailability(caller.id, online, notifyWhenOffline);
      logger.info({ event: 'tutor_availability_changed', tutorId: caller.id, online, notifyWhenOffline }, 'tutor availability changed');
      const now = await availabilityOf(caller.id);
      emit([caller.id], 'help:availability', now);
      return now;
    },

    /** Today's answered questions and earnings, "today" in the tutor's own time zone, from billing's ledger. */
    async today(caller: AuthUser) {
      const since = startOfDayIn(caller.user.timeZone, clock.now());
      const day = deps.billing ? await deps.billing.earningsSince(caller.id, since) : { answered: 0, earnings: [] };
      return { answeredToday: day.answered, earningsToday: day.earnings };
    },

    async recordSessionEnded(session: { id: string; questionId: string | null; tutorId: string; endedAt: Date }) {
      if (session.questionId) await repo.addEvent(repo.db, session.questionId, 'session_ended', session.endedAt, { sessionId: session.id });
      await announceAvailability(session.tutorId);
    },
    /** A session of the tutor's opened or ended elsewhere (a booked lesson's room): their status follows, live. */
    announceAvailability,
  };
}
export type HelpService = ReturnType<typeof createHelpService>;
