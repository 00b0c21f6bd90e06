import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCloudSender } from './cloud';
import { createCloudMediaFetcher } from './cloud-media';
import { type FakeGraph, fakeGraphPlugin, type FakeGraphSent } from './fake-graph';
import { type OutboundMessage, SendError } from './types';

// Real HTTP on 127.0.0.1: the adapters against a fake that speaks Graph's wire format.
describe('fake Graph API + Cloud adapters', () => {
  const phoneNumberId = '109876543210987';
  const accessToken = 'EAA-fake-token';
  let app: FastifyInstance;
  let graph: FakeGraph;
  let baseUrl: string;

  beforeAll(async () => {
    app = Fastify({ logger: false });
    graph = fakeGraphPlugin(app, { phoneNumberId, accessToken });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `${address}/v21.0`;
  });
  afterAll(() => app.close());
  beforeEach(() => graph.reset());

  const sender = (token = accessToken) => createCloudSender({ baseUrl, phoneNumberId, accessToken: token, timeoutMs: 2000 });
  const text: OutboundMessage = { type: 'text', text: 'Your session starts in 10 minutes.' };

  it('accepts a send, records it, tells listeners, and answers with a fresh wamid', async () => {
    const heard: FakeGraphSent[] = [];
    const off = graph.onSent((m) => heard.push(m));
    const a = await sender().send('919876543210', text, 'outbox-1');
    const b = await sender().send('919876543210', { type: 'buttons', body: 'Ready?', buttons: [{ id: 'yes', title: 'Yes' }] }, 'outbox-2');
    off();
    await sender().send('919876543210', text, 'outbox-3');
    expect(a.providerMessageId).toMatch(/^wamid\./);
    expect(a.providerMessageId).not.toBe(b.providerMessageId);
    expect(graph.sent().map((s) => [s.to, s.idempotencyKey, s.id])).toEqual([
      ['919876543210', 'outbox-1', a.providerMessageId],
      ['919876543210', 'outbox-2', b.providerMessageId],
      ['919876543210', 'outbox-3', expect.any(String)],
    ]);
    expect(graph.sent()[0]?.body).toMatchObject({ type: 'text', text: { body: 'Your session starts in 10 minutes.' }, biz_opaque_callback_data: 'outbox-1' });
    expect(graph.sent()[0]?.at).toBeInstanceOf(Date);
    expect(heard).toHaveLength(2);
  });

  it('sends every message type through its body checks', async () => {
    const messages: OutboundMessage[] = [
      { type: 'image', link: 'https://cdn.example.com/a.png', caption: 'a' },
      { type: 'list', body: 'Pick', button: 'Slots', sections: [{ title: 'Week', rows: [{ id: 'r1', title: 'Tue' }] }] },
      { type: 'template', name: 'session_reminder', language: 'en_US', bodyParams: ['Aarav'], quickReplyPayloads: ['p'] },
    ];
    for (const m of messages) await sender().send('919876543210', m, `k-${m.type}`);
    expect(graph.sent()).toHaveLength(3);
  });

  it('500 twice then 200: the sender throws retryable twice, then succeeds', async () => {
    graph.failNext(2, 500);
    const s = sender();
    for (let i = 0; i < 2; i++) {
      const err = await s.send('919876543210', text, 'k').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SendError);
      expect(err).toMatchObject({ status: 500, retryable: true, code: 2 });
    }
    await expect(s.send('919876543210', text, 'k')).resolves.toMatchObject({ providerMessageId: expect.stringMatching(/^wamid\./) });
    expect(graph.sent()).toHaveLength(1);
  });

  it('400 with a Graph error body: not retryable', async () => {
    graph.failNext(1, 400, { body: { error: { message: '(#131026) Message undeliverable', type: 'OAuthException', code: 131026, fbtrace_id: 'x' } } });
    await expect(sender().send('919876543210', text, 'k')).rejects.toMatchObject({ status: 400, retryable: false, code: 131026 });
  });

  it('429: retryable, carrying Retry-After', async () => {
    graph.failNext(1, 429, { retryAfterSeconds: 3 });
    await expect(sender().send('919876543210', text, 'k')).rejects.toMatchObject({ status: 429, retryable: true, code: 130429, retryAfterMs: 3000 });
  });

  it('a wrong token gets 401 in Graph error shape (not retryable); a malformed body gets 400', async () => {
    await expect(sender('wrong').send('919876543210', text, 'k')).rejects.toMatchObject({ status: 401, retryable: false, code: 190 });
    const res = await fetch(`${baseUrl}/${phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: '+919876543210', type: 'text', text: {} }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 100, type: 'OAuthException', fbtrace_id: expect.any(String) } });
    expect(graph.sent()).toHaveLength(0);
  });

  it('serves media through the two-step flow, and the fetcher survives an expired url', async () => {
    const bytes = Buffer.from('TEST-JPEG-BYTES-0001');
    const mediaId = graph.putMedia(bytes, 'image/jpeg');
    const fetcher = createCloudMediaFetcher({ baseUrl, accessToken });
    await expect(fetcher.download({ mediaId })).resolves.toEqual({ data: bytes, mimeType: 'image/jpeg' });

    const meta = (await (await fetch(`${baseUrl}/${mediaId}`, { headers: { authorization: `Bearer ${accessToken}` } })).json()) as { url: string; file_size: number; sha256: string };
    expect(meta).toMatchObject({ messaging_product: 'whatsapp', mime_type: 'image/jpeg', file_size: bytes.length, id: mediaId, sha256: 'OLsc1wPsil0Y6uyzlmYm2F74ciSF2f/CtrFJltlcyg8=' });
    expect((await fetch(meta.url)).status).toBe(401); // the bytes need the bearer too
    graph.expireMediaUrls();
    await expect(fetcher.download({ mediaId, mediaUrl: meta.url })).resolves.toMatchObject({ data: bytes });
    await expect(fetcher.download({ mediaId: '999' })).rejects.toMatchObject({ status: 404, retryable: false });
  });
});
