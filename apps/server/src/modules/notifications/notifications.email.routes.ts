import type { FastifyInstance } from 'fastify';
import type { DevMailbox } from '../../integrations/mail';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
const linkify = (s: string) => escapeHtml(s).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);

/**
 * The development mailbox (no SMTP_URL in development): what would have been emailed, newest first, at /dev/mail
 * (a page) and /dev/mail/api/messages (JSON). Under /dev/, so it answers only to this machine.
 */
export async function devMailRoutes(fastify: FastifyInstance, opts: { mailbox: DevMailbox }) {
  fastify.get('/dev/mail/api/messages', { config: { access: 'public' }, schema: { hide: true } }, async () => ({ messages: opts.mailbox.messages() }));

  fastify.get('/dev/mail', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    const items = opts.mailbox
      .messages()
      .map((m) => `<article><h2>${escapeHtml(m.subject)}</h2><p>To ${escapeHtml(m.to)}, ${escapeHtml(m.at)} (${escapeHtml(m.locale)})</p><pre>${linkify(m.text)}</pre></article><hr>`)
      .join('\n');
    const body = items || '<p>No email yet. Invite a guardian by email, or ask for a data export, and it shows here.</p>';
    return reply.type('text/html; charset=utf-8').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Development mailbox</title></head><body><h1>Development mailbox</h1>\n${body}</body></html>`);
  });
}
