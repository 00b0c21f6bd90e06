import type { GuardianSharing, GuardianSharingBody } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { fail, ok, type Fail, type Result } from '../../platform/result';
import { type AuthUser, childrenAmong, type IdentityService } from '../identity';
import type { ChildDataSharing } from '../lti';
import type { GuardianConsent } from './guardians.consent';
import { checkDeclaration, SHARING_VERSION, sharingAllowed, sharingText } from './guardians.rules';
import { insertSharing, sharingFacts } from './guardians.sharing.repo';

export type SharingFailure = Fail<'not_your_child'> | Fail<'consent_first'> | Fail<'declaration_required'> | Fail<'declaration_changed'>;
/**
 * Third-party sharing consent (issue #20, COPPA 2025): a guardian whose main consent stands gives or withdraws it on
 * the exact versioned text, with the same evidence as consent; the LTI module asks, through its port, whose data to hold back.
 */
export function createGuardianSharing(deps: { db: Db; clock: Clock; logger: Logger; identity: IdentityService; consent: GuardianConsent }) {
  const { db, clock, logger, identity } = deps;

  const port: ChildDataSharing = {
    /** Children (under the consent age by their known birth date, or with a guardian) without sharing consent. */
    async withheld(q, userIds, now) {
      const ids = [...new Set(userIds)];
      if (!ids.length) return new Set();
      const known = await childrenAmong(q, ids, now);
      const facts = await sharingFacts(q, ids);
      const children = ids.filter((id) => known.has(id) || facts.linked.has(id));
      return new Set(children.filter((id) => !sharingAllowed({ consented: facts.consented.has(id), latest: facts.latest.get(id) ?? null })));
    },
  };

  return {
    port,

    /** What the guardian page shows: the state and both texts. */
    async view(studentId: string, childName: string): Promise<GuardianSharing> {
      const facts = await sharingFacts(db, [studentId]);
      const latest = facts.latest.get(studentId) ?? null;
      return {
        given: sharingAllowed({ consented: facts.consented.has(studentId), latest }),
        at: latest?.at.toISOString() ?? null,
        textVersion: SHARING_VERSION,
        giveText: sharingText(childName, true)!,
        withdrawText: sharingText(childName, false)!,
      };
    },

    /** Gives or withdraws sharing consent; the evidence row is the decision (the newest one counts). */
    async decide(guardian: AuthUser, studentId: string, body: GuardianSharingBody, ip: string): Promise<Result<GuardianSharing, SharingFailure>> {
      const link = await deps.consent.childOf(guardian, studentId);
      if (!link) return fail('not_your_child');
      // Sharing builds on the main consent: without it the child's data goes nowhere anyway.
      if (body.given && link.status !== 'consented') return fail('consent_first');
      const child = await identity.studentFacts(studentId);
      const declared = checkDeclaration({ fullName: body.fullName, agreed: body.agreed, text: body.text }, sharingText(child.displayName, body.given, body.textVersion));
      if (!declared.ok) return fail(declared.reason);
      const now = clock.now();
      const row = await insertSharing(db, { guardianId: guardian.id, studentId, given: body.given, method: 'signed_declaration', at: now, ip, textVersion: body.textVersion, textAgreed: body.text, signedName: body.fullName.trim() });
      logger.info(
        { event: body.given ? 'guardian_sharing_given' : 'guardian_sharing_withdrawn', audit: true, guardianId: guardian.id, studentId, sharingId: row.id, method: 'signed_declaration', textVersion: body.textVersion, at: now.toISOString() },
        body.given ? 'guardian agreed to third-party sharing' : 'guardian withdrew third-party sharing',
      );
      return ok(await this.view(studentId, child.displayName));
    },
  };
}
export type GuardianSharingService = ReturnType<typeof createGuardianSharing>;
