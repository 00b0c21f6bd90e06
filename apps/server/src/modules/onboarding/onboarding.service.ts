import type { TutorBioScreen } from '../identity';
import { randomUUID } from 'node:crypto';
import type { Application, ApplicationDecision, ApplicationQueueItem, ApplicationQueueQuery, DocumentKind, OnboardingDocument, StaffApplication } from '@tutorline/contracts';
import { applicationDecisionSchema, applicationDraftSchema, applicationQueueQuerySchema, requestInfoSchema, type ApplicationDraft } from '@tutorline/contracts';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Tx } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { type Fail, fail, ok, type Result } from '../../platform/result';
import type { Storage } from '../../platform/storage';
import { recordAudit } from '../audit';
import type { PhotoRefusal, StoredPhoto } from '../media';
import { checkPdf, sniffDocument } from './onboarding.pdf';
import type { ApplicationRow, AppliedSubjectRow, DocumentRow, OnboardingRepo } from './onboarding.repo';
import { checkDecision, decisionNotice, isDecided, MAX_DOCUMENTS, missingItems, transition, type ApplicationEvent } from './onboarding.rules';

/** What onboarding asks of the other modules (through their index.ts, wired by the installer). */
export interface OnboardingDeps {
  repo: OnboardingRepo;
  /** The bio becomes the public profile's on approval: contact details in it are refused (#20, the safety module). */
  bioScreen?: TutorBioScreen;
  clock: Clock;
  logger: Logger;
  storage: Storage;
  /** The largest document accepted, in bytes (the photo limit). */
  maxBytes: number;
  /** Media's photo checks: decode, check, re-encode (EXIF gone), stored under our prefix. Counts the upload quota. */
  storeImage(data: Buffer, ownerId: string): Promise<Result<StoredPhoto, PhotoRefusal>>;
  /** The upload quota alone (a PDF is not a photo, but counts like one). */
  takeUpload(ownerId: string): Promise<Result<void, Extract<PhotoRefusal, { reason: 'rate_limited' }>>>;
  /** The subjects catalogue: names and the levels each is taught at. */
  catalogue(): Promise<{ id: string; name: string; levels: string[] }[]>;
  names(ids: string[]): Promise<Map<string, string>>;
  /** identity: the tutor teaches exactly these subject/levels from now on (in the caller's transaction). */
  grantSubjects(tx: Tx, change: { tutorId: string; subjects: { subjectId: string; level: string }[]; profile: { bio: string; languages: string[] }; by: string; now: Date }): Promise<unknown>;
  /** Tells the user in the app and on their other channels (WhatsApp when linked), in the caller's transaction. */
  tellUser(tx: Tx, userId: string, notice: { kind: string; text: string; data: Record<string, unknown>; dedupeKey: string }): Promise<() => void>;
}

type Actor = { id: string; role: string };
type Transition = { status: ApplicationRow['status']; event: ApplicationEvent };

export type DraftFailure = Fail<'not_editable', Transition> | Fail<'unknown_subject', { subjectId: string; level: string }> | Fail<'contact_details', { categories: string[]; message: string }>;
export type DocumentFailure =
  | Fail<'not_editable', Transition>
  | Fail<'too_many_documents'>
  | Fail<'too_big'>
  | Fail<'not_a_document'>
  | Fail<'document_rejected', { message: string }>
  | Extract<PhotoRefusal, { reason: 'rate_limited' }>;
export type TutorApplicationFailure = Fail<'no_application'> | Fail<'not_found'> | Fail<'not_editable', Transition> | Fail<'incomplete', { missing: string[] }>;
export type StaffApplicationFailure =
  | Fail<'not_found'>
  | Fail<'forbidden_transition', Transition>
  | Fail<'already_decided', { status: ApplicationRow['status']; by: string | null; at: string | null }>
  | Fail<'not_applied_for', { pairs: { subjectId: string; level: string }[] }>
  | Fail<'nothing_approved'>
  | Fail<'subjects_on_reject'>
  | Fail<'stale', { version: number }>;

const safeFileName = (raw: string | undefined, fallback: string) => {
  const cleaned = (raw ?? '').replace(/[^A-Za-z0-9._ -]/g, '').trim().slice(0, 100);
  return cleaned || fallback;
};

