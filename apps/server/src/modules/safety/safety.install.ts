import fp from 'fastify-plugin';
import { recordAudit } from '../audit';
import { HELP_SAFETY } from '../help';
import { accountsByIds, minorsAmong, TUTOR_BIO_SCREEN } from '../identity';
import { lastSessionOf, openSessionsStartedBefore, ROOM_SAFETY } from '../rooms';
import { WHATSAPP_REPORTS } from '../whatsapp';
import { BOOKING_SAFETY, bookingsByIds } from '../scheduling';
import { createSafetyRepo } from './safety.repo';
import { safetyRoutes } from './safety.routes';
import { createSafetyService } from './safety.service';
import { createLongCallSweep } from './safety.sweep';

/**
 * Safety (#20): contact details masked for minors in the room's chat, reports and blocks, severe reports escalated to
 * ops, and long calls with minors alerted. It fills the ports rooms, help and scheduling declared.
 */
export const safetyModule = fp(
  async (fastify) => {
    const { database, clock, logger, jobs, ports } = fastify.platform;
    const db = database.db;
    const { rooms } = fastify.rooms;
    const { notifications, inbox } = fastify.notifications;
    const safety = createSafetyService({
      repo: createSafetyRepo(db),
      clock,
      logger,
      minors: (ids) => minorsAmong(db, ids, clock.now()),
      async participants(sessionId) {
        const s = await rooms.roomSession(sessionId);
        return s && { studentId: s.studentId, tutorId: s.tutorId };
      },
      chat: async (sessionId) => (await rooms.chatAfter(sessionId, 0)).map((m) => ({ senderId: m.senderId, text: m.text, sentAt: m.sentAt })),
      names: async (ids) => new Map((await accountsByIds(db, ids)).map((a) => [a.id, { displayName: a.displayName, role: a.role }])),
      async opsStaffIds() {
        return (await fastify.identity.listStaff()).filter((m) => m.staffRoles.includes('ops') || m.staffRoles.includes('admin')).map((m) => m.id);
      },
      async alertOps(tx, staffIds, alert) {
        const rows = await inbox.add(tx, staffIds.map((userId) => ({ userId, kind: alert.kind, text: alert.text, data: alert.data, dedupeKey: `${alert.dedupeKey}:${userId}` })), clock.now());
        for (const userId of staffIds) await notifications.queue(tx, userId, { kind: alert.kind, text: alert.text, data: alert.data }, `${alert.dedupeKey}:${userId}`);
        return () => inbox.push(rows);
      },
      audit: async (tx, at, entry) => void (await recordAudit(tx, at, entry)),
    });
    ports.provide(ROOM_SAFETY, { screenChat: safety.screenChat, chatMasked: safety.chatMasked, screenBoard: safety.screenBoard, reviewNotice: safety.reviewNotice });
    ports.provide(TUTOR_BIO_SCREEN, { screenBio: safety.screenBio });
    ports.provide(WHATSAPP_REPORTS, {
      report: safety.report,
      async lastSessionOf(userId) {
        const s = await lastSessionOf(db, userId);
        if (!s) return null;
        const otherId = s.studentId === userId ? s.tutorId : s.studentId;
        return { sessionId: s.id, otherName: (await accountsByIds(db, [otherId]))[0]?.displayName ?? 'the other person' };
      },
    });
    ports.provide(HELP_SAFETY, { withheldTutors: safety.withheldTutors });
    ports.provide(BOOKING_SAFETY, { blocked: safety.blocked });

    // Minors' calls running long alert ops (a periodic job on the injected clock).
    const longCalls = createLongCallSweep({
      db,
      clock,
      logger,
      safety,
      openSessionsStartedBefore: (before, limit) => openSessionsStartedBefore(db, before, limit),
      bookedEnds: async (bookingIds) => new Map((await bookingsByIds(db, bookingIds)).map((b) => [b.id, b.endsAt])),
      minors: (ids) => minorsAmong(db, ids, clock.now()),
    });
    await longCalls.install(jobs);

    fastify.decorate('safety', { safety });
    await fastify.register(safetyRoutes, { safety });
  },
  {
    name: 'tutorline-safety',
    fastify: '5.x',
    decorators: { fastify: ['platform'] },
    dependencies: ['@fastify/rate-limit', 'tutorline-identity', 'tutorline-rooms', 'tutorline-notifications', 'tutorline-audit'],
  },
);
