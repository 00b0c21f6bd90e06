import type { CallEvent, SupportPerson, SupportSearchResult, SupportSessionPage, SupportTimeline, SupportTimelineEntry } from '@tutorline/contracts';
import type { Db } from '../../platform/db';
import type { Fail, Result } from '../../platform/result';
import { paymentsForTimeline } from '../billing';
import { classesTaughtForTimeline, classSeatsForTimeline } from '../classes';
import { checkReportsForTimeline } from '../connectivity';
import { noticesForTimeline } from '../notifications';
import { questionForSupport, questionsForSupport } from '../help';
import { accountsForSupport, findAccountsForSupport, type SupportAccount } from '../identity';
import { chatCountOf, sessionForSupport, sessionsForSupport, type SupportSessionRow } from '../rooms';
import { lessonsForSupport } from '../scheduling';
import { messagesSentToUser } from '../whatsapp';
import { summariseSession } from './support.rules';
import { sessionFindings, sessionSides } from './support.lookup.rules';
import { checkEntry, classSeatEntry, classTaughtEntry, newestFirst, noticeEntry, ticketEntry } from './support.timeline.rules';
import { ticketsForTimeline } from './support.timeline.repo';

/** How far back each kind reaches in a timeline: enough for "it doesn't work", bounded whatever the history. */
const PER_KIND = 30;
const SEARCH_LIMIT = 25;
const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

export type LookupFailure = Fail<'not_found'>;

const person = (a: SupportAccount): SupportPerson => ({ ...a, createdAt: a.createdAt.toISOString() });
const minutes = (from: Date, to: Date | null) => (to ? `${Math.max(1, Math.round((to.getTime() - from.getTime()) / 60_000))} min` : 'in progress');
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

function sessionEntry(s: SupportSessionRow, self: string, names: Map<string, string>): SupportTimelineEntry {
  const other = s.studentId === self ? s.tutorId : s.studentId;
  const bits = [minutes(s.startedAt, s.endedAt), s.reconnects ? plural(s.reconnects, 'reconnect') : null, s.failures ? plural(s.failures, 'failure') : null, s.relayOnly ? 'relay only' : null].filter(Boolean);
  return {
    kind: 'session',
    at: s.startedAt.toISOString(),
    title: `${s.kind === 'instant' ? 'Instant-help' : 'Lesson'} call with ${names.get(other) ?? 'someone'}`,
    detail: bits.join(' · '),
    problem: s.failures > 0,
    sessionId: s.id,
    ref: null,
  };
}

/** What a caller's staff roles let them see in a timeline: money (finance, admin); classes, notices, checks, tickets (support, ops, admin). */
export interface TimelineView {
  money: boolean;
  support: boolean;
}

/** Classes (taken and taught), notices, /check reports and tickets, each kind bounded like the others. */
async function supportKinds(db: Db, userId: string) {
  const [seats, taught, notices, checks, tickets] = await Promise.all([
    classSeatsForTimeline(db, userId, PER_KIND),
    classesTaughtForTimeline(db, userId, PER_KIND),
    noticesForTimeline(db, userId, PER_KIND),
    checkReportsForTimeline(db, userId, PER_KIND),
    ticketsForTimeline(db, userId, PER_KIND),
  ]);
  return [
    ...newestFirst([...seats.map(classSeatEntry), ...taught.map(classTaughtEntry)], PER_KIND),
    ...newestFirst(notices.map(noticeEntry), PER_KIND),
    ...checks.map(checkEntry),
    ...tickets.map(ticketEntry),
  ];
}

/**
 * Support's tools for "it doesn't work" (#18): find a person, read their timeline newest first, open a session and see
 * why the call failed. Each module answers for its own rows through its index.ts; money only when `view.money`;
 * classes, notices, /check reports and tickets only when `view.support`.
 */
