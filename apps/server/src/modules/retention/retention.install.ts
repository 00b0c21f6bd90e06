import fp from 'fastify-plugin';
import { removeOldClassChat, removeOldClassEvents } from '../classroom';
import { removeOldCheckReports } from '../connectivity';
import { removeOldQuestionPhotos } from '../help';
import { removeOldFailedLogins } from '../identity';
import { removeOldNotices, removeOldNotificationJobs, removeOldPushSubscriptions } from '../notifications';
import { removeOldCallEvents, removeOldRoomChat } from '../rooms';
import { removeOldWhatsAppJobs } from '../whatsapp';
import { createRetention, type RetentionStep } from './retention.service';

/**
 * Retention (issue #20, decision 073): the schedule in config, enforced by one daily job that calls each module's own
 * retention function through its index.ts. Sessions under an open safety report are held (safety's index.ts).
 */
export const retentionModule = fp(
  async (fastify) => {
    const { database, clock, logger, config, jobs } = fastify.platform;
    const db = database.db;
    const photos = fastify.media.photos;
    const steps: RetentionStep[] = [
      { kind: 'question_photos', source: 'help', run: (cut) => removeOldQuestionPhotos({ db, photos, logger }, cut) },
      { kind: 'chat', source: 'rooms', run: (cut) => removeOldRoomChat({ db, photos, logger }, cut) },
      { kind: 'chat', source: 'classroom', run: (cut) => removeOldClassChat({ db }, cut) },
      { kind: 'recordings', source: 'recordings', run: (cut) => fastify.recordings.retention(cut) },
      { kind: 'call_diagnostics', source: 'rooms', run: (cut) => removeOldCallEvents({ db }, cut) },
      { kind: 'call_diagnostics', source: 'classroom', run: (cut) => removeOldClassEvents({ db }, cut) },
      { kind: 'check_reports', source: 'connectivity', run: (cut) => removeOldCheckReports({ db }, cut) },
      { kind: 'failed_logins', source: 'identity', run: (cut) => removeOldFailedLogins({ db }, cut) },
      { kind: 'push_subscriptions', source: 'notifications', run: (cut) => removeOldPushSubscriptions({ db }, cut) },
      { kind: 'notices', source: 'notifications', run: (cut) => removeOldNotices({ db }, cut) },
      { kind: 'finished_jobs', source: 'notifications', run: (cut) => removeOldNotificationJobs({ db }, cut) },
      { kind: 'finished_jobs', source: 'whatsapp', run: (cut) => removeOldWhatsAppJobs({ db }, cut) },
    ];
    const held = (ids: readonly string[]) => fastify.safety.safety.sessionsOnLegalHold(ids);
    const retention = createRetention({ steps, schedule: config.retention, held, clock, logger });
    await retention.install(jobs, db);
    fastify.decorate('retention', retention);
  },
  {
    name: 'tutorline-retention',
    fastify: '5.x',
    decorators: { fastify: ['platform'] },
    dependencies: ['tutorline-identity', 'tutorline-notifications', 'tutorline-media', 'tutorline-rooms', 'tutorline-help', 'tutorline-connectivity', 'tutorline-classroom', 'tutorline-recordings', 'tutorline-safety'],
  },
);
