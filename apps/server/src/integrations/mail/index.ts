import nodemailer from 'nodemailer';

/** One email as it goes out: plain text and HTML with the same words. */
export interface MailOut {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  locale: string;
}

/**
 * The transport's answer: sent, or not, with the SMTP reply code (undefined when none came: no connection, a timeout)
 * and the error's code. The server's reply text is left out on purpose: it often repeats the address.
 */
export type MailAnswer = { ok: true } | { ok: false; responseCode: number | undefined; code: string };

export interface MailTransport {
  send(mail: MailOut): Promise<MailAnswer>;
  close(): void;
}

/** SMTP through nodemailer, from an smtp:// or smtps:// URL (user and password in the URL when the server wants them). */
export function createSmtpTransport(url: string): MailTransport {
  const transport = nodemailer.createTransport(url, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as never);
  return {
    async send(mail) {
      try {
        await transport.sendMail({ to: mail.to, from: mail.from, subject: mail.subject, text: mail.text, html: mail.html, headers: { 'Content-Language': mail.locale, 'Auto-Submitted': 'auto-generated' } });
        return { ok: true };
      } catch (err) {
        const e = err as { responseCode?: unknown; code?: unknown };
        return { ok: false, responseCode: typeof e.responseCode === 'number' ? e.responseCode : undefined, code: typeof e.code === 'string' ? e.code : 'unknown' };
      }
    },
    close: () => transport.close(),
  };
}

/** A message kept by the development mailbox. */
export interface DevMail extends MailOut {
  id: number;
  at: string;
}

/** Development without SMTP: messages are kept in memory (the latest 200) and read at /dev/mail. */
export function createDevMailbox(now: () => Date) {
  const kept: DevMail[] = [];
  let next = 1;
  const transport: MailTransport = {
    async send(mail) {
      kept.unshift({ ...mail, id: next++, at: now().toISOString() });
      kept.length = Math.min(kept.length, 200);
      return { ok: true };
    },
    close() {},
  };
  return { transport, messages: (): readonly DevMail[] => kept };
}
export type DevMailbox = ReturnType<typeof createDevMailbox>;
