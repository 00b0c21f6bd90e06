import type { WhatsAppConfig } from '../../config';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { HelpService } from '../help';
import type { NotificationChannel, OutboundMessage as AppMessage } from '../notifications';
import { type MenuSubject, tutorQuestionAlert } from './conversation';
import { type createOutbox, toOutbound } from './whatsapp.outbox';
import type { WhatsAppRepo } from './whatsapp.repo';
import { questionAlertTemplate } from './whatsapp.templates';

/** How long a question's photo link in an alert works (the provider fetches it when it delivers the alert). */
const SHARED_PHOTO_TTL_MS = 60 * 60 * 1000;

/**
 * Tutors' new-question alerts: the notification outbox's WhatsApp channel. Inside the 24-hour window the photo and an
 * Accept button go free-form; outside it, one approved template with the photo as its header and the same button.
 */
export function createAlertChannel(deps: {
  repo: WhatsAppRepo;
  clock: Clock;
  logger: Logger;
  config: WhatsAppConfig;
  help: HelpService;
  outbox: ReturnType<typeof createOutbox>;
  subjects: () => Promise<MenuSubject[]>;
}): NotificationChannel {
  const { repo, clock, logger, config, subjects, outbox } = deps;
  const queueMessage = outbox.queue;
  return {
    name: 'whatsapp',
    async reaches(userId) {
      return Boolean(await repo.contactOfUser(userId));
    },
    async send(userId, message: AppMessage) {
      const contact = await repo.contactOfUser(userId);
      if (!contact) return;
      // The conversation tells a student about the accept itself (it mirrors help:claimed, with the join link).
      if (message.kind === 'help.accepted') return;
      const data = message.data as { questionId?: string; subjectId?: string; level?: string } | undefined;
      if (message.kind !== 'help.question' || !data?.questionId) {
        await queueMessage(contact.waId, { type: 'text', text: message.text }, `notify:${message.kind}:${userId}:${JSON.stringify(data ?? {})}`, 'notify');
        return;
      }
      const questionId = data.questionId;
      const menu = await subjects();
      const subject = menu.find((s) => s.id === data.subjectId);
      const photos = await deps.help.questionPhotoIds(questionId);
      const expires = new Date(clock.now().getTime() + SHARED_PHOTO_TTL_MS);
      const link = photos[0] ? deps.help.sharedPhotoUrl(photos[0], expires) : null;
      const names = { subjectName: subject?.name ?? String(data.subjectId), levelName: subject?.levels.find((l) => l.id === data.level)?.name ?? String(data.level) };
      const alert = tutorQuestionAlert({ questionId, ...names, text: null, photoCount: photos.length });
      const payloads = alert.kind === 'buttons' ? alert.buttons.map((b) => b.id) : [];
      if (outbox.windowOpen(contact)) {
        if (link) await queueMessage(contact.waId, { type: 'image', link, caption: `${names.subjectName} question` }, `alert-photo:${questionId}:${userId}`, 'tutor.alert.photo', questionId);
        await queueMessage(contact.waId, toOutbound(alert), `alert:${questionId}:${userId}`, 'tutor.alert', questionId);
        return;
      }
      // Outside the 24-hour window: one approved template with the photo as its header and the same Accept button.
      const template = link ? questionAlertTemplate(config.templates, { ...names, photoCount: photos.length, photoLink: link }, payloads) : undefined;
      if (!template) logger.warn({ event: 'whatsapp_alert_without_photo', questionId, userId }, 'no shareable photo: the alert goes as the update template, without Accept');
      await queueMessage(contact.waId, toOutbound(alert), `alert:${questionId}:${userId}`, 'tutor.alert', questionId, template);
    },
  };
}
