import { describe, expect, it } from 'vitest';
import { checkNextPage, MAX_ROSTER_PAGES, membershipsUrlOf, NRPS_CLAIM, nextPageUrl, parseMembershipPage, rosterChanges } from './lti.nrps.rules';

describe('NRPS rules', () => {
  it('reads rel="next" from a Link header among other relations, resolved against the page', () => {
    const page = 'https://lms.example/api/memberships?page=1';
    expect(nextPageUrl('<https://lms.example/api/memberships?page=2>; rel="next"', page)).toBe('https://lms.example/api/memberships?page=2');
    expect(nextPageUrl('<?page=9>; rel="last", <?page=2>; rel=next', page)).toBe('https://lms.example/api/memberships?page=2');
    expect(nextPageUrl('<https://lms.example/d>; rel="differences"', page)).toBeNull();
    expect(nextPageUrl(null, page)).toBeNull();
  });

  it('refuses a page already read (a loop) and a roster past the page cap', () => {
    const seen = new Set(['https://a/1', 'https://a/2']);
    expect(checkNextPage('https://a/1', seen, 2)).toBe('roster_loops');
    expect(checkNextPage('https://a/3', seen, 2)).toBeNull();
    expect(checkNextPage('https://a/x', seen, MAX_ROSTER_PAGES)).toBe('roster_too_long');
  });

  it('keeps members with a user id and a role we map, Inactive as inactive; refuses what is not a container', () => {
    const page = parseMembershipPage({
      context: { id: 'c1' },
      members: [
        { user_id: 'u1', name: 'A', roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'], status: 'Active' },
        { user_id: 'u2', roles: ['Instructor'] },
        { user_id: 'u3', roles: ['Learner'], status: 'Inactive' },
        { user_id: 'u4', roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor'] },
        { name: 'no id', roles: ['Learner'] },
      ],
    });
    expect(page).toEqual({
      ok: true,
      contextId: 'c1',
      members: [
        { sub: 'u1', name: 'A', courseRole: 'learner', status: 'active' },
        { sub: 'u2', name: null, courseRole: 'staff', status: 'active' },
        { sub: 'u3', name: null, courseRole: 'learner', status: 'inactive' },
      ],
    });
    expect(parseMembershipPage({ id: 'x' })).toEqual({ ok: false, reason: 'not_a_membership_container' });
    expect(parseMembershipPage(null)).toEqual({ ok: false, reason: 'not_a_membership_container' });
  });

  it('finds who left (missing or inactive) and who came back', () => {
    const m = (sub: string, status: 'active' | 'inactive' = 'active') => ({ sub, name: null, courseRole: 'learner' as const, status });
    const r = rosterChanges([[m('a'), m('b', 'inactive')], [m('d')]], [
      { sub: 'a', courseRole: 'learner', left: false },
      { sub: 'b', courseRole: 'learner', left: false },
      { sub: 'c', courseRole: 'learner', left: false },
      { sub: 'd', courseRole: 'learner', left: true },
    ]);
    expect(r.left).toEqual(['b', 'c']);
    expect(r.back).toEqual(['d']);
    expect(r.roster.map((x) => x.sub)).toEqual(['a', 'b', 'd']);
  });

  it('takes the memberships URL from the launch only for NRPS 2.0 and http(s)', () => {
    expect(membershipsUrlOf({ [NRPS_CLAIM]: { context_memberships_url: 'https://lms/m', service_versions: ['2.0'] } })).toBe('https://lms/m');
    expect(membershipsUrlOf({ [NRPS_CLAIM]: { context_memberships_url: 'javascript:x', service_versions: ['2.0'] } })).toBeNull();
    expect(membershipsUrlOf({ [NRPS_CLAIM]: { context_memberships_url: 'https://lms/m', service_versions: ['1.0'] } })).toBeNull();
    expect(membershipsUrlOf({})).toBeNull();
  });
});
