import type { SupportTimelineEntry } from '@tutorline/contracts';
import type { TimelineClassSeat, TimelineClassTaught } from '../classes';
import type { TimelineCheckReport } from '../connectivity';
import type { TimelineNotice } from '../notifications';

/** A ticket a person opened, as their timeline shows it: what it is about and where it stands, not their words. */
export interface TimelineTicket {
  id: string;
  ref: string;
  areas: string[];
  status: 'open' | 'waiting' | 'solved';
  createdAt: Date;
  solvedAt: Date | null;
}

/** How a person's classes, notices, /check reports and tickets read in support's timeline (#18): words, no I/O. */

const words = (s: string) => s.replaceAll('_', ' ').replaceAll('.', ' ');
const minutesBetween = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
const entry = (e: Omit<SupportTimelineEntry, 'sessionId'>): SupportTimelineEntry => ({ ...e, sessionId: null });
/** Reasons come from other systems (a push service's answer): one line, bounded. */
const oneLine = (s: string) => (s.length > 160 ? `${s.slice(0, 159)}…` : s).replace(/\s+/g, ' ');

/** A learner's seat: enrolled (upcoming), attended with when they came and how long they stayed, missed, refunded. */
export function classSeatEntry(c: TimelineClassSeat): SupportTimelineEntry {
  const ended = c.classStatus === 'completed' || c.classStatus === 'tutor_no_show';
  const live = c.seatStatus === 'enrolled';
  let detail: string;
  let problem = false;
  if (c.firstJoinAt) {
    const late = minutesBetween(c.startsAt, c.firstJoinAt);
    const left = c.lastLeaveAt && c.lastLeaveAt > c.firstJoinAt ? (c.lastLeaveAt < c.endsAt ? c.lastLeaveAt : c.endsAt) : c.endsAt;
    detail = ['attended', late > 0 ? `joined ${late} min after the start` : 'joined on time', `${minutesBetween(c.firstJoinAt, left)} min in the room`, c.lastLeaveAt ? null : 'no leave recorded'].filter(Boolean).join(' · ');
  } else if (live && ended) {
    detail = 'missed: never joined the room';
    problem = true;
  } else {
    detail = c.seatStatus === 'held' ? 'seat held for payment' : c.seatStatus;
  }
  if (c.classStatus === 'tutor_no_show') problem = true;
  if (c.classStatus !== 'completed' && c.classStatus !== 'scheduled') detail += ` · class ${words(c.classStatus)}`;
  return entry({ kind: 'class', at: c.startsAt.toISOString(), title: `Class "${c.title}" in ${c.subjectId}`, detail, problem, ref: c.classId });
}

/** A class the tutor taught (or was to): how many of its learners came. */
export function classTaughtEntry(c: TimelineClassTaught): SupportTimelineEntry {
  const counted = c.classStatus === 'completed' || c.classStatus === 'tutor_no_show';
  const detail = [words(c.classStatus), counted || c.came ? `${c.came} of ${c.enrolled} came` : `${c.enrolled} enrolled`].join(' · ');
  return entry({ kind: 'class', at: c.startsAt.toISOString(), title: `Taught class "${c.title}" in ${c.subjectId}`, detail, problem: c.classStatus === 'tutor_no_show', ref: c.classId });
}

/** A notice: its channel, kind and status (with the reason when it failed or is being retried), never its words. */
export function noticeEntry(n: TimelineNotice): SupportTimelineEntry {
  const channel = n.channel === 'push' ? 'Push' : 'In-app';
  const detail = n.reason ? `${n.status}: ${oneLine(n.reason)}` : n.status;
  return entry({ kind: 'notification', at: n.at.toISOString(), title: `${channel} notice: ${words(n.kind)}`, detail, problem: n.status === 'failed', ref: null });
}

/** A /check report: the overall verdict, the rows that did not pass, the device; opened by its code. */
export function checkEntry(r: TimelineCheckReport): SupportTimelineEntry {
  const notPassed = r.rows.filter((x) => x.status !== 'pass').map((x) => `${x.row} ${x.status}`);
  const rows = r.rows.length === 0 ? null : notPassed.length ? notPassed.join(', ') : 'every row passed';
  return entry({ kind: 'check', at: r.at.toISOString(), title: `Ran /check: ${r.overall} (report ${r.code})`, detail: [rows, r.device].filter(Boolean).join(' · ') || null, problem: r.overall === 'fail', ref: r.code });
}

/** A ticket the person opened: what it is about (the areas they ticked) and where it stands. */
export function ticketEntry(t: TimelineTicket): SupportTimelineEntry {
  const hours = (to: Date) => Math.max(1, Math.round((to.getTime() - t.createdAt.getTime()) / 3_600_000));
  const detail = t.status === 'solved' && t.solvedAt ? `solved after ${hours(t.solvedAt)} h` : t.status === 'waiting' ? 'waiting for the user' : 'open';
  return entry({ kind: 'ticket', at: t.createdAt.toISOString(), title: `Ticket ${t.ref}: ${t.areas.join(', ') || 'problem'}`, detail, problem: t.status !== 'solved', ref: t.id });
}

/** Newest first, at most `limit` (the timeline's bound per kind, after merging a kind's sources). */
export function newestFirst(entries: SupportTimelineEntry[], limit = Number.POSITIVE_INFINITY): SupportTimelineEntry[] {
  return [...entries].sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
}