export function createSupportLookup(deps: { db: Db; timeline(sessionId: string): Promise<{ connectedSeconds: number; events: CallEvent[] }> }) {
  const { db } = deps;

  return {
    async search(text: string): Promise<SupportSearchResult> {
      const q = text.trim();
      if (isUuid(q)) {
        const session = await sessionForSupport(db, q);
        if (session) return { matchedBy: 'session', people: (await accountsForSupport(db, [session.studentId, session.tutorId])).map(person), sessionId: session.id };
        const question = await questionForSupport(db, q);
        if (question) {
          const ids = [question.studentId, ...(question.claimedBy ? [question.claimedBy] : [])];
          return { matchedBy: 'question', people: (await accountsForSupport(db, ids)).map(person), sessionId: question.sessionId };
        }
        return { matchedBy: 'people', people: (await accountsForSupport(db, [q])).map(person), sessionId: null };
      }
      return { matchedBy: 'people', people: (await findAccountsForSupport(db, q, SEARCH_LIMIT)).map(person), sessionId: null };
    },

    async timeline(userId: string, view: TimelineView): Promise<Result<SupportTimeline, LookupFailure>> {
      const [account] = await accountsForSupport(db, [userId]);
      if (!account) return { ok: false, reason: 'not_found' };
      const [questions, sessions, lessons, messages, payments, supportEntries] = await Promise.all([
        questionsForSupport(db, userId, PER_KIND),
        sessionsForSupport(db, userId, PER_KIND),
        lessonsForSupport(db, userId, PER_KIND),
        messagesSentToUser(db, userId, PER_KIND),
        view.money ? paymentsForTimeline(db, userId, PER_KIND) : Promise.resolve([]),
        view.support ? supportKinds(db, userId) : Promise.resolve([]),
      ]);
      const others = [...sessions.flatMap((s) => [s.studentId, s.tutorId]), ...lessons.flatMap((l) => [l.studentId, l.tutorId])];
      const names = new Map((await accountsForSupport(db, others)).map((a) => [a.id, a.displayName]));
      const entries: SupportTimelineEntry[] = [
        { kind: 'signup', at: account.createdAt.toISOString(), title: `Signed up as a ${account.role}`, detail: account.disabled ? 'account disabled' : null, problem: account.disabled, sessionId: null, ref: null },
        ...questions.map((x) => ({
          kind: 'question' as const,
          at: x.createdAt.toISOString(),
          title: `${x.studentId === userId ? 'Asked' : 'Claimed'} a question in ${x.subjectId} (${x.level})`,
          detail: [x.status, x.closeReason?.replace('_', ' ')].filter(Boolean).join(' · '),
          problem: x.status === 'expired' || x.closeReason !== null,
          sessionId: x.sessionId,
          ref: null,
        })),
        ...sessions.map((s) => sessionEntry(s, userId, names)),
        ...lessons.map((l) => ({
          kind: 'lesson' as const,
          at: l.startsAt.toISOString(),
          title: `Lesson${l.subjectId ? ` in ${l.subjectId}` : ''} with ${names.get(l.studentId === userId ? l.tutorId : l.studentId) ?? 'someone'}`,
          detail: [...new Set([l.status, l.outcome?.replaceAll('_', ' ')].filter(Boolean))].join(' · '),
          problem: l.outcome !== null && l.outcome !== 'completed',
          sessionId: null,
          ref: null,
        })),
        ...messages.map((m) => ({ kind: 'message' as const, at: m.createdAt.toISOString(), title: `WhatsApp message: ${m.kind.replaceAll('_', ' ')}`, detail: m.reason ? `${m.status}: ${m.reason}` : m.status, problem: m.status === 'failed', sessionId: null, ref: null })),
        ...payments.map((p) => ({
          kind: 'payment' as const,
          at: p.paidAt.toISOString(),
          title: `Paid ${(p.amountMinor / 100).toFixed(2)} ${p.currency} (${p.provider})`,
          detail: p.refundedMinor ? `${p.status} · ${(p.refundedMinor / 100).toFixed(2)} refunded` : p.status,
          problem: false,
          sessionId: null,
          ref: null,
        })),
        ...supportEntries,
      ];
      entries.sort((a, b) => b.at.localeCompare(a.at));
      return { ok: true, value: { person: person(account), entries, paymentsShown: view.money, supportShown: view.support } };
    },

    async session(sessionId: string): Promise<Result<SupportSessionPage, LookupFailure>> {
      const s = await sessionForSupport(db, sessionId);
      if (!s) return { ok: false, reason: 'not_found' };
      const [timeline, chatCount, accounts] = await Promise.all([deps.timeline(sessionId), chatCountOf(db, sessionId), accountsForSupport(db, [s.studentId, s.tutorId])]);
      const name = (id: string) => accounts.find((a) => a.id === id)?.displayName ?? 'Unknown';
      const sides = sessionSides({ student: { id: s.studentId, displayName: name(s.studentId) }, tutor: { id: s.tutorId, displayName: name(s.tutorId) } }, timeline.events);
      return {
        ok: true,
        value: {
          session: { id: s.id, kind: s.kind, status: s.status, startedAt: s.startedAt.toISOString(), endedAt: s.endedAt?.toISOString() ?? null, questionId: s.questionId },
          sides,
          summary: summariseSession(sessionId, timeline.connectedSeconds, timeline.events),
          chatCount,
          findings: sessionFindings(sides, timeline.events),
          events: timeline.events,
        },
      };
    },
  };
}
export type SupportLookup = ReturnType<typeof createSupportLookup>;
