import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, type ErasureCounts, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import { ltiAgsOutcomes, ltiAgsScores } from './lti.ags.schema';
import { ltiCourseMembers, ltiDeepLinks, ltiPendingLinks, ltiRosterEntries, ltiUsers, ltiXapiStatements } from './lti.schema';

const none = (why: string) => ({ rule: 'no_personal_data', why }) as const;

/** lti's erasure rules (#20, decision 077). */
export const LTI_ERASURE_RULES: ErasureRules = {
  lti_users: { rule: 'erase', what: "the link between the user and their LMS identity (issuer, sub)" },
  lti_course_members: { rule: 'erase', what: "the user's course memberships" },
  lti_roster_entries: { rule: 'erase', what: "the course rosters' entries for the user's LMS identities (names)" },
  lti_pending_links: { rule: 'erase', what: "pending account links for the user's LMS identities (name, email)" },
  lti_deep_links: { rule: 'erase', what: "the user's deep-linking sessions" },
  lti_ags_outcomes: { rule: 'erase', what: "the user's outcomes waiting to be sent to the gradebook" },
  lti_ags_scores: { rule: 'erase', what: "the user's gradebook scores" },
  lti_xapi_statements: { rule: 'erase', what: "the user's learning-record statements" },
  lti_course_bookings: { rule: 'keep_pseudonymised', why: "the school paid for the lesson: the course's allowance and statement count it (ids only)" },
  lti_course_allowances: { rule: 'keep_pseudonymised', why: 'course settings; set_by names a staff member by id' },
  lti_placed_items: { rule: 'keep_pseudonymised', why: "links placed in a course; created_by names course staff by id" },
  lti_registrations: none('platform registrations (a school, its URLs and keys)'),
  lti_deployments: none('deployment ids of a registration'),
  lti_tool_keys: none("the tool's signing keys"),
  lti_logins: none('OIDC state and nonce of a launch in progress, swept within minutes'),
  lti_courses: none('course titles and URLs'),
  lti_ags_endpoints: none("a course's gradebook URLs"),
  lti_ags_line_items: none("a course's gradebook columns"),
};

export function createLtiErasure(deps: { db: Db }): UserEraser {
  const { db } = deps;
  return {
    module: 'lti',
    async eraseFor(userId) {
      const counts: ErasureCounts = {};
      const ids = await db.select({ issuer: ltiUsers.issuer, sub: ltiUsers.sub }).from(ltiUsers).where(eq(ltiUsers.userId, userId));
      const subs = [...new Set(ids.map((i) => i.sub))];
      if (subs.length) {
        countInto(counts, 'lti_roster_entries', (await db.delete(ltiRosterEntries).where(inArray(ltiRosterEntries.sub, subs)).returning({ s: ltiRosterEntries.sub })).length);
        for (const i of ids) countInto(counts, 'lti_pending_links', (await db.delete(ltiPendingLinks).where(and(eq(ltiPendingLinks.issuer, i.issuer), eq(ltiPendingLinks.sub, i.sub))).returning({ t: ltiPendingLinks.tokenHash })).length);
      }
      countInto(counts, 'lti_deep_links', (await db.delete(ltiDeepLinks).where(eq(ltiDeepLinks.userId, userId)).returning({ t: ltiDeepLinks.tokenHash })).length);
      countInto(counts, 'lti_ags_outcomes', (await db.delete(ltiAgsOutcomes).where(eq(ltiAgsOutcomes.userId, userId)).returning({ id: ltiAgsOutcomes.id })).length);
      countInto(counts, 'lti_ags_scores', (await db.delete(ltiAgsScores).where(eq(ltiAgsScores.userId, userId)).returning({ id: ltiAgsScores.userId })).length);
      countInto(counts, 'lti_xapi_statements', (await db.delete(ltiXapiStatements).where(eq(ltiXapiStatements.userId, userId)).returning({ id: ltiXapiStatements.id })).length);
      countInto(counts, 'lti_course_members', (await db.delete(ltiCourseMembers).where(eq(ltiCourseMembers.userId, userId)).returning({ id: ltiCourseMembers.userId })).length);
      countInto(counts, 'lti_users', (await db.delete(ltiUsers).where(eq(ltiUsers.userId, userId)).returning({ s: ltiUsers.sub })).length);
      return counts;
    },
  };
}
