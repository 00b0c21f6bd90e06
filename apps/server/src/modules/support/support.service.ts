import { randomBytes } from 'node:crypto';
import type { ReportProblem, SessionTimeline, StaffTicket, Ticket, TicketQueueItem, TicketQueueQuery, TicketStatus } from '@tutorline/contracts';
import { reportProblemSchema, ticketQueueQuerySchema } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { fail, ok, type Fail, type Result } from '../../platform/result';
import { recordAudit } from '../audit';
import type { TicketMessageRow, TicketRow, SupportRepo } from './support.repo';
import { nextStatus, setStatus, summariseSession, ticketRef } from './support.rules';

/** What support asks of the other modules (through their index.ts, wired by the installer). */
export interface SupportDeps {
  repo: SupportRepo;
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The caller's part in a tutoring session: only its student and tutor can report a problem with it. */
  participantOf(userId: string, sessionId: string): Promise<'student' | 'tutor' | undefined>;
  timeline(sessionId: string): Promise<SessionTimeline>;
  /** The stored code of a /check report the user read out, or undefined. */
  checkReportCode(raw: string): Promise<string | undefined>;
  names(ids: string[]): Promise<Map<string, { displayName: string; role: string }>>;
  /** Staff who may hold a ticket (support or admin). */
  supportStaffIds(): Promise<Set<string>>;
  /** Tells the user in the app and on their other channels (WhatsApp when linked), in the caller's transaction. */
  tellUser(tx: Tx, userId: string, notice: { kind: string; text: string; data: Record<string, unknown>; dedupeKey: string }): Promise<() => void>;
}

/** How many problems one person may report in a day: enough for a bad week, not a flood. */
export const DAILY_TICKETS = 10;
const DAY_MS = 86_400_000;

export type ReportFailure = Fail<'session_not_found'> | Fail<'check_report_not_found'> | Fail<'too_many'>;
export type TicketFailure = Fail<'not_found'>;
export type StaffTicketFailure = Fail<'not_found'> | Fail<'same_status'> | Fail<'not_support_staff'> | Fail<'same_assignee'>;
type Actor = { id: string; role: string };

