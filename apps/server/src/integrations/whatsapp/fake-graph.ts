import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type TemplateDefinition, templateFromCloud, templateProblems } from './templates';

/**
 * A fake of the slice of Meta's Graph API we use, speaking its wire format, for tests and the dev
 * simulator. It adds routes to the instance it is given, so mount it in its own prefixed scope
 * inside a real app (GET /:version/:mediaId would otherwise shadow two-segment paths):
 *   POST /:version/:phoneNumberId/messages   send (bearer; body checked; answers with a fresh wamid)
 *   GET  /:version/:mediaId                  media metadata with a short-lived download url
 *   GET  /fake-graph-media/:mediaId          the bytes (bearer)
 * Control it through the returned object, not over HTTP.
 */
export interface FakeGraphOptions {
  phoneNumberId: string;
  accessToken: string;
  /** Origin (plus any prefix) the media urls point at; defaults to the request's own origin and the scope's prefix. */
  publicBaseUrl?: string;
  now?: () => Date;
  /** The templates approved in this fake WhatsApp Business Account: a template send must fit one (Meta's #1320xx errors). */
  templates?: readonly TemplateDefinition[];
}

export interface FakeGraphSent {
  /** Recipient as E.164 digits. */
  to: string;
  body: Record<string, unknown>;
  idempotencyKey: string | null;
  at: Date;
  id: string;
}

export interface FakeGraphFailure {
  /** Graph error body to answer with; a realistic one for the status by default. */
  body?: unknown;
  /** Sent as Retry-After; defaults to 1 for 429. */
  retryAfterSeconds?: number;
}

export interface FakeGraph {
  putMedia(bytes: Buffer, mimeType: string): string;
  sent(): FakeGraphSent[];
  /** The next n sends fail with this status (queued after any failures already pending). */
  failNext(n: number, status: number, failure?: FakeGraphFailure): void;
  onSent(listener: (message: FakeGraphSent) => void): () => void;
  /** Invalidates every media url handed out so far, as Meta's 5-minute expiry would. */
  expireMediaUrls(): void;
  reset(): void;
}

const text = z.object({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() });
const image = z.object({ link: z.string().optional(), id: z.string().optional(), caption: z.string().max(1024).optional() }).refine((i) => !!i.link !== !!i.id, 'image needs exactly one of link and id');
const interactive = z.object({
  type: z.enum(['button', 'list']),
  body: z.object({ text: z.string().min(1) }),
  header: z.object({ type: z.literal('text'), text: z.string() }).optional(),
  footer: z.object({ text: z.string() }).optional(),
  action: z.union([
    z.object({ buttons: z.array(z.object({ type: z.literal('reply'), reply: z.object({ id: z.string(), title: z.string().max(20) }) })).min(1).max(3) }),
    z.object({ button: z.string().max(20), sections: z.array(z.object({ title: z.string().optional(), rows: z.array(z.object({ id: z.string(), title: z.string().max(24), description: z.string().max(72).optional() })) })).min(1).max(10) }),
  ]),
});
const template = z.object({ name: z.string().min(1), language: z.object({ code: z.string().min(1), policy: z.string().optional() }), components: z.array(z.object({ type: z.string() }).loose()).optional() });

const messageBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text }),
  z.object({ type: z.literal('image'), image }),
  z.object({ type: z.literal('interactive'), interactive }),
  z.object({ type: z.literal('template'), template }),
]);
const envelope = z.object({
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.enum(['individual', 'group']).optional(),
  to: z.string().regex(/^\+?\d{7,15}$/),
  biz_opaque_callback_data: z.string().max(512).optional(),
});

interface StoredMedia {
  bytes: Buffer;
  mimeType: string;
  sha256: string;
}

