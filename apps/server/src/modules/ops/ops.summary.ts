import type { OpsSummary } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { OpsRepo } from './ops.repo';
import { checksBySplit, DAY_MS, floorTo, funnelByDay, HOUR_MS, lastDays, MINUTE_MS, openBySubject, percentilesOf } from './ops.rules';
import { SCHEDULE_METRICS, scheduleFigures } from './ops.schedule';

/** The small live state the summary reads beside the rollups, each bounded by what is happening now (not history). */
export interface LiveState {
  openQuestions(): Promise<{ id: string; subjectId: string; askedAt: Date; wave: number }[]>;
  tutorsOnline(): Promise<number>;
  /** Per subject, approved tutors online now and those of them free (bounded by who is online). */
  tutorsPerSubject(): Promise<{ subjectId: string; online: number; free: number }[]>;
  sessionsInProgress(): Promise<{ kind: string; count: number }[]>;
  jobCounts(): Promise<{ backlog: number; failed: number }>;
  /** Lessons and classes starting in [from, to), and how many start after now (one index range each). */
  /** Today's sessions with the most call trouble, worst first. */
  worstSessions(range: { from: Date; to: Date }): Promise<{ sessionId: string; kind: string; startedAt: Date; failed: number; reconnects: number }[]>;
  lessonsStarting(range: { from: Date; to: Date; now: Date }): Promise<{ total: number; upcoming: number }>;
  classesStarting(range: { from: Date; to: Date; now: Date }): Promise<{ total: number; upcoming: number }>;
}

const HELP = ['help.asked', 'help.claimed', 'help.expired', 'help.cancelled', 'help.answered', 'help.rated'];
const NODE_FRESH_MS = 60_000;

const sumOf = (rows: { value: number }[]) => rows.reduce((s, r) => s + r.value, 0);
const histogram = (rows: { metric: string; dim: string; value: number }[]) => {
  const by = new Map<string, number>();
  for (const r of rows) if (r.metric === 'help.claim_seconds') by.set(r.dim, (by.get(r.dim) ?? 0) + r.value);
  return [...by].map(([dim, value]) => ({ dim, value }));
};

/**
 * The dashboard's figures (decision 060): every query reads a bounded range of the rollups (the last hour's minutes,
 * today's hours, the week's and the month's whole days plus their partial days' hours) or live state, so its cost does
 * not grow with history. Money only when asked.
 */
