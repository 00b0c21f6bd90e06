import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SIMULATOR_CLOUD } from '../../config';
import { cloudMessagesPayload, cloudSignature, type FakeGraph, renderTemplate, type SimulatedMessage, type TemplateDefinition, templateFromCloud } from '../../integrations/whatsapp';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { WhatsApp } from './whatsapp.service';

/** Numbers the simulator offers: students who message us first, and demo tutors linked on start (with alerts on). */
export const SIMULATOR_NUMBERS = {
  students: [
    { waId: '919900000001', name: 'Riya (student)' },
    { waId: '919900000002', name: 'Kabir (student)' },
  ],
  tutors: [
    { waId: '919800000008', name: 'tutor08 (maths 9–10)', email: 'tutor08@tutorline.test' },
    { waId: '919800000016', name: 'tutor16 (maths 9–10)', email: 'tutor16@tutorline.test' },
  ],
};

interface ThreadEntry {
  direction: 'in' | 'out';
  at: string;
  id: string;
  body: Record<string, unknown>;
}

const sendSchema = z.strictObject({
  number: z.string().regex(/^\d{8,15}$/),
  name: z.string().max(60).optional(),
  message: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('text'), text: z.string().min(1).max(4096) }),
    z.strictObject({ type: z.literal('image'), dataBase64: z.string().min(1).max(14_000_000), mimeType: z.string().max(100), caption: z.string().max(1024).optional() }),
    z.strictObject({ type: z.literal('button'), replyId: z.string().max(256), title: z.string().max(40), contextId: z.string().max(200).optional() }),
    z.strictObject({ type: z.literal('list'), replyId: z.string().max(200), title: z.string().max(40), contextId: z.string().max(200).optional() }),
    // A tap on a template's quick-reply button: Cloud sends it back as type "button" with its payload.
    z.strictObject({ type: z.literal('template_button'), payload: z.string().max(256), text: z.string().max(40), contextId: z.string().max(200).optional() }),
    z.strictObject({ type: z.literal('sticker') }),
  ]),
});

/**
 * The WhatsApp simulator (development only): a phone-like page at /dev/whatsapp acts as student or tutor numbers.
 * What it "sends" becomes a Cloud API webhook, signed with the simulator's app secret and POSTed to our real webhook
 * over HTTP; what we send arrives through the in-process fake Graph API, which also serves the photos.
 */
export async function simulatorRoutes(fastify: FastifyInstance, opts: { fakeGraph: FakeGraph; publicUrl: string; clock: Clock; logger: Logger; templates: readonly TemplateDefinition[] }) {
  const { fakeGraph } = opts;
  /** A template as the phone shows it (the approved text, the header picture, the quick-reply buttons with their payloads). */
  const rendered = (body: Record<string, unknown>) => {
    const sent = body.type === 'template' ? templateFromCloud(body.template) : null;
    const def = sent && opts.templates.find((t) => t.name === sent.name && t.language === sent.language);
    return sent && def ? { rendered: renderTemplate(def, sent) } : {};
  };
  const inbound = new Map<string, ThreadEntry[]>();

  fastify.get('/dev/whatsapp/api/numbers', { config: { access: 'public' }, schema: { hide: true } }, async () => SIMULATOR_NUMBERS);

  fastify.get('/dev/whatsapp/api/thread', { config: { access: 'public' }, schema: { hide: true, querystring: z.strictObject({ number: z.string().regex(/^\d{8,15}$/) }) } }, async (request) => {
    const { number } = request.query as { number: string };
    const out: ThreadEntry[] = fakeGraph
      .sent()
      .filter((m) => m.to === number)
      .map((m) => ({ direction: 'out', at: m.at.toISOString(), id: m.id, body: { ...m.body, ...rendered(m.body) } }));
    const all = [...(inbound.get(number) ?? []), ...out].sort((a, b) => a.at.localeCompare(b.at));
    return { number, messages: all };
  });

  fastify.post('/dev/whatsapp/api/send', { config: { access: 'public' }, bodyLimit: 15 * 1024 * 1024, schema: { hide: true, body: sendSchema } }, async (request, reply) => {
    const { number, name, message } = request.body as z.infer<typeof sendSchema>;
    let simulated: SimulatedMessage;
    let shown: Record<string, unknown>;
    if (message.type === 'image') {
      const mediaId = fakeGraph.putMedia(Buffer.from(message.dataBase64, 'base64'), message.mimeType);
      simulated = { type: 'image', mediaId, mimeType: message.mimeType, ...(message.caption ? { caption: message.caption } : {}) };
      shown = { type: 'image', mediaId, caption: message.caption ?? null };
    } else if (message.type === 'template_button') {
      simulated = message;
      shown = { type: 'button', title: message.text, replyId: message.payload };
    } else {
      simulated = message;
      shown = message;
    }
    const at = opts.clock.now();
    const id = `wamid.sim.${at.getTime()}.${Math.random().toString(36).slice(2, 10)}`;
    const body = cloudMessagesPayload(SIMULATOR_CLOUD.phoneNumberId, [{ from: number, name: name ?? 'Simulator', id, at, message: simulated }]);
    const res = await fetch(`${opts.publicUrl}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': cloudSignature(body, SIMULATOR_CLOUD.appSecret) },
      body,
    });
    const list = inbound.get(number) ?? [];
    list.push({ direction: 'in', at: at.toISOString(), id, body: shown });
    inbound.set(number, list.slice(-200));
    opts.logger.info({ event: 'whatsapp_simulator_sent', waId: number, type: message.type, webhookStatus: res.status }, 'simulator message sent to the webhook');
    return reply.status(res.ok ? 200 : 502).send({ webhookStatus: res.status, id });
  });

  fastify.get('/dev/whatsapp/api/media/:mediaId', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    // The page shows photos the student sent: read them back through the fake Graph's own media flow.
    const { mediaId } = request.params as { mediaId: string };
    const meta = await fetch(`${opts.publicUrl}/dev/fake-graph/v21.0/${encodeURIComponent(mediaId)}`, { headers: { authorization: `Bearer ${SIMULATOR_CLOUD.accessToken}` } });
    if (!meta.ok) return reply.status(404).send({ error: { code: 'not_found', message: 'No such media.' } });
    const { url, mime_type } = (await meta.json()) as { url: string; mime_type: string };
    const data = await fetch(url, { headers: { authorization: `Bearer ${SIMULATOR_CLOUD.accessToken}` } });
    return reply.type(mime_type).header('x-content-type-options', 'nosniff').send(Buffer.from(await data.arrayBuffer()));
  });
}

/**
 * Links the demo tutors to the simulator's tutor numbers (demo data only), with WhatsApp alerts on, as if each had
 * sent "online": so the README's walkthrough reaches them at once. Done when a tutor is first linked; after that
 * "offline" and "online" from the number are the tutor's own choice.
 */
export async function linkSimulatorTutors(whatsapp: WhatsApp, findUserIdByEmail: (email: string) => Promise<string | undefined>) {
  for (const t of SIMULATOR_NUMBERS.tutors) {
    const id = await findUserIdByEmail(t.email);
    if (!id || (await whatsapp.linkedNumber(id))) continue;
    await whatsapp.linkNumber(t.waId, id);
    await whatsapp.alertsOn(id);
  }
}
