/**
 * Names and Role Provisioning Services 2.0 (issue #16), the pure part: the claim that names a course's roster URL,
 * a membership container page, its `Link: rel="next"`, the loop guard, and who left. No I/O, time passed in.
 */
import { courseRoleOf } from './lti.rules';

export const NRPS_CLAIM = 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice';
export const NRPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';
export const NRPS_MEDIA_TYPE = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';
/** A roster of more pages than this is refused as a loop (100 pages of the platform's page size is any school's course). */
export const MAX_ROSTER_PAGES = 100;
/** Opening the course view refetches a roster older than this; the daily job refreshes the rest. */
export const ROSTER_FRESH_MS = 10 * 60_000;

/** The context memberships URL a launch carries, when the platform offers NRPS (v2.0) for this course. */
export function membershipsUrlOf(payload: Record<string, unknown>): string | null {
  const claim = payload[NRPS_CLAIM] as { context_memberships_url?: unknown; service_versions?: unknown } | undefined;
  if (!claim || typeof claim !== 'object' || typeof claim.context_memberships_url !== 'string') return null;
  const versions = Array.isArray(claim.service_versions) ? claim.service_versions : ['2.0'];
  if (!versions.includes('2.0')) return null;
  try {
    const u = new URL(claim.context_memberships_url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** The URL of `rel="next"` in a Link header (RFC 8288), resolved against the page's own URL. */
export function nextPageUrl(link: string | null, pageUrl: string): string | null {
  if (!link) return null;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!m) continue;
    const rels = /(?:^|;)\s*rel\s*=\s*"?([^";]+)"?/i.exec(m[2]!)?.[1]?.toLowerCase().split(/\s+/) ?? [];
    if (rels.includes('next')) {
      try {
        return new URL(m[1]!, pageUrl).toString();
      } catch {
        return null;
      }
    }
  }
  return null;
}

export interface RosterMember {
  sub: string;
  name: string | null;
  courseRole: 'learner' | 'staff';
  status: 'active' | 'inactive';
}

export type PageRefusal = 'not_a_membership_container' | 'roster_loops' | 'roster_too_long';

/** One page's members: those with a user id and a role we map; anyone else (a mentor, a guest) is not in our roster. */
export function parseMembershipPage(body: unknown): { ok: true; members: RosterMember[]; contextId: string | null } | { ok: false; reason: 'not_a_membership_container' } {
  if (!body || typeof body !== 'object' || !Array.isArray((body as { members?: unknown }).members)) return { ok: false, reason: 'not_a_membership_container' };
  const b = body as { members: unknown[]; context?: { id?: unknown } };
  const members: RosterMember[] = [];
  for (const m of b.members) {
    if (!m || typeof m !== 'object') continue;
    const r = m as { user_id?: unknown; name?: unknown; roles?: unknown; status?: unknown };
    if (typeof r.user_id !== 'string' || !r.user_id || r.user_id.length > 255) continue;
    const roles = Array.isArray(r.roles) ? r.roles.filter((x): x is string => typeof x === 'string') : [];
    const courseRole = courseRoleOf(roles);
    if (!courseRole) continue;
    members.push({ sub: r.user_id, name: typeof r.name === 'string' ? r.name.slice(0, 200) : null, courseRole, status: r.status === 'Inactive' || r.status === 'Deleted' ? 'inactive' : 'active' });
  }
  return { ok: true, members, contextId: typeof b.context?.id === 'string' ? b.context.id : null };
}

/** Whether the next page may be fetched: never a URL already read (a loop), never past the page cap. */
export function checkNextPage(next: string, seen: ReadonlySet<string>, pagesRead: number): PageRefusal | null {
  if (seen.has(next)) return 'roster_loops';
  if (pagesRead >= MAX_ROSTER_PAGES) return 'roster_too_long';
  return null;
}

/**
 * The whole roster, last entry of a sub winning, and the learners who left: members of ours (by LTI sub) whom the
 * full roster lists as inactive or no longer lists at all.
 */
export function rosterChanges(pages: RosterMember[][], current: { sub: string; courseRole: 'learner' | 'staff'; left: boolean }[]) {
  const bySub = new Map<string, RosterMember>();
  for (const page of pages) for (const m of page) bySub.set(m.sub, m);
  const left = current.filter((c) => !c.left && bySub.get(c.sub)?.status !== 'active').map((c) => c.sub);
  const back = current.filter((c) => c.left && bySub.get(c.sub)?.status === 'active').map((c) => c.sub);
  return { roster: [...bySub.values()], left, back };
}

export function isRosterFresh(syncedAt: Date | null, now: Date): boolean {
  return syncedAt !== null && now.getTime() - syncedAt.getTime() < ROSTER_FRESH_MS;
}