export function createSummary(deps: { repo: OpsRepo; live: LiveState; clock: Clock }) {
  const { repo, live, clock } = deps;

  async function money(now: Date): Promise<NonNullable<OpsSummary['money']>> {
    const today = floorTo(now, DAY_MS);
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const end = new Date(floorTo(now, HOUR_MS).getTime() + HOUR_MS);
    const [todayRows, monthRows] = await Promise.all([
      repo.totals(['money.revenue', 'money.refunds', 'money.webhook_rejected'], today, end, false),
      repo.totals(['money.revenue', 'money.refunds'], monthStart, end, false),
    ]);
    const byCurrency = (rows: { metric: string; dim: string; value: number }[]) => {
      const out = new Map<string, { currency: string; revenue: number; refunds: number }>();
      for (const r of rows) {
        if (r.metric === 'money.webhook_rejected') continue;
        const e = out.get(r.dim) ?? out.set(r.dim, { currency: r.dim, revenue: 0, refunds: 0 }).get(r.dim)!;
        if (r.metric === 'money.revenue') e.revenue += r.value;
        else e.refunds += r.value;
      }
      return [...out.values()].sort((a, b) => a.currency.localeCompare(b.currency));
    };
    return { today: byCurrency(todayRows), month: byCurrency(monthRows), webhooksRejectedToday: sumOf(todayRows.filter((r) => r.metric === 'money.webhook_rejected')) };
  }

  /**
   * Each read the summary makes, by name, for `now`: the summary runs them all at once; the dashboard bench times each
   * one alone, so a part whose cost grows with history names itself.
   */
  function parts(now: Date, withMoney: boolean) {
    const minuteEnd = new Date(floorTo(now, MINUTE_MS).getTime() + MINUTE_MS);
    const hourEnd = new Date(floorTo(now, HOUR_MS).getTime() + HOUR_MS);
    const today = floorTo(now, DAY_MS);
    const weekStart = new Date(today.getTime() - 6 * DAY_MS);
    const dayRange = { from: today, to: new Date(today.getTime() + DAY_MS), now };
    return {
      lastHour: () => repo.minutes(['help.asked', 'help.claimed', 'help.claim_seconds'], new Date(minuteEnd.getTime() - HOUR_MS), minuteEnd),
      dayRows: () => repo.totals([...HELP, 'help.claim_seconds', 'calls.failed', 'calls.reconnect', 'channels.wa_failed', 'channels.wa_template', 'checks.reports', ...SCHEDULE_METRICS], today, hourEnd, false),
      weekRows: () => repo.totals([...HELP, 'sessions.connected', ...SCHEDULE_METRICS], weekStart, hourEnd, true),
      weekHistogram: () => repo.totals(['help.claim_seconds'], new Date(hourEnd.getTime() - 7 * DAY_MS), hourEnd, false),
      openQuestions: () => live.openQuestions(),
      tutorsOnline: () => live.tutorsOnline(),
      tutorsPerSubject: () => live.tutorsPerSubject(),
      sessionsInProgress: () => live.sessionsInProgress(),
      jobCounts: () => live.jobCounts(),
      nodes: () => repo.nodesSeenSince(new Date(now.getTime() - NODE_FRESH_MS)),
      money: () => (withMoney ? money(now) : Promise.resolve(null)),
      lessonsStarting: () => live.lessonsStarting(dayRange),
      classesStarting: () => live.classesStarting(dayRange),
      worstSessions: () => live.worstSessions(dayRange),
    };
  }

  async function summary(opts: { money: boolean }): Promise<OpsSummary> {
    const now = clock.now();
    const minuteEnd = new Date(floorTo(now, MINUTE_MS).getTime() + MINUTE_MS);
    const days = lastDays(now, 7);
    const p = parts(now, opts.money);
    const [lastHour, dayRows, weekRows, weekHistogram, open, tutorsOnline, perSubject, inProgress, jobs, nodes, moneyFigures, lessonsToday, classesToday, worst] = await Promise.all([
      p.lastHour(),
      p.dayRows(),
      p.weekRows(),
      p.weekHistogram(),
      p.openQuestions(),
      p.tutorsOnline(),
      p.tutorsPerSubject(),
      p.sessionsInProgress(),
      p.jobCounts(),
      p.nodes(),
      p.money(),
      p.lessonsStarting(),
      p.classesStarting(),
      p.worstSessions(),
    ]);
    const dayTotal = (metric: string) => sumOf(dayRows.filter((r) => r.metric === metric));
    const minutes = Array.from({ length: 60 }, (_, i) => new Date(minuteEnd.getTime() - (60 - i) * MINUTE_MS).toISOString());
    const perMinute = (metric: string) => minutes.map((m) => sumOf(lastHour.filter((r) => r.metric === metric && r.bucket.toISOString() === m)));
    const trouble = new Map<string, { dim: string; failed: number; reconnects: number }>();
    for (const r of dayRows) {
      if ((r.metric !== 'calls.failed' && r.metric !== 'calls.reconnect') || !r.dim) continue;
      const e = trouble.get(r.dim) ?? trouble.set(r.dim, { dim: r.dim, failed: 0, reconnects: 0 }).get(r.dim)!;
      if (r.metric === 'calls.failed') e.failed += r.value;
      else e.reconnects += r.value;
    }
    return {
      at: now.toISOString(),
      help: {
        open: open.slice(0, 20).map((q) => ({ id: q.id, subjectId: q.subjectId, waitingSeconds: Math.round((now.getTime() - q.askedAt.getTime()) / 1000), wave: q.wave })),
        openBySubject: openBySubject(open, lastHour.filter((r) => r.metric === 'help.asked'), now, perSubject),
        tutorsOnline,
        claimSeconds: { hour: percentilesOf(histogram(lastHour)), day: percentilesOf(histogram(dayRows)), week: percentilesOf(histogram(weekHistogram)) },
        today: { asked: dayTotal('help.asked'), claimed: dayTotal('help.claimed'), expired: dayTotal('help.expired'), cancelled: dayTotal('help.cancelled') },
      },
      funnel: funnelByDay(days, weekRows.map((r) => ({ day: r.day, metric: r.metric.startsWith('sessions.') ? `${r.metric}:${r.dim}` : r.metric, value: r.value }))),
      series: { minutes, asked: perMinute('help.asked'), claimed: perMinute('help.claimed') },
      calls: {
        inProgress: { instant: inProgress.find((s) => s.kind === 'instant')?.count ?? 0, booking: inProgress.find((s) => s.kind === 'booking')?.count ?? 0 },
        trouble: [...trouble.values()].sort((a, b) => b.failed + b.reconnects - (a.failed + a.reconnects) || a.dim.localeCompare(b.dim)),
        worst: worst.map((w) => ({ sessionId: w.sessionId, kind: w.kind, startedAt: w.startedAt.toISOString(), failed: w.failed, reconnects: w.reconnects })),
        checks: checksBySplit(dayRows.filter((r) => r.metric === 'checks.reports')),
      },
      channels: { waFailedToday: dayTotal('channels.wa_failed'), waTemplatesToday: dayTotal('channels.wa_template') },
      schedule: scheduleFigures({ today: dayRows, week: weekRows, days, lessons: lessonsToday, classes: classesToday }),
      platform: { jobs, nodes: nodes.map((n) => ({ id: n.id, sockets: n.sockets, lagMs: n.lagMs, rssMiB: n.rssMiB, version: n.version, seenAt: n.seenAt.toISOString() })) },
      money: moneyFigures,
    };
  }
  return Object.assign(summary, { parts });
}
export type Summary = ReturnType<typeof createSummary>;
