import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { createSigner } from '../../platform/signing';
import { createBillingExport } from '../billing';
import { createHelpExport } from '../help';
import { createNotificationsExport } from '../notifications';
import { type AuthUser, createIdentityExport, erasureMentions, SESSION_COOKIE } from '../identity';
import { createRoomsExport } from '../rooms';
import { createSchedulingExport } from '../scheduling';
import { createWhatsAppExport } from '../whatsapp';
import { clearFinishedJobPayloads } from '../../platform/jobs.erasure';
import { createErasureService } from './privacy.erasure';
import { createErasureRepo } from './privacy.erasure.repo';
import { allErasers } from './privacy.erasers';
import { erasureRoutes } from './privacy.erasure.routes';
import { installErasureJobs, installPrivacyJobs } from './privacy.jobs';
import { createPrivacyRepo } from './privacy.repo';
import { privacyRoutes } from './privacy.routes';
import { EXPORT_LINK_TTL_MS } from './privacy.rules';
import { createPrivacyService } from './privacy.service';

/**
 * Privacy (#20): data exports. Each module gives its own share through `exportFor(userId)` in its index.ts; this
 * module asks them all, writes the ZIP, signs the link and deletes old files. Without a signing secret (production
 * without SIGNING_SECRET) exports are not offered.
 */
export interface PrivacyModuleOptions {
  /** Deletes a recording with its files (the recordings module's `remove`), for erasure; app.ts passes it. */
  removeRecording?: (id: string) => Promise<boolean>;
}

export const privacyModule = fp<PrivacyModuleOptions>(
  async (fastify, opts) => {
    const { database, clock, logger, config, jobs, storage, signingSecret, realtime } = fastify.platform;
    const db = database.db;
    const guardians = fastify.guardians;
    const isGuardianOf = async (caller: AuthUser, childId: string) => !!(await guardians.consent.childOf(caller, childId));
    const erasure = createErasureService({
      db,
      repo: createErasureRepo(db),
      clock,
      logger,
      isGuardianOf,
      mentionsOf: (userId) => erasureMentions(db, userId),
      clearJobs: (userId, mentions) => clearFinishedJobPayloads(db, userId, mentions),
      erasers: allErasers({
        db,
        logger,
        storage,
        photos: fastify.media.photos,
        removeRecording:
          opts.removeRecording ??
          (async (id) => {
            // Only reached when a user has a recording: erasure must not pretend it deleted one.
            throw new Error(`recording ${id} cannot be erased: the recordings module is not installed`);
          }),
        afterRevoke(sessionIds, userId) {
          for (const id of sessionIds) realtime.disconnectSession(id, 'account_erased');
          fastify.identity.forgetUser(userId);
          realtime.broadcastUserChanged(userId);
        },
      }),
    });
    await installErasureJobs(jobs, { db, clock, erasure });
    const whoIs = async (request: FastifyRequest) => fastify.identity.resolveSession(request.cookies[SESSION_COOKIE]);
    if (!signingSecret) {
      logger.warn({ event: 'data_export_off' }, 'data exports are off: SIGNING_SECRET is not set');
      fastify.decorate('privacy', { privacy: null, erasure });
      await fastify.register(erasureRoutes, { erasure });
      return;
    }
    const { notifications, inbox } = fastify.notifications;
    const privacy = createPrivacyService({
      db,
      repo: createPrivacyRepo(db),
      clock,
      logger,
      storage,
      signer: createSigner(signingSecret, { maxTtlSeconds: EXPORT_LINK_TTL_MS / 1000 + 60 }),
      publicUrl: config.publicUrl,
      sources: [createIdentityExport(db), createHelpExport(db), createRoomsExport(db), createSchedulingExport(db), createBillingExport(db), createWhatsAppExport(db), createNotificationsExport(db)],
      isGuardianOf,
      async notify(tx, userId, notice) {
        const rows = await inbox.add(tx, [{ userId, kind: notice.kind, text: notice.text, data: notice.data, dedupeKey: notice.dedupeKey }], clock.now());
        await notifications.queue(tx, userId, { kind: notice.kind, text: notice.text, data: notice.data }, notice.dedupeKey);
        return () => inbox.push(rows);
      },
    });
    await installPrivacyJobs(jobs, { db, clock, privacy });
    fastify.decorate('privacy', { privacy, erasure });
    await fastify.register(privacyRoutes, { privacy, whoIs });
    await fastify.register(erasureRoutes, { erasure });
  },
  { name: 'tutorline-privacy', fastify: '5.x', decorators: { fastify: ['platform', 'identity', 'notifications', 'guardians', 'media'] }, dependencies: ['@fastify/cookie', 'tutorline-identity', 'tutorline-notifications', 'tutorline-guardians', 'tutorline-media'] },
);
