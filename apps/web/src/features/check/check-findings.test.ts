import type { CheckSetup } from '@tutorline/contracts/plain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summariseCheck } from './check-findings';
import { type CheckOutcome, directOutcome, passed, problem, problemCatalogue, problemKinds, relayOutcomes, skipped, stepOfProblem } from './check-problems';
import { type RowState, type StepId, stepIds } from './check-steps';

const row = (o: CheckOutcome): RowState => ({ ...o, progress: null });
const allPass = (): Record<StepId, RowState> => Object.fromEntries(stepIds.map((id) => [id, row(passed('Works.'))])) as Record<StepId, RowState>;
const full: CheckSetup = { stun: true, turnUdp: true, turnTcp: true };
const nothing: CheckSetup = { stun: false, turnUdp: false, turnTcp: false };

describe('every problem /check can report comes with its tip', () => {
  it.each(problemKinds)('%s: a tip, on its own row, and a verdict that is not "ready"', (kind) => {
    const p = problem(kind);
    expect(p.tip.length).toBeGreaterThan(20);
    expect(p.detail.length).toBeGreaterThan(5);
    expect(['warn', 'fail']).toContain(p.status);
    const rows = { ...allPass(), [stepOfProblem(kind)]: row(p) };
    const findings = summariseCheck(rows, full, null);
    expect(findings.verdict).not.toBe('pass');
    expect(findings.tips).toContainEqual({ kind, tip: problemCatalogue[kind].tip, steps: [stepOfProblem(kind)] });
  });

  it('never reports a problem without a tip, nor tips without a problem, whatever the rows, the site and the server say', () => {
    const outcome = (id: StepId) =>
      fc.oneof(
        fc.constant(passed('Works.')),
        fc.boolean().map((bySite) => skipped('Not tested.', bySite)),
        fc.constantFrom(...problemKinds.filter((k) => stepOfProblem(k) === id)).map((k) => problem(k)),
      );
    const rows = fc.record(Object.fromEntries(stepIds.map((id) => [id, outcome(id).map(row)])) as Record<StepId, fc.Arbitrary<RowState>>);
    const setup = fc.option(fc.record({ stun: fc.boolean(), turnUdp: fc.boolean(), turnTcp: fc.boolean() }), { nil: null });
    const server = fc.constantFrom('pass', 'warn', 'fail', 'skipped', null);
    fc.assert(
      fc.property(rows, setup, server, (r, s, v) => {
        const f = summariseCheck(r, s, v);
        expect(f.verdict === 'pass').toBe(f.tips.length === 0);
        for (const id of stepIds) {
          const x = r[id];
          if (x.status === 'warn' || x.status === 'fail') expect(f.tips.find((t) => t.tip === x.tip)?.steps).toContain(id);
        }
        // The site's setup is never among the user's tips.
        for (const note of f.siteNotes) expect(f.tips.some((t) => t.tip === note)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe("the site's own setup is kept apart from the user's network", () => {
  const siteSkips = () => ({
    ...allPass(),
    stun: row(skipped('This site has no STUN server set up.', true)),
    turnUdp: row(skipped('This site has no relay over UDP.', true)),
    turnTcp: row(skipped('This site has no relay over TCP.', true)),
  });

  it('a site with no STUN or TURN: the user is ready, with no tips, and a separate note about the site', () => {
    const f = summariseCheck(siteSkips(), nothing, 'pass');
    expect(f).toMatchObject({ verdict: 'pass', tips: [], notTested: [] });
    expect(f.siteNotes).toEqual([expect.stringMatching(/^This site has no STUN or relay \(TURN\) server set up/)]);
  });
  it('a site with STUN but no relay: a note about the relay; the direct test still counts', () => {
    const rows = { ...siteSkips(), stun: row(passed('Your public address was found.')) };
    expect(summariseCheck(rows, { ...nothing, stun: true })).toMatchObject({ verdict: 'pass', tips: [], siteNotes: [expect.stringMatching(/no relay \(TURN\)/)] });
    const blocked = { ...rows, stun: row(directOutcome(problem('directBlocked'), false)) };
    const f = summariseCheck(blocked, { ...nothing, stun: true });
    expect(f.verdict).toBe('warn');
    expect(f.tips.map((t) => t.kind)).toEqual(['directBlocked']);
  });
  it('the user\'s own problems are still reported on such a site, each with its tip', () => {
    const rows = { ...siteSkips(), speaker: row(problem('speakerNotHeard')) };
    const f = summariseCheck(rows, nothing, 'warn');
    expect(f.verdict).toBe('warn');
    expect(f.tips).toEqual([{ kind: 'speakerNotHeard', tip: expect.stringMatching(/volume/), steps: ['speaker'] }]);
  });
  it('an older server that still counts the missing relay: the verdict stands, and a tip comes with it', () => {
    const f = summariseCheck(siteSkips(), nothing, 'warn');
    expect(f.verdict).toBe('warn');
    expect(f.tips.map((t) => t.kind)).toEqual(['callsUnproven']);
  });
  it('lists what this browser could not test apart from what the site does not offer', () => {
    const rows = { ...siteSkips(), speaker: row(skipped('This browser cannot play the test sound.')) };
    expect(summariseCheck(rows, nothing).notTested).toEqual([{ step: 'speaker', detail: 'This browser cannot play the test sound.' }]);
  });
});

describe('relay rows, decided together', () => {
  const ok = { ok: true, ms: 90, reason: null };
  const bad = { ok: false, ms: null, reason: 'a relay address was given, but no data got through' };

  it('both blocked: one tip on both rows', () => {
    const r = relayOutcomes(bad, bad);
    expect([r.turnUdp, r.turnTcp].map((o) => o.status === 'fail' && o.kind)).toEqual(['relayBlocked', 'relayBlocked']);
    const f = summariseCheck({ ...allPass(), turnUdp: row(r.turnUdp), turnTcp: row(r.turnTcp) }, full);
    expect(f.tips).toEqual([{ kind: 'relayBlocked', tip: expect.stringMatching(/blocks our video relay/), steps: ['turnUdp', 'turnTcp'] }]);
  });
  it('one way blocked: the tip says the other way carries calls', () => {
    expect(relayOutcomes(bad, ok).turnUdp).toMatchObject({ kind: 'relayUdpBlocked', detail: expect.stringContaining('no data got through') });
    expect(relayOutcomes(ok, bad).turnTcp).toMatchObject({ kind: 'relayTcpBlocked' });
    expect(relayOutcomes(ok, ok)).toEqual({ turnUdp: passed('Works: connected in 90 ms.'), turnTcp: passed('Works: connected in 90 ms.') });
  });
  it('a site with a relay over one transport only: a failure there still gets a tip; the other row is the site\'s', () => {
    const r = relayOutcomes(bad, null);
    expect(r.turnUdp).toMatchObject({ status: 'fail', kind: 'relayBlocked' });
    expect(r.turnTcp).toEqual(skipped('This site has no relay over TCP.', true));
  });
  it('only a local address: the tip depends on whether the relay got through', () => {
    expect(directOutcome(problem('directBlocked'), true)).toMatchObject({ kind: 'directBlockedRelayOk' });
    expect(directOutcome(problem('directBlocked'), false)).toMatchObject({ kind: 'directBlocked' });
    expect(directOutcome(passed('ok'), false)).toEqual(passed('ok'));
  });
});