export function fakeGraphPlugin(fastify: FastifyInstance, opts: FakeGraphOptions): FakeGraph {
  // The app passes its clock (the simulator); a test that gives none gets Meta's own, the real one.
  // eslint-disable-next-line no-restricted-syntax
  const now = opts.now ?? (() => new Date());
  const media = new Map<string, StoredMedia>();
  const liveUrlTokens = new Map<string, string>(); // url token → media id
  const failures: { status: number; failure: FakeGraphFailure }[] = [];
  const listeners = new Set<(m: FakeGraphSent) => void>();
  let sentLog: FakeGraphSent[] = [];

  const authorised = (req: FastifyRequest) => req.headers.authorization === `Bearer ${opts.accessToken}`;
  const fbtrace = () => randomBytes(8).toString('base64url');
  const graphError = (reply: FastifyReply, status: number, code: number, message: string, type = 'OAuthException') =>
    reply.code(status).send({ error: { message, type, code, fbtrace_id: fbtrace() } });
  const denied = (reply: FastifyReply) => graphError(reply, 401, 190, 'Invalid OAuth access token - Cannot parse access token');

  fastify.post<{ Params: { version: string; phoneNumberId: string } }>('/:version/:phoneNumberId/messages', async (req, reply) => {
    if (!authorised(req)) return denied(reply);
    if (req.params.phoneNumberId !== opts.phoneNumberId) {
      return graphError(reply, 400, 100, `Unsupported post request. Object with ID '${req.params.phoneNumberId}' does not exist`, 'GraphMethodException');
    }
    const failure = failures.shift();
    if (failure) {
      if (failure.failure.retryAfterSeconds !== undefined || failure.status === 429) {
        reply.header('retry-after', String(failure.failure.retryAfterSeconds ?? 1));
      }
      return reply.code(failure.status).send(failure.failure.body ?? defaultErrorBody(failure.status, fbtrace()));
    }
    const env = envelope.safeParse(req.body);
    const msg = messageBody.safeParse(req.body);
    if (!env.success || !msg.success) {
      const issues = [...(env.error?.issues ?? []), ...(msg.error?.issues ?? [])].map((i) => `${i.path.join('.')}: ${i.message}`);
      return graphError(reply, 400, 100, `(#100) Invalid parameter: ${issues.join('; ')}`);
    }
    if (msg.data.type === 'template' && opts.templates) {
      const sent = templateFromCloud(msg.data.template);
      const problem = sent ? templateProblems(opts.templates, sent)[0] : { code: 100, message: '(#100) Invalid parameter: template' };
      if (problem) return graphError(reply, 400, problem.code, problem.message);
    }
    const to = env.data.to.replace(/^\+/, '');
    const record: FakeGraphSent = {
      to,
      body: req.body as Record<string, unknown>,
      idempotencyKey: typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : (env.data.biz_opaque_callback_data ?? null),
      at: now(),
      id: `wamid.${randomBytes(24).toString('base64')}`,
    };
    sentLog.push(record);
    for (const listener of listeners) listener(record);
    return reply.send({ messaging_product: 'whatsapp', contacts: [{ input: env.data.to, wa_id: to }], messages: [{ id: record.id }] });
  });

  fastify.get<{ Params: { version: string; mediaId: string } }>('/:version/:mediaId', async (req, reply) => {
    if (!authorised(req)) return denied(reply);
    const item = media.get(req.params.mediaId);
    if (!item) return graphError(reply, 404, 100, `Unsupported get request. Object with ID '${req.params.mediaId}' does not exist`, 'GraphMethodException');
    const token = randomBytes(12).toString('hex');
    liveUrlTokens.set(token, req.params.mediaId);
    const base = opts.publicBaseUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.host}${fastify.prefix}`;
    return reply.send({
      messaging_product: 'whatsapp',
      url: `${base}/fake-graph-media/${req.params.mediaId}?token=${token}`,
      mime_type: item.mimeType,
      sha256: item.sha256,
      file_size: item.bytes.length,
      id: req.params.mediaId,
    });
  });

  fastify.get<{ Params: { mediaId: string }; Querystring: { token?: string } }>('/fake-graph-media/:mediaId', async (req, reply) => {
    if (!authorised(req)) return denied(reply);
    const item = media.get(req.params.mediaId);
    if (!item || !req.query.token || liveUrlTokens.get(req.query.token) !== req.params.mediaId) return reply.code(404).send('Not Found');
    return reply.header('content-type', item.mimeType).send(item.bytes);
  });

  return {
    putMedia(bytes, mimeType) {
      // 15 digits like Meta's media ids (randomInt's range is capped at 2^48).
      const id = `${randomInt(100_000, 999_999)}${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
      media.set(id, { bytes: Buffer.from(bytes), mimeType, sha256: createHash('sha256').update(bytes).digest('base64') });
      return id;
    },
    sent: () => [...sentLog],
    failNext(n, status, failure = {}) {
      for (let i = 0; i < n; i++) failures.push({ status, failure });
    },
    onSent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    expireMediaUrls: () => liveUrlTokens.clear(),
    reset() {
      sentLog = [];
      failures.length = 0;
      liveUrlTokens.clear();
      media.clear();
    },
  };
}

// Shapes and codes as Graph answers them (code 1/2 transient, 100 invalid parameter, 130429 throughput).
function defaultErrorBody(status: number, fbtraceId: string) {
  if (status === 429) return { error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429, fbtrace_id: fbtraceId } };
  if (status >= 500) return { error: { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2, is_transient: true, fbtrace_id: fbtraceId } };
  if (status === 401) return { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: fbtraceId } };
  return { error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100, fbtrace_id: fbtraceId } };
}
