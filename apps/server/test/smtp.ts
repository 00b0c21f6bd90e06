import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message as the SMTP server received it: the envelope's recipients, the subject and the decoded text part. */
export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  raw: string;
}

function decodePart(headers: string, body: string): string {
  const enc = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** A header's RFC 2047 encoded words (B or Q, UTF-8) decoded; adjacent words join, as the RFC says. */
function decodeHeader(value: string): string {
  return value.replace(/(=\?UTF-8\?[BQ]\?[^?]*\?=\s*)+/gi, (run) => {
    const bytes = [...run.matchAll(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi)].map(([, enc, text]) =>
      enc!.toUpperCase() === 'B' ? Buffer.from(text!, 'base64') : Buffer.from(text!.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1'),
    );
    return Buffer.concat(bytes).toString('utf8') + (/\s$/.test(run) ? ' ' : '');
  });
}

/** Splits a MIME message into its text/plain and text/html parts (nodemailer's multipart/alternative). */
export function parseMail(raw: string, to: string[]): ReceivedMail {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const subject = decodeHeader(/^subject:\s*(.*)$/im.exec(unfolded)?.[1] ?? '').trim();
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(unfolded)?.[1];
  const parts = boundary ? raw.split(`--${boundary}`).slice(1, -1) : [`${head}\r\n\r\n${rest.join('\r\n\r\n')}`];
  let text = '';
  let html = '';
  for (const part of parts) {
    const [h = '', ...b] = part.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
    const decoded = decodePart(h, b.join('\r\n\r\n'));
    if (/content-type:\s*text\/plain/i.test(h)) text = decoded;
    if (/content-type:\s*text\/html/i.test(h)) html = decoded;
  }
  return { to, subject, text, html, raw };
}

/**
 * A real SMTP server (the smtp-server package) on 127.0.0.1 for tests: it keeps what arrives, can be stopped and started
 * again on the same port (the mail server going down and coming back), and refuses recipients a test names with a 550.
 */
export async function startSmtp() {
  const received: ReceivedMail[] = [];
  const refused = new Set<string>();
  let port = 0;
  let server: SMTPServer | null = null;
  const listen = async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, cb) {
        if (refused.has(address.address.toLowerCase())) return cb(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        cb();
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push(parseMail(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo.map((r) => r.address)));
          cb();
        });
      },
    });
    const s = server;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.server.address() as AddressInfo).port;
  };
  const stop = async () => {
    const s = server;
    server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return {
    url: () => `smtp://127.0.0.1:${port}`,
    received,
    refuse: (address: string) => refused.add(address.toLowerCase()),
    /** The mail server goes away (connections are refused on its port). */
    stop,
    /** It comes back on the same port. */
    start: listen,
    close: stop,
  };
}
export type TestSmtp = Awaited<ReturnType<typeof startSmtp>>;
