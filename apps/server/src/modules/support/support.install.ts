import fp from 'fastify-plugin';
import { checkReportCode } from '../connectivity';
import { accountsByIds } from '../identity';
import { createSupportLookup } from './support.lookup';
import { supportLookupRoutes } from './support.lookup.routes';
import { createSupportRepo } from './support.repo';
import { supportRoutes } from './support.routes';
import { createSupportService } from './support.service';

/** Support (#18): "Report a problem" tickets, their queue, replies in-app and on WhatsApp, every staff action audited. */
export const supportModule = fp(
  async (fastify) => {
    const { database, clock, logger } = fastify.platform;
    const db = database.db;
    const { rooms } = fastify.rooms;
    const { notifications, inbox } = fastify.notifications;
    const support = createSupportService({
      repo: createSupportRepo(db),
      db,
      clock,
      logger,
      async participantOf(userId, sessionId) {
        const access = await rooms.roomAccess({ id: userId, role: 'student' }, sessionId);
        return access && access.role !== 'observer' ? access.role : undefined;
      },
      timeline: (sessionId) => rooms.timeline(sessionId),
      checkReportCode: (raw) => checkReportCode(db, raw),
      async names(ids) {
        return new Map((await accountsByIds(db, ids)).map((a) => [a.id, { displayName: a.displayName, role: a.role }]));
      },
      async supportStaffIds() {
        const staff = await fastify.identity.listStaff();
        return new Set(staff.filter((m) => m.staffRoles.includes('support') || m.staffRoles.includes('admin')).map((m) => m.id));
      },
      async tellUser(tx, userId, notice) {
        const rows = await inbox.add(tx, [{ userId, kind: notice.kind, text: notice.text, data: notice.data, dedupeKey: notice.dedupeKey }], clock.now());
        await notifications.queue(tx, userId, { kind: notice.kind, text: notice.text, data: notice.data }, notice.dedupeKey);
        return () => inbox.push(rows);
      },
    });
    fastify.decorate('support', { support });
    await fastify.register(supportRoutes, { support });
    await fastify.register(supportLookupRoutes, { lookup: createSupportLookup({ db, timeline: (sessionId) => rooms.timeline(sessionId) }) });
  },
  {
    name: 'tutorline-support',
    fastify: '5.x',
    decorators: { fastify: ['platform'] },
    dependencies: ['@fastify/rate-limit', 'tutorline-identity', 'tutorline-rooms', 'tutorline-notifications', 'tutorline-connectivity', 'tutorline-audit'],
  },
);
