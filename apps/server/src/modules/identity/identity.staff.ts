import type { AdminUser, ApprovalStatus, Role, StaffMember, StaffRole } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import { conflict, notFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import type { IdentityRepo } from './identity.repo';
import { consentCutoffs, minorStatus } from './identity.rules';

/** The admin's view of accounts: staff roles granted and revoked with a reason (#18), and the users list. */
export function createStaffAdmin(deps: { repo: IdentityRepo; clock: Clock; logger: Logger; userChanged: (userId: string) => void }) {
  const { repo, clock, logger, userChanged } = deps;
  return {
    /** Staff accounts and their staff roles (admins grant and revoke from this list). */
    async listStaff(): Promise<StaffMember[]> {
      return repo.listStaff();
    },

    /**
     * Grants or revokes a staff role (admins only, by the route's declaration), with a reason, audited in the same
     * transaction. An admin cannot drop their own admin role, so the last admin cannot lock everyone out by mistake.
     */
    async changeStaffRole(actor: { id: string; role: StaffRole }, userId: string, role: StaffRole, grant: boolean, reason: string): Promise<StaffMember> {
      if (!grant && role === 'admin' && userId === actor.id) throw conflict('You cannot remove your own admin role; ask another admin. Nothing was changed.', 'conflict');
      const result = await repo.changeStaffRole({ userId, role, grant, actor, reason, now: clock.now() });
      if (!result.ok) {
        switch (result.reason) {
          case 'not_found':
            throw notFound('That user');
          case 'not_staff':
            throw conflict('Staff roles go to staff accounts only, not to students or tutors. Nothing was changed.', 'conflict');
          case 'already_held':
            throw conflict(`This account already has the ${role} role. Nothing was changed.`, 'conflict');
          case 'not_held':
            throw conflict(`This account does not have the ${role} role. Nothing was changed.`, 'conflict');
        }
      }
      userChanged(userId);
      logger.info({ event: grant ? 'staff_role_granted' : 'staff_role_revoked', audit: true, userId, role, by: actor.id, staffRoles: result.staffRoles }, grant ? 'staff role granted' : 'staff role revoked');
      const member = (await repo.listStaff()).find((m) => m.id === userId);
      return member!;
    },

    async listUsers(filter: { role?: Role | undefined; approvalStatus?: ApprovalStatus | undefined; consent?: 'needed' | 'recorded' | undefined; limit: number; offset: number }) {
      const now = clock.now();
      const { rows, total } = await repo.listUsers({ ...filter, consentCutoffs: consentCutoffs(now) });
      const consents = await repo.latestGuardianConsents(rows.filter((r) => r.user.role === 'student').map((r) => r.user.id));
      const list: AdminUser[] = rows.map((r) => {
        const c = consents.get(r.user.id);
        return {
          id: r.user.id,
          role: r.user.role,
          email: r.user.email,
          displayName: r.user.displayName,
          createdAt: r.user.createdAt.toISOString(),
          approvalStatus: r.approvalStatus,
          minor: minorStatus(r.user, now),
          consentBasis: r.user.consentBasis,
          guardianConsent: c
            ? {
                id: c.id,
                guardianName: c.guardianName,
                relationship: c.relationship,
                contact: c.contact,
                method: c.method,
                methodOther: c.methodOther,
                evidence: c.evidence,
                recordedBy: { id: c.recordedBy, displayName: c.recordedByName },
                recordedAt: c.recordedAt.toISOString(),
              }
            : null,
        };
      });
      return { users: list, total };
    },
  };
}
