import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { createSigner } from '../../platform/signing';
import { createBillingExport } from '../billing';
import { createHelpExport } from '../help';
import { createIdentityExport, SESSION_COOKIE } from '../identity';
import { createRoomsExport } from '../rooms';
import { createSchedulingExport } from '../scheduling';
import { createWhatsAppExport } from '../whatsapp';
import { installPrivacyJobs } from './privacy.jobs';
import { createPrivacyRepo } from './privacy.repo';
import { privacyRoutes } from './privacy.routes';
import { EXPORT_LINK_TTL_MS } from './privacy.rules';
import { createPrivacyService } from './privacy.service';

/**
 * Privacy (#20): data exports. Each module gives its own share through `exportFor(userId)` in its index.ts; this
 * module asks them all, writes the ZIP, signs the link and deletes old files. Without a signing secret (production
 * without SIGNING_SECRET) exports are not offered.
 */
export const privacyModule = fp(
  async (fastify) => {
    const { database, clock, logger, config, jobs, storage, signingSecret } = fastify.platform;
    const db = database.db;
    if (!signingSecret) {
      logger.warn({ event: 'data_export_off' }, 'data exports are off: SIGNING_SECRET is not set');
      return;
    }
    const { notifications, inbox } = fastify.notifications;
    const guardians = fastify.guardians;
    const privacy = createPrivacyService({
      db,
      repo: createPrivacyRepo(db),
      clock,
      logger,
      storage,
      signer: createSigner(signingSecret, { maxTtlSeconds: EXPORT_LINK_TTL_MS / 1000 + 60 }),
      publicUrl: config.publicUrl,
      sources: [createIdentityExport(db), createHelpExport(db), createRoomsExport(db), createSchedulingExport(db), createBillingExport(db), createWhatsAppExport(db)],
      isGuardianOf: async (caller, childId) => !!(await guardians.consent.childOf(caller, childId)),
      async notify(tx, userId, notice) {
        const rows = await inbox.add(tx, [{ userId, kind: notice.kind, text: notice.text, data: notice.data, dedupeKey: notice.dedupeKey }], clock.now());
        await notifications.queue(tx, userId, { kind: notice.kind, text: notice.text, data: notice.data }, notice.dedupeKey);
        return () => inbox.push(rows);
      },
    });
    await installPrivacyJobs(jobs, { db, clock, privacy });
    fastify.decorate('privacy', { privacy });
    const whoIs = async (request: FastifyRequest) => fastify.identity.resolveSession(request.cookies[SESSION_COOKIE]);
    await fastify.register(privacyRoutes, { privacy, whoIs });
  },
  { name: 'tutorline-privacy', fastify: '5.x', decorators: { fastify: ['platform', 'identity', 'notifications', 'guardians'] }, dependencies: ['@fastify/cookie', 'tutorline-identity', 'tutorline-notifications', 'tutorline-guardians'] },
);
