import { eq, or } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, type ErasureCounts, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import { guardianCardChecks, guardianConsentEvidence, guardianControls, guardianInvites, guardianLinks, guardianOtps, guardianSharingConsents } from './guardians.schema';

/** guardians' erasure rules (#20, decision 077): erasing a child or a guardian removes the link between them. */
export const GUARDIANS_ERASURE_RULES: ErasureRules = {
  guardian_invites: { rule: 'erase', what: "invitations for the student (they hold the guardian's contact)" },
  guardian_links: { rule: 'erase', what: 'links between the user and their guardians or children' },
  guardian_consent_evidence: { rule: 'erase', what: 'consent evidence for the student or given by the guardian (name, IP, phone)' },
  guardian_sharing_consents: { rule: 'erase', what: 'third-party sharing decisions for the student or by the guardian (name, IP)' },
  guardian_otps: { rule: 'erase', what: 'one-time codes for the pair' },
  guardian_card_checks: { rule: 'erase', what: 'card checks for the pair (name, IP; the payment itself is billing\'s tax record)' },
  guardian_controls: { rule: 'erase', what: "the student's limits and allowed hours" },
};

export function createGuardiansErasure(deps: { db: Db }): UserEraser {
  const { db } = deps;
  return {
    module: 'guardians',
    async eraseFor(userId) {
      const counts: ErasureCounts = {};
      countInto(counts, 'guardian_invites', (await db.delete(guardianInvites).where(eq(guardianInvites.studentId, userId)).returning({ id: guardianInvites.id })).length);
      countInto(counts, 'guardian_otps', (await db.delete(guardianOtps).where(or(eq(guardianOtps.studentId, userId), eq(guardianOtps.guardianId, userId))).returning({ id: guardianOtps.id })).length);
      countInto(counts, 'guardian_card_checks', (await db.delete(guardianCardChecks).where(or(eq(guardianCardChecks.studentId, userId), eq(guardianCardChecks.guardianId, userId))).returning({ id: guardianCardChecks.id })).length);
      countInto(counts, 'guardian_sharing_consents', (await db.delete(guardianSharingConsents).where(or(eq(guardianSharingConsents.studentId, userId), eq(guardianSharingConsents.guardianId, userId))).returning({ id: guardianSharingConsents.id })).length);
      const evidence = await db.delete(guardianConsentEvidence).where(or(eq(guardianConsentEvidence.studentId, userId), eq(guardianConsentEvidence.guardianId, userId))).returning({ id: guardianConsentEvidence.id });
      countInto(counts, 'guardian_consent_evidence', evidence.length);
      countInto(counts, 'guardian_controls', (await db.delete(guardianControls).where(eq(guardianControls.studentId, userId)).returning({ id: guardianControls.studentId })).length);
      countInto(counts, 'guardian_links', (await db.delete(guardianLinks).where(or(eq(guardianLinks.studentId, userId), eq(guardianLinks.guardianId, userId))).returning({ id: guardianLinks.studentId })).length);
      return counts;
    },
  };
}
