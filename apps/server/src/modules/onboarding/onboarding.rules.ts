import type { ApplicationStatus, DocumentKind } from '@tutorline/contracts';

/**
 * A tutor application's review pipeline (#18). The table says what each happening does in each status; a happening
 * missing from a row is refused (a decision on a decided application, the tutor editing one under review, ...).
 *
 *   draft ──submit──► applied ──start_review──► under_review ──approve──► approved
 *                                                  │   ▲       └─reject───► rejected
 *                                      request_info▼   │resubmit
 *                                               needs_info (tutor edits, then resubmits)
 */
export type ApplicationEvent = 'edit' | 'submit' | 'start_review' | 'request_info' | 'resubmit' | 'approve' | 'reject';
export const applicationEvents: readonly ApplicationEvent[] = ['edit', 'submit', 'start_review', 'request_info', 'resubmit', 'approve', 'reject'];

/** Who may cause each happening: the tutor on their own application, or ops. */
export const eventActor: Record<ApplicationEvent, 'tutor' | 'staff'> = {
  edit: 'tutor',
  submit: 'tutor',
  resubmit: 'tutor',
  start_review: 'staff',
  request_info: 'staff',
  approve: 'staff',
  reject: 'staff',
};

export const applicationTransitions: Record<ApplicationStatus, Partial<Record<ApplicationEvent, ApplicationStatus>>> = {
  draft: { edit: 'draft', submit: 'applied' },
  applied: { start_review: 'under_review' },
  under_review: { request_info: 'needs_info', approve: 'approved', reject: 'rejected' },
  // The tutor fixes what was asked for; the resubmission goes back to the reviewer who asked, not to the end of the queue.
  needs_info: { edit: 'needs_info', resubmit: 'under_review' },
  approved: {},
  rejected: {},
};

export type TransitionResult = { ok: true; status: ApplicationStatus } | { ok: false; reason: 'forbidden_transition'; from: ApplicationStatus; event: ApplicationEvent };

export function transition(from: ApplicationStatus, event: ApplicationEvent): TransitionResult {
  const to = applicationTransitions[from][event];
  return to ? { ok: true, status: to } : { ok: false, reason: 'forbidden_transition', from, event };
}

/** A decided application: nothing more happens to it. */
export const isDecided = (status: ApplicationStatus) => status === 'approved' || status === 'rejected';

/** The shortest sample answer worth reading: a sentence or two. */
export const MIN_SAMPLE_ANSWER = 40;
export const MIN_BIO = 20;
/** Documents per application: enough for front and back of an ID and a few certificates. */
export const MAX_DOCUMENTS = 8;

export interface ApplicationFacts {
  bio: string;
  subjects: { subjectId: string; level: string; sampleAnswer: string; subjectName?: string }[];
  documentKinds: DocumentKind[];
}

/** What the application still lacks before it can be submitted, in words the tutor reads on their page. */
export function missingItems(a: ApplicationFacts): string[] {
  const out: string[] = [];
  if (a.bio.trim().length < MIN_BIO) out.push(`A short profile about you (at least ${MIN_BIO} characters)`);
  if (!a.subjects.length) out.push('At least one subject and level you want to teach');
  for (const s of a.subjects) {
    if (s.sampleAnswer.trim().length < MIN_SAMPLE_ANSWER) out.push(`A sample answer for ${s.subjectName ?? s.subjectId} (${s.level}), at least ${MIN_SAMPLE_ANSWER} characters`);
  }
  if (!a.documentKinds.includes('id_document')) out.push('An ID document (photo or PDF)');
  if (!a.documentKinds.includes('qualification')) out.push('Proof of qualification (photo or PDF)');
  return out;
}

const key = (s: { subjectId: string; level: string }) => `${s.subjectId}|${s.level}`;

export type DecisionCheck =
  | { ok: true; approved: { subjectId: string; level: string }[]; notApproved: { subjectId: string; level: string }[] }
  | { ok: false; reason: 'not_applied_for'; pairs: { subjectId: string; level: string }[] }
  | { ok: false; reason: 'nothing_approved' }
  | { ok: false; reason: 'subjects_on_reject' };

/**
 * Ops approve per subject and level: every approved pair must be one the tutor applied for (anything else is refused
 * as a whole, nothing changed), and an approval approves at least one. A rejection names no subjects.
 */
export function checkDecision(decision: 'approve' | 'reject', applied: { subjectId: string; level: string }[], chosen: { subjectId: string; level: string }[]): DecisionCheck {
  const pairs = applied.map((s) => ({ subjectId: s.subjectId, level: s.level }));
  const appliedKeys = new Set(pairs.map(key));
  const chosenUnique = [...new Map(chosen.map((s) => [key(s), { subjectId: s.subjectId, level: s.level }])).values()];
  if (decision === 'reject') return chosenUnique.length ? { ok: false, reason: 'subjects_on_reject' } : { ok: true, approved: [], notApproved: pairs };
  const stray = chosenUnique.filter((s) => !appliedKeys.has(key(s)));
  if (stray.length) return { ok: false, reason: 'not_applied_for', pairs: stray };
  if (!chosenUnique.length) return { ok: false, reason: 'nothing_approved' };
  const chosenKeys = new Set(chosenUnique.map(key));
  return { ok: true, approved: chosenUnique, notApproved: pairs.filter((s) => !chosenKeys.has(key(s))) };
}

/** What the tutor is told at each decision (in-app and on WhatsApp when linked). */
export function decisionNotice(
  status: 'needs_info' | 'approved' | 'rejected',
  facts: { approved?: string[]; notApproved?: string[]; missing?: string[]; message?: string | null; reason?: string | null },
): string {
  if (status === 'needs_info') {
    const what = facts.missing?.length ? ` We need: ${facts.missing.join('; ')}.` : '';
    return `Your Tutorline application needs more information.${what}${facts.message ? ` ${facts.message}` : ''} Update it and send it again from your application page.`;
  }
  if (status === 'approved') {
    const not = facts.notApproved?.length ? ` Not approved for now: ${facts.notApproved.join(', ')}.` : '';
    return `Your Tutorline application is approved for ${facts.approved?.join(', ') ?? 'your subjects'}.${not} You can now receive questions and bookings in those.`;
  }
  return `Your Tutorline application was not approved.${facts.reason ? ` Reason: ${facts.reason}` : ''}`;
}