export function createOnboardingService(deps: OnboardingDeps) {
  const { repo, clock, logger } = deps;

  const docView = (d: DocumentRow): OnboardingDocument => ({ id: d.id, kind: d.kind, contentType: d.contentType, bytes: d.bytes, fileName: d.fileName, uploadedAt: d.createdAt.toISOString() });
  const label = (names: Map<string, string>, s: { subjectId: string; level: string }) => `${names.get(s.subjectId) ?? s.subjectId} (${s.level})`;

  async function view(row: ApplicationRow, subjects?: AppliedSubjectRow[], documents?: DocumentRow[]): Promise<Application> {
    const subs = subjects ?? (await repo.subjectsOf(row.id));
    const docs = documents ?? (await repo.documentsOf(row.id));
    const names = new Map((await deps.catalogue()).map((c) => [c.id, c.name]));
    const editable = row.status === 'draft' || row.status === 'needs_info';
    const computed = missingItems({ bio: row.bio, subjects: subs.map((s) => ({ ...s, subjectName: names.get(s.subjectId) })), documentKinds: docs.map((d) => d.kind) });
    return {
      id: row.id,
      status: row.status,
      bio: row.bio,
      experience: row.experience,
      languages: row.languages,
      subjects: subs.map((s) => ({ subjectId: s.subjectId, subjectName: names.get(s.subjectId) ?? s.subjectId, level: s.level, sampleAnswer: s.sampleAnswer, decision: s.decision, decisionReason: s.decisionReason })),
      documents: docs.map(docView),
      // What ops asked for first, then whatever the form still lacks.
      missing: editable ? [...(row.status === 'needs_info' ? row.missing : []), ...computed] : [],
      infoRequest: row.infoRequest,
      decisionReason: row.decisionReason,
      submittedAt: row.submittedAt?.toISOString() ?? null,
      decidedAt: row.decidedAt?.toISOString() ?? null,
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  async function staffView(row: ApplicationRow): Promise<StaffApplication> {
    const base = await view(row);
    const names = await deps.names([row.tutorId, ...(row.reviewerId ? [row.reviewerId] : [])]);
    return {
      ...base,
      missing: row.status === 'needs_info' ? row.missing : base.missing,
      tutor: { id: row.tutorId, displayName: names.get(row.tutorId) ?? 'unknown' },
      reviewer: row.reviewerId ? { id: row.reviewerId, displayName: names.get(row.reviewerId) ?? 'unknown' } : null,
      version: row.version,
    };
  }

  /** Tutors change their application only while it is a draft or ops asked for more. */
  const editCheck = (row: ApplicationRow) => transition(row.status, 'edit');

  async function tell(tx: Tx, row: ApplicationRow, status: ApplicationRow['status'], text: string) {
    return deps.tellUser(tx, row.tutorId, { kind: 'onboarding.status', text, data: { applicationId: row.id, status }, dedupeKey: `onboarding:${row.id}:${row.version + 1}` });
  }

  /** A staff move on the application, in one transaction with its audit row and the notice to the tutor. */
  async function staffMove(
    actor: Actor,
    id: string,
    event: ApplicationEvent,
    apply: (tx: Tx, row: ApplicationRow, now: Date) => Promise<Result<{ patch: Parameters<OnboardingRepo['update']>[3]; audit: { reason: string | null; before: unknown; after: unknown }; notice?: string }, StaffApplicationFailure>>,
    expectedVersion?: number,
  ): Promise<Result<StaffApplication, StaffApplicationFailure>> {
    const now = clock.now();
    let after: (() => void) | undefined;
    const done = await repo.transaction(async (tx): Promise<Result<ApplicationRow, StaffApplicationFailure>> => {
      // The row lock serialises two reviewers: the second reads what the first committed and is refused by the table.
      const row = await repo.lock(tx, id);
      if (!row) return fail('not_found');
      if (isDecided(row.status)) return fail('already_decided', { status: row.status, by: row.reviewerId, at: row.decidedAt?.toISOString() ?? null });
      const next = transition(row.status, event);
      if (!next.ok) return fail('forbidden_transition', { status: row.status, event });
      if (expectedVersion !== undefined && expectedVersion !== row.version) return fail('stale', { version: row.version });
      const step = await apply(tx, row, now);
      if (!step.ok) return step;
      const updated = await repo.update(tx, id, row.version, { ...step.value.patch, status: next.status, updatedAt: now });
      if (!updated) return fail('stale', { version: row.version });
      await recordAudit(tx, now, {
        actor,
        action: `onboarding.${event}`,
        object: { type: 'tutor_application', id },
        reason: step.value.audit.reason,
        before: { status: row.status, ...(step.value.audit.before as object) },
        after: { status: next.status, ...(step.value.audit.after as object) },
      });
      if (step.value.notice) after = await tell(tx, row, next.status, step.value.notice);
      return ok(updated);
    });
    if (!done.ok) {
      logger.info({ event: 'onboarding_staff_refused', applicationId: id, by: actor.id, action: event, reason: done.reason }, 'onboarding: staff action refused');
      return done;
    }
    after?.();
    logger.info({ event: `onboarding_${event}`, audit: true, applicationId: id, tutorId: done.value.tutorId, by: actor.id, status: done.value.status }, `onboarding: ${event}`);
    return ok(await staffView(done.value));
  }

  return {
    async mine(user: { id: string }): Promise<Application | null> {
      const row = await repo.ofTutor(user.id);
      return row ? view(row) : null;
    },

    /** Creates or edits the tutor's application (draft, or needs_info); subjects are checked against the catalogue. */
    async saveDraft(user: { id: string }, raw: ApplicationDraft): Promise<Result<Application, DraftFailure>> {
      const input = applicationDraftSchema.parse(raw);
      const catalogue = new Map((await deps.catalogue()).map((c) => [c.id, new Set(c.levels)]));
      const unknown = input.subjects.find((s) => !catalogue.get(s.subjectId)?.has(s.level));
      if (unknown) return fail('unknown_subject', { subjectId: unknown.subjectId, level: unknown.level });
      const subjects = [...new Map(input.subjects.map((s) => [`${s.subjectId}|${s.level}`, s])).values()];
      const screened = input.bio && deps.bioScreen ? await deps.bioScreen.screenBio(user.id, input.bio) : { ok: true as const };
      if (!screened.ok) return fail('contact_details', { categories: screened.categories, message: screened.message });
      const now = clock.now();
      const done = await repo.transaction(async (tx): Promise<Result<ApplicationRow, DraftFailure>> => {
        const row = await repo.ensureDraft(tx, user.id, now);
        const check = editCheck(row);
        if (!check.ok) return fail('not_editable', { status: row.status, event: 'edit' as const });
        await repo.replaceSubjects(tx, row.id, subjects);
        const updated = await repo.update(tx, row.id, row.version, { bio: input.bio, experience: input.experience, languages: input.languages, updatedAt: now });
        return ok(updated!);
      });
      if (!done.ok) return done;
      logger.info({ event: 'onboarding_draft_saved', applicationId: done.value.id, tutorId: user.id, subjects: subjects.length }, 'onboarding: draft saved');
      return ok(await view(done.value));
    },

    /**
     * An ID document or proof of qualification: a photo goes through media's checks and is re-encoded; a PDF must be a
     * PDF by its bytes with nothing active in it (onboarding.pdf.ts). Anything else is refused and nothing is stored.
     */
    async uploadDocument(user: { id: string }, kind: DocumentKind, data: Buffer, rawName: string | undefined): Promise<Result<OnboardingDocument, DocumentFailure>> {
      if (data.length > deps.maxBytes) return fail('too_big');
      const existing = await repo.ofTutor(user.id);
      if (existing && !editCheck(existing).ok) return fail('not_editable', { status: existing.status, event: 'edit' as const });
      if (existing && (await repo.documentsOf(existing.id)).length >= MAX_DOCUMENTS) return fail('too_many_documents');
      const type = sniffDocument(data);
      if (type === 'unknown') return fail('not_a_document');
      let stored: { key: string; thumbKey?: string; contentType: 'image/jpeg' | 'application/pdf'; bytes: number };
      if (type === 'pdf') {
        // Counted before the check, as photos are: a flood of forged files costs its sender the quota, not us the CPU.
        const taken = await deps.takeUpload(user.id);
        if (!taken.ok) return taken;
        const verdict = checkPdf(data);
        if (!verdict.ok) {
          logger.warn({ event: 'onboarding_document_refused', tutorId: user.id, kind, reason: verdict.reason, found: verdict.found }, 'onboarding: PDF refused');
          return fail('document_rejected', { message: verdict.message });
        }
        const key = `onboarding/${randomUUID()}.pdf`;
        await deps.storage.put(key, data);
        stored = { key, contentType: 'application/pdf', bytes: data.length };
      } else {
        const photo = await deps.storeImage(data, user.id);
        if (!photo.ok) {
          if (photo.reason === 'rate_limited') return photo;
          logger.warn({ event: 'onboarding_document_refused', tutorId: user.id, kind, reason: 'photo_rejected' }, 'onboarding: image refused');
          return fail('document_rejected', { message: photo.detail.message });
        }
        stored = { key: photo.value.key, thumbKey: photo.value.thumbKey, contentType: 'image/jpeg', bytes: photo.value.bytes };
      }
      const now = clock.now();
      const fileName = safeFileName(rawName, kind === 'id_document' ? 'id-document' : 'qualification');
      const done = await repo.transaction(async (tx): Promise<Result<DocumentRow, DocumentFailure>> => {
        const row = await repo.ensureDraft(tx, user.id, now);
        if (!editCheck(row).ok) return fail('not_editable', { status: row.status, event: 'edit' as const });
        if ((await repo.documentsOf(row.id, tx)).length >= MAX_DOCUMENTS) return fail('too_many_documents');
        const doc = await repo.addDocument(tx, { applicationId: row.id, kind, contentType: stored.contentType, storageKey: stored.key, bytes: stored.bytes, fileName, createdAt: now });
        await repo.update(tx, row.id, row.version, { updatedAt: now });
        return ok(doc);
      });
      if (!done.ok) {
        // Lost a race with a submit or another upload: the file goes, nothing else was written.
        await deps.storage.delete(stored.key);
        if (stored.thumbKey) await deps.storage.delete(stored.thumbKey);
        return done;
      }
      if (stored.thumbKey) await deps.storage.delete(stored.thumbKey);
      logger.info({ event: 'onboarding_document_added', tutorId: user.id, documentId: done.value.id, kind, contentType: stored.contentType, bytes: stored.bytes }, 'onboarding: document added');
      return ok(docView(done.value));
    },

    async removeDocument(user: { id: string }, id: string): Promise<Result<Application, TutorApplicationFailure>> {
      const found = await repo.findDocument(id);
      if (!found || found.tutorId !== user.id) return fail('not_found');
      const now = clock.now();
      const done = await repo.transaction(async (tx): Promise<Result<ApplicationRow, TutorApplicationFailure>> => {
        const row = await repo.lockOfTutor(tx, user.id);
        if (!row) return fail('not_found');
        if (!editCheck(row).ok) return fail('not_editable', { status: row.status, event: 'edit' as const });
        await repo.removeDocument(tx, id);
        return ok((await repo.update(tx, row.id, row.version, { updatedAt: now }))!);
      });
      if (!done.ok) return done;
      await deps.storage.delete(found.document.storageKey);
      logger.info({ event: 'onboarding_document_removed', tutorId: user.id, documentId: id }, 'onboarding: document removed');
      return ok(await view(done.value));
    },

    /** A document's bytes: its tutor, or staff (the route declares the role). Anyone else gets the same not-found. */
    async readDocument(viewer: { id: string; staff: boolean }, id: string): Promise<Result<{ data: Buffer; contentType: DocumentRow['contentType']; fileName: string }, Fail<'not_found'>>> {
      const found = await repo.findDocument(id);
      if (!found || (!viewer.staff && found.tutorId !== viewer.id)) return fail('not_found');
      const data = await deps.storage.get(found.document.storageKey);
      if (!data) return fail('not_found');
      return ok({ data, contentType: found.document.contentType, fileName: found.document.fileName });
    },

    /** Sends the application (or, after ops asked for more, sends it back to its reviewer). Refused while anything is missing. */
    async submit(user: { id: string }): Promise<Result<Application, TutorApplicationFailure>> {
      const now = clock.now();
      const done = await repo.transaction(async (tx): Promise<Result<ApplicationRow, TutorApplicationFailure>> => {
        const row = await repo.lockOfTutor(tx, user.id);
        if (!row) return fail('no_application');
        const event: ApplicationEvent = row.status === 'needs_info' ? 'resubmit' : 'submit';
        const next = transition(row.status, event);
        if (!next.ok) return fail('not_editable', { status: row.status, event });
        const [subjects, documents] = await Promise.all([repo.subjectsOf(row.id, tx), repo.documentsOf(row.id, tx)]);
        const missing = missingItems({ bio: row.bio, subjects, documentKinds: documents.map((d) => d.kind) });
        if (missing.length) return fail('incomplete', { missing });
        return ok((await repo.update(tx, row.id, row.version, { status: next.status, submittedAt: now, updatedAt: now, missing: [] }))!);
      });
      if (!done.ok) return done;
      logger.info({ event: 'onboarding_submitted', applicationId: done.value.id, tutorId: user.id, status: done.value.status }, 'onboarding: application submitted');
      return ok(await view(done.value));
    },

    // ---- ops (the routes declare the role) ----
    async queue(query: ApplicationQueueQuery): Promise<ApplicationQueueItem[]> {
      const q = applicationQueueQuerySchema.parse(query);
      const rows = await repo.queue(q);
      const names = await deps.names(rows.map((r) => r.row.tutorId));
      return rows.map(({ row, subjects, documentCount }) => ({
        id: row.id,
        status: row.status,
        tutor: { id: row.tutorId, displayName: names.get(row.tutorId) ?? 'unknown' },
        subjects: subjects.map((s) => ({ subjectId: s.subjectId, level: s.level })),
        documentCount,
        submittedAt: row.submittedAt?.toISOString() ?? null,
        updatedAt: row.updatedAt.toISOString(),
      }));
    },

    async staffApplication(id: string): Promise<Result<StaffApplication, Fail<'not_found'>>> {
      const row = await repo.find(id);
      return row ? ok(await staffView(row)) : fail('not_found');
    },

    startReview(actor: Actor, id: string, reason: string | undefined) {
      return staffMove(actor, id, 'start_review', async (_tx, row) =>
        ok({
          patch: { reviewerId: actor.id },
          audit: { reason: reason ?? null, before: { reviewerId: row.reviewerId }, after: { reviewerId: actor.id } },
          notice: 'Your Tutorline application is being reviewed. We will tell you when there is a decision.',
        }),
      );
    },

    requestInfo(actor: Actor, id: string, raw: z.input<typeof requestInfoSchema>) {
      const input = requestInfoSchema.parse(raw);
      return staffMove(actor, id, 'request_info', async () =>
        ok({
          patch: { reviewerId: actor.id, missing: input.missing, infoRequest: input.message || null },
          audit: { reason: input.reason, before: {}, after: { missing: input.missing } },
          notice: decisionNotice('needs_info', { missing: input.missing, message: input.message }),
        }),
      );
    },

    /**
     * Approve per subject and level (exactly those become what the tutor teaches, through identity, in this
     * transaction) or reject; with a reason, audited with the before and after, and the tutor told.
     */
    decide(actor: Actor, id: string, raw: ApplicationDecision & { version?: number | undefined }) {
      const input = applicationDecisionSchema.parse({ decision: raw.decision, subjects: raw.subjects, reason: raw.reason });
      const event: ApplicationEvent = input.decision === 'approve' ? 'approve' : 'reject';
      return staffMove(
        actor,
        id,
        event,
        async (tx, row, now) => {
          const applied = await repo.subjectsOf(row.id, tx);
          const check = checkDecision(input.decision, applied, input.subjects);
          if (!check.ok) return check.reason === 'not_applied_for' ? fail('not_applied_for', { pairs: check.pairs }) : fail(check.reason);
          for (const s of check.approved) await repo.decideSubject(tx, row.id, s, 'approved', input.reason);
          for (const s of check.notApproved) await repo.decideSubject(tx, row.id, s, 'not_approved', input.reason);
          let teaching: unknown = null;
          if (input.decision === 'approve') {
            teaching = await deps.grantSubjects(tx, { tutorId: row.tutorId, subjects: check.approved, profile: { bio: row.bio, languages: row.languages }, by: actor.id, now });
          }
          const names = new Map((await deps.catalogue()).map((c) => [c.id, c.name]));
          return ok({
            patch: { reviewerId: actor.id, decisionReason: input.reason, decidedAt: now },
            audit: { reason: input.reason, before: { tutor: (teaching as { before?: unknown } | null)?.before ?? null }, after: { approved: check.approved, notApproved: check.notApproved } },
            notice: decisionNotice(input.decision === 'approve' ? 'approved' : 'rejected', {
              approved: check.approved.map((s) => label(names, s)),
              notApproved: check.notApproved.map((s) => label(names, s)),
              reason: input.reason,
            }),
          });
        },
        raw.version,
      );
    },
  };
}
export type OnboardingService = ReturnType<typeof createOnboardingService>;
