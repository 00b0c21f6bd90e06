/**
 * The course usage report (issue #16), pure: per learner, instant-help sessions, lessons, classes, minutes and the
 * last activity, from the activities other modules report; and the same activities as CSV rows.
 */
export type ActivityKind = 'session' | 'lesson' | 'class';
export interface Activity {
  kind: ActivityKind;
  id: string;
  userId: string;
  title: string;
  startedAt: Date;
  /** Null while it is still going on (an instant session not ended yet). */
  endedAt: Date | null;
}

export interface Learner {
  sub: string | null;
  name: string | null;
  userId: string | null;
}

export interface UsageRow {
  name: string;
  ltiUserId: string | null;
  launched: boolean;
  sessions: number;
  lessons: number;
  classes: number;
  minutes: number;
  lastActivityAt: Date | null;
  /** What the course's allowance paid for them this month, in its unit. */
  allowanceUsed: number;
}

export const minutesOf = (a: Pick<Activity, 'startedAt' | 'endedAt'>): number => (a.endedAt ? Math.max(0, Math.round((a.endedAt.getTime() - a.startedAt.getTime()) / 60_000)) : 0);

export function usageReport(learners: readonly Learner[], activities: readonly Activity[], accountNames: ReadonlyMap<string, string>, allowanceUsed: ReadonlyMap<string, number> = new Map()): UsageRow[] {
  const byUser = new Map<string, Activity[]>();
  for (const a of activities) byUser.set(a.userId, [...(byUser.get(a.userId) ?? []), a]);
  return learners
    .map((l) => {
      const mine = l.userId ? (byUser.get(l.userId) ?? []) : [];
      const last = mine.reduce<Date | null>((m, a) => (!m || a.startedAt > m ? a.startedAt : m), null);
      return {
        name: l.name ?? (l.userId ? accountNames.get(l.userId) : undefined) ?? 'Learner',
        ltiUserId: l.sub,
        launched: l.userId !== null,
        sessions: mine.filter((a) => a.kind === 'session').length,
        lessons: mine.filter((a) => a.kind === 'lesson').length,
        classes: mine.filter((a) => a.kind === 'class').length,
        minutes: mine.reduce((s, a) => s + minutesOf(a), 0),
        lastActivityAt: last,
        allowanceUsed: (l.userId ? allowanceUsed.get(l.userId) : undefined) ?? 0,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

/** One CSV field, quoted when it holds a comma, quote or line break; a leading formula sign is neutralised for spreadsheets. */
export function csvField(value: string | number): string {
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const activityCsvHeader = ['learner', 'lti_user_id', 'verb', 'activity_kind', 'activity_id', 'title', 'started_at', 'ended_at', 'minutes'];

/** Every activity of the course's learners, one row each, oldest first: the CSV twin of the xAPI export. */
export function activitiesCsv(rows: readonly { learner: string; ltiUserId: string | null; verb: string; activity: Activity }[]): string {
  const lines = [...rows]
    .sort((a, b) => a.activity.startedAt.getTime() - b.activity.startedAt.getTime())
    .map((r) =>
      [r.learner, r.ltiUserId ?? '', r.verb, r.activity.kind, r.activity.id, r.activity.title, r.activity.startedAt.toISOString(), r.activity.endedAt?.toISOString() ?? '', minutesOf(r.activity)].map(csvField).join(','),
    );
  return `${[activityCsvHeader.join(','), ...lines].join('\r\n')}\r\n`;
}
