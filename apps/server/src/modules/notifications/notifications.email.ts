import { z } from 'zod';
import type { MailTransport } from '../../integrations/mail';
import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import { defineJob, PermanentJobError } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import { contactsByIds } from '../identity';
import { type EmailContent, emailAddressValid, emailContent, mailLocale, type MailLocale, renderEmail, smtpOutcome } from './notifications.email.rules';
import type { NotificationChannel, OutboundMessage } from './notifications.service';

/** One email to one address: a job of its own, keyed once per recipient per event, retried with the runner's back-off. */
export const EMAIL_SEND_QUEUE = defineJob('notify.email', z.object({ to: z.string(), userId: z.string().optional(), locale: z.enum(['en', 'hi']), content: emailContent }));

/** 'not_configured': production without SMTP_URL (and tests that turn it off); nothing is queued then. */
export type EmailStatus = 'smtp' | 'dev' | 'not_configured';

export interface EmailDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** null when email is not configured. */
  transport: MailTransport | null;
  status: EmailStatus;
  from: string;
  publicUrl: string;
  poke(): void;
}

/**
 * Email (#20, #18): guardian invites, weekly summaries, export links and tutors' application notices. Messages are
 * queued in the caller's transaction and sent by a job; addresses and links stay in the job's payload, never in a log.
 */
export function createEmail(deps: EmailDeps) {
  const { db, clock, logger } = deps;
  const configured = deps.transport !== null;

  /** Queues one email; false (nothing written) when email is off or the address cannot be written to. */
  async function queueTo(tx: Db | Tx, m: { to: string; locale: MailLocale; content: EmailContent; key: string; userId?: string }): Promise<boolean> {
    if (!configured) return false;
    if (!emailAddressValid(m.to)) {
      logger.warn({ event: 'email_address_refused', kind: m.content.kind, userId: m.userId }, 'no email queued: the address cannot be written to');
      return false;
    }
    const payload = { to: m.to, locale: m.locale, content: m.content, ...(m.userId ? { userId: m.userId } : {}) };
    await EMAIL_SEND_QUEUE.enqueue(tx, payload, { now: clock.now(), dedupeKey: `${EMAIL_SEND_QUEUE.queue}:${m.key}`, maxAttempts: 8 });
    logger.info({ event: 'email_queued', kind: m.content.kind, userId: m.userId }, 'email queued');
    deps.poke();
    return true;
  }

  /** Queues one email to an account's own address, in its language. */
  async function queueToUser(tx: Db | Tx, userId: string, content: EmailContent, key: string): Promise<boolean> {
    const [contact] = await contactsByIds(tx, [userId]);
    if (!contact) return false;
    return queueTo(tx, { to: contact.email, locale: mailLocale(contact.language), content, key: `${userId}:${key}`, userId });
  }

  /** The outbox messages email carries, as email content; null for every other kind (tutors' alerts stay off email). */
  function contentOf(userId: string, message: OutboundMessage): EmailContent | null {
    const data = message.data ?? {};
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    if (message.kind === 'data_export_ready' && str(data.url)) return { kind: 'data_export_ready', url: str(data.url), forChild: str(data.userId) !== '' && data.userId !== userId };
    if (message.kind === 'onboarding.status') return { kind: 'onboarding.status', status: str(data.status), text: message.text, url: `${deps.publicUrl}/tutor/application` };
    return null;
  }

  const channel: NotificationChannel = {
    name: 'email',
    carries: (message) => configured && contentOf('', message) !== null,
    async reaches(userId) {
      const [contact] = await contactsByIds(db, [userId]);
      return !!contact && emailAddressValid(contact.email);
    },
    async send(userId, message, key) {
      const content = contentOf(userId, message);
      if (content) await queueToUser(db, userId, content, key);
    },
  };

  /** The notify.email job: renders in the recipient's language and hands it to the transport. */
  async function deliver(payload: z.infer<typeof EMAIL_SEND_QUEUE.schema>, ctx: { attempt: number }) {
    if (!deps.transport) throw new PermanentJobError('email is not configured');
    const mail = renderEmail(payload.content, payload.locale);
    const answer = await deps.transport.send({ to: payload.to, from: deps.from, locale: payload.locale, ...mail });
    const log = { kind: payload.content.kind, userId: payload.userId, attempt: ctx.attempt };
    if (answer.ok) {
      logger.info({ event: 'email_sent', ...log, via: deps.status }, 'email sent');
      return;
    }
    if (smtpOutcome(answer.responseCode) === 'refused') {
      logger.error({ event: 'email_send_failed', ...log, responseCode: answer.responseCode, code: answer.code }, 'the mail server refused the email for good');
      throw new PermanentJobError(`mail server refused (${answer.responseCode})`);
    }
    logger.warn({ event: 'email_send_retry', ...log, responseCode: answer.responseCode, code: answer.code }, 'email not sent; will retry');
    throw new Error(`email not sent (${answer.code}${answer.responseCode ? ` ${answer.responseCode}` : ''})`);
  }

  return { status: deps.status, queueTo, queueToUser, channel, deliver };
}
export type Email = ReturnType<typeof createEmail>;