export function createSupportService(deps: SupportDeps) {
  const { repo, clock, logger } = deps;

  const userView = (t: TicketRow, messages: TicketMessageRow[], names: Map<string, { displayName: string }>): Ticket => ({
    id: t.id,
    ref: t.ref,
    status: t.status,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    solvedAt: t.solvedAt?.toISOString() ?? null,
    sessionId: t.sessionId,
    areas: t.areas as Ticket['areas'],
    device: t.device as Ticket['device'],
    network: t.network as Ticket['network'],
    workedBefore: t.workedBefore as Ticket['workedBefore'],
    description: t.description,
    checkReportId: t.checkReportId,
    messages: messages.map((m) => ({
      id: m.id,
      at: m.createdAt.toISOString(),
      kind: m.kind,
      // The user sees "Support" on replies, never a staff member's own name.
      author: m.kind === 'user' ? { id: m.authorId, displayName: names.get(m.authorId)?.displayName ?? 'You' } : { id: 'support', displayName: 'Tutorline support' },
      body: m.body,
    })),
  });

  async function staffView(t: TicketRow): Promise<StaffTicket> {
    const messages = await repo.messagesOf(t.id, true);
    const names = await deps.names([t.userId, ...(t.assigneeId ? [t.assigneeId] : []), ...messages.map((m) => m.authorId)]);
    const base = userView(t, messages, names);
    return {
      ...base,
      messages: messages.map((m) => ({ id: m.id, at: m.createdAt.toISOString(), kind: m.kind, author: { id: m.authorId, displayName: names.get(m.authorId)?.displayName ?? 'unknown' }, body: m.body })),
      reporter: { id: t.userId, displayName: names.get(t.userId)?.displayName ?? 'unknown', role: names.get(t.userId)?.role ?? 'unknown' },
      assignee: t.assigneeId ? { id: t.assigneeId, displayName: names.get(t.assigneeId)?.displayName ?? 'unknown' } : null,
      diagnostics: t.diagnostics ?? null,
      session: (t.sessionSummary as StaffTicket['session']) ?? null,
    };
  }

  return {
    /** "Report a problem": the canned answers, the browser's diagnostics and the call's own events become a ticket. */
    async report(user: { id: string }, raw: ReportProblem): Promise<Result<Ticket, ReportFailure>> {
      const input = reportProblemSchema.parse(raw);
      const now = clock.now();
      if (input.sessionId && !(await deps.participantOf(user.id, input.sessionId))) return fail('session_not_found');
      let checkReportId: string | null = null;
      if (input.checkReportId) {
        const code = await deps.checkReportCode(input.checkReportId);
        if (!code) return fail('check_report_not_found');
        checkReportId = code;
      }
      const recent = (await repo.ofUser(user.id, DAILY_TICKETS)).filter((t) => now.getTime() - t.createdAt.getTime() < DAY_MS);
      if (recent.length >= DAILY_TICKETS) return fail('too_many');
      const summary = input.sessionId ? summariseSession(input.sessionId, ...(await timelineParts(input.sessionId))) : null;
      const row = await repo.insertTicket(deps.db, {
        ref: ticketRef(randomBytes(6)),
        userId: user.id,
        sessionId: input.sessionId ?? null,
        status: 'open',
        areas: input.areas,
        device: input.device,
        network: input.network,
        workedBefore: input.workedBefore,
        description: input.description,
        diagnostics: input.diagnostics ?? null,
        sessionSummary: summary,
        checkReportId,
        createdAt: now,
        updatedAt: now,
      });
      logger.info({ event: 'support_ticket_opened', ticketId: row.id, ref: row.ref, userId: user.id, sessionId: row.sessionId, areas: input.areas }, 'support ticket opened');
      return ok(userView(row, [], new Map()));
    },

    async mine(user: { id: string }): Promise<Ticket[]> {
      const rows = await repo.ofUser(user.id, 50);
      return rows.map((r) => userView(r, [], new Map()));
    },

    /** One of the caller's tickets with its thread (support's internal notes left out); someone else's is not found. */
    async one(user: { id: string }, id: string): Promise<Result<Ticket, TicketFailure>> {
      const row = await repo.find(id);
      if (!row || row.userId !== user.id) return fail('not_found');
      const messages = await repo.messagesOf(id, false);
      return ok(userView(row, messages, await deps.names([user.id])));
    },

    /** The user writes on their ticket: it is support's turn again (a solved ticket reopens). */
    async userMessage(user: { id: string }, id: string, body: string): Promise<Result<Ticket, TicketFailure>> {
      const now = clock.now();
      const done = await repo.transaction(async (tx) => {
        const row = await repo.lock(tx, id);
        if (!row || row.userId !== user.id) return undefined;
        await repo.addMessage(tx, { ticketId: id, kind: 'user', authorId: user.id, body, createdAt: now });
        return repo.update(tx, id, { status: nextStatus(row.status, 'user_message'), updatedAt: now, solvedAt: null });
      });
      if (!done) return fail('not_found');
      logger.info({ event: 'support_ticket_user_message', ticketId: id, userId: user.id, status: done.status }, 'support ticket: the user wrote');
      return ok(userView(done, await repo.messagesOf(id, false), await deps.names([user.id])));
    },

    // ---- support staff (the routes declare the role) ----
    async queue(actor: Actor, query: TicketQueueQuery): Promise<TicketQueueItem[]> {
      const q = ticketQueueQuerySchema.parse(query);
      const assigneeId = q.assignee === 'me' ? actor.id : q.assignee === 'none' ? null : q.assignee;
      const rows = await repo.queue({ status: q.status, assigneeId, limit: q.limit, offset: q.offset });
      const names = await deps.names(rows.flatMap(({ row }) => [row.userId, ...(row.assigneeId ? [row.assigneeId] : [])]));
      return rows.map(({ row, messageCount }) => ({
        id: row.id,
        ref: row.ref,
        status: row.status,
        createdAt: row.createdAt.toISOString(),
        updatedAt: row.updatedAt.toISOString(),
        areas: row.areas as TicketQueueItem['areas'],
        reporter: { id: row.userId, displayName: names.get(row.userId)?.displayName ?? 'unknown', role: names.get(row.userId)?.role ?? 'unknown' },
        assignee: row.assigneeId ? { id: row.assigneeId, displayName: names.get(row.assigneeId)?.displayName ?? 'unknown' } : null,
        sessionId: row.sessionId,
        messageCount,
      }));
    },

    async staffTicket(id: string): Promise<Result<StaffTicket, TicketFailure>> {
      const row = await repo.find(id);
      return row ? ok(await staffView(row)) : fail('not_found');
    },

    /** A reply (the user sees it, in the app and on WhatsApp when linked) or an internal note; audited with the action. */
    async staffNote(actor: Actor, id: string, body: string, reply: boolean): Promise<Result<StaffTicket, StaffTicketFailure>> {
      const now = clock.now();
      let after: (() => void) | undefined;
      const done = await repo.transaction(async (tx) => {
        const row = await repo.lock(tx, id);
        if (!row) return undefined;
        const message = await repo.addMessage(tx, { ticketId: id, kind: reply ? 'reply' : 'note', authorId: actor.id, body, createdAt: now });
        const status = nextStatus(row.status, reply ? 'staff_reply' : 'staff_note');
        const updated = await repo.update(tx, id, { status, updatedAt: now, solvedAt: status === 'solved' ? row.solvedAt : null });
        await recordAudit(tx, now, { actor, action: reply ? 'support.ticket_replied' : 'support.ticket_noted', object: { type: 'support_ticket', id }, before: { status: row.status }, after: { status, messageId: message.id } });
        if (reply) {
          after = await deps.tellUser(tx, row.userId, {
            kind: 'support.reply',
            text: `Tutorline support replied about your report ${row.ref}: ${body.length > 300 ? `${body.slice(0, 297)}…` : body}`,
            data: { ticketId: id, ref: row.ref },
            dedupeKey: `support-reply:${message.id}`,
          });
        }
        return updated;
      });
      if (!done) return fail('not_found');
      after?.();
      logger.info({ event: reply ? 'support_ticket_replied' : 'support_ticket_noted', audit: true, ticketId: id, by: actor.id, status: done.status }, reply ? 'support replied' : 'support noted');
      return ok(await staffView(done));
    },

    async assign(actor: Actor, id: string, assigneeId: string | null): Promise<Result<StaffTicket, StaffTicketFailure>> {
      if (assigneeId && !(await deps.supportStaffIds()).has(assigneeId)) return fail('not_support_staff');
      const now = clock.now();
      const done = await repo.transaction(async (tx): Promise<Result<TicketRow, StaffTicketFailure>> => {
        const row = await repo.lock(tx, id);
        if (!row) return fail('not_found');
        if (row.assigneeId === assigneeId) return fail('same_assignee');
        const updated = await repo.update(tx, id, { assigneeId, updatedAt: now });
        await recordAudit(tx, now, { actor, action: 'support.ticket_assigned', object: { type: 'support_ticket', id }, before: { assigneeId: row.assigneeId }, after: { assigneeId } });
        return ok(updated);
      });
      if (!done.ok) return done;
      logger.info({ event: 'support_ticket_assigned', audit: true, ticketId: id, by: actor.id, assigneeId }, 'support ticket assigned');
      return ok(await staffView(done.value));
    },

    async changeStatus(actor: Actor, id: string, status: TicketStatus, reason: string | undefined): Promise<Result<StaffTicket, StaffTicketFailure>> {
      const now = clock.now();
      const done = await repo.transaction(async (tx): Promise<Result<TicketRow, StaffTicketFailure>> => {
        const row = await repo.lock(tx, id);
        if (!row) return fail('not_found');
        const next = setStatus(row.status, status);
        if (!next.ok) return next;
        const updated = await repo.update(tx, id, { status, updatedAt: now, solvedAt: status === 'solved' ? now : null });
        await recordAudit(tx, now, { actor, action: 'support.ticket_status', object: { type: 'support_ticket', id }, reason: reason ?? null, before: { status: row.status }, after: { status } });
        return ok(updated);
      });
      if (!done.ok) return done;
      logger.info({ event: 'support_ticket_status', audit: true, ticketId: id, by: actor.id, status }, 'support ticket status changed');
      return ok(await staffView(done.value));
    },
  };

  async function timelineParts(sessionId: string): Promise<[number, SessionTimeline['events']]> {
    const t = await deps.timeline(sessionId);
    return [t.connectedSeconds, t.events];
  }
}
export type SupportService = ReturnType<typeof createSupportService>;
