import { type CheckSetup, connectivityVerdict, FULL_CHECK_SETUP } from '@tutorline/contracts/plain';
import { type ProblemKind, problem } from './check-problems';
import { type RowState, type StepId, stepIds, type Verdict } from './check-steps';

export interface Tip {
  kind: ProblemKind;
  tip: string;
  /** The rows that share this tip (both relay transports blocked get one). */
  steps: StepId[];
}

/** What the summary shows: the user's verdict with a tip for each problem, apart from notes about the site itself. */
export interface CheckFindings {
  verdict: Exclude<Verdict, 'skipped'>;
  /** The user's own device and network. Empty exactly when the verdict is 'pass'. */
  tips: Tip[];
  /** What this site has not set up (no STUN, no relay): its operators' business, never counted in the verdict. */
  siteNotes: string[];
  /** Steps this browser could not run, with why. */
  notTested: { step: StepId; detail: string }[];
}

const rank = { pass: 0, skipped: 1, warn: 1, fail: 2 } as const;
const worst = (...verdicts: Verdict[]): Exclude<Verdict, 'skipped'> => {
  const w = verdicts.reduce((a, b) => (rank[b] > rank[a] ? b : a), 'pass' as Verdict);
  return w === 'skipped' ? 'warn' : w;
};

/** Notes about a site that does not offer every way a call can travel. */
export function siteNotes(setup: CheckSetup | null): string[] {
  if (!setup) return [];
  const relay = setup.turnUdp || setup.turnTcp;
  if (!setup.stun && !relay) {
    return ['This site has no STUN or relay (TURN) server set up, so we could not test how calls reach you. Calls between some networks (many schools and mobile networks) may not connect until it does.'];
  }
  if (!relay) return ['This site has no relay (TURN) server set up. Calls from strict networks (many schools and mobile networks) may not connect until it does.'];
  if (!setup.turnUdp) return ["This site's relay works only over TCP, so calls through it may lag."];
  if (!setup.turnTcp) return ["This site's relay works only over UDP, so networks that block UDP cannot use it."];
  return [];
}

/**
 * The summary of a finished check. The verdict is connectivityVerdict (the rule the server stores) over what the site
 * offers, raised to at least 'warn' by any problem; every problem brings its tip, and should the verdict find fault
 * where no step named one, a tip is still given (`callsUnproven`), so "look at the tips below" always has tips.
 */
export function summariseCheck(rows: Record<StepId, RowState>, setup: CheckSetup | null, serverVerdict: Verdict | null = null): CheckFindings {
  const status = (id: StepId): Verdict => {
    const s = rows[id].status;
    return s === 'waiting' || s === 'running' ? 'skipped' : s;
  };
  const shared = connectivityVerdict(
    { camera: status('camera'), microphone: status('microphone'), speaker: status('speaker'), stun: status('stun'), turnUdp: status('turnUdp'), turnTcp: status('turnTcp'), uploadKbps: null, downloadKbps: null },
    setup ?? FULL_CHECK_SETUP,
  );
  const byTip = new Map<string, Tip>();
  for (const id of stepIds) {
    const row = rows[id];
    if (row.status !== 'warn' && row.status !== 'fail') continue;
    const seen = byTip.get(row.tip);
    if (seen) seen.steps.push(id);
    else byTip.set(row.tip, { kind: row.kind, tip: row.tip, steps: [id] });
  }
  const tips = [...byTip.values()];
  const verdict = worst(shared, serverVerdict ?? 'pass', tips.length ? 'warn' : 'pass');
  if (verdict !== 'pass' && !tips.length) {
    const backstop = problem('callsUnproven');
    tips.push({ kind: backstop.kind, tip: backstop.tip, steps: ['stun'] });
  }
  const notTested = stepIds.flatMap((id) => {
    const row = rows[id];
    return row.status === 'skipped' && !row.bySite ? [{ step: id, detail: row.detail }] : [];
  });
  return { verdict, tips, siteNotes: siteNotes(setup), notTested };
}
