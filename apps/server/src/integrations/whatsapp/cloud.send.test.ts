import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCloudSender, toCloudRequestBody } from './cloud';
import { jsonResponse, scriptedFetch } from './fetch.fake';
import { type OutboundMessage, SendError } from './types';

// Outbound: request bodies against the fixtures, and the sender's answers to Graph's statuses. Inbound is in cloud.test.ts.

const dir = new URL('./fixtures/whatsapp-cloud/', import.meta.url);
const raw = (path: string) => readFileSync(new URL(path, dir));
const json = (path: string) => JSON.parse(raw(path).toString('utf8'));

describe('toCloudRequestBody matches the outbound fixtures', () => {
  const KEY = 'tutorapp:msg:7f3c2a';
  const expected = (file: string, body = json(`outbound/${file}`).request.body) => ({ ...body, biz_opaque_callback_data: KEY });

  it('text', () => {
    const m: OutboundMessage = { type: 'text', text: 'Here is the worked solution for Q4: https://tutor.example.com/s/alg-q4', previewUrl: true };
    expect(toCloudRequestBody('919876543210', m, KEY)).toEqual(expected('send-text.json'));
  });

  it('image by link', () => {
    const m: OutboundMessage = { type: 'image', link: 'https://cdn.tutor.example.com/worksheets/alg-q4-annotated.png', caption: 'Annotated worksheet - see the red marks' };
    expect(toCloudRequestBody('919876543210', m, KEY)).toEqual(expected('send-image.json', json('outbound/send-image.json').alternative_body_with_link));
  });

  it('interactive buttons', () => {
    const m: OutboundMessage = {
      type: 'buttons',
      header: 'Session reminder',
      body: 'Hi Aarav! Your algebra session with Ms. Rao is tomorrow at 4:00 PM. Please confirm.',
      footer: 'TutorApp',
      buttons: [
        { id: 'session-confirm', title: 'Confirm' },
        { id: 'session-reschedule', title: 'Reschedule' },
        { id: 'session-cancel', title: 'Cancel' },
      ],
    };
    expect(toCloudRequestBody('919876543210', m, KEY)).toEqual(expected('send-interactive-buttons.json'));
  });

  it('interactive list', () => {
    const m: OutboundMessage = {
      type: 'list',
      header: 'Pick a session slot',
      body: 'Which slot works for your next algebra session?',
      footer: 'Times shown in IST',
      button: 'See slots',
      sections: [
        {
          title: 'This week',
          rows: [
            { id: 'slot_2024-06-18T16:00+05:30', title: 'Tue 4:00 PM', description: 'Algebra with Ms. Rao (45 min)' },
            { id: 'slot_2024-06-20T17:30+05:30', title: 'Thu 5:30 PM', description: 'Algebra with Ms. Rao (45 min)' },
          ],
        },
        { title: 'Next week', rows: [{ id: 'slot_2024-06-25T16:00+05:30', title: 'Tue 4:00 PM', description: 'Algebra with Mr. Iyer (45 min)' }] },
      ],
    };
    expect(toCloudRequestBody('919876543210', m, KEY)).toEqual(expected('send-interactive-list.json'));
  });

  it('template (the fixture already carries biz_opaque_callback_data)', () => {
    const m: OutboundMessage = {
      type: 'template',
      name: 'session_reminder',
      language: 'en_US',
      bodyParams: ['Aarav', 'Algebra', 'Tue 18 Jun, 4:00 PM IST'],
      quickReplyPayloads: ['session-confirm:7f3c2a'],
    };
    expect(toCloudRequestBody('+919876543210', m, KEY)).toEqual(json('outbound/send-template.json').request.body);
  });

  it('omits the body component of a template without parameters', () => {
    const body = toCloudRequestBody('919876543210', { type: 'template', name: 'welcome', language: 'en', bodyParams: [] }, KEY);
    expect(body.template).toEqual({ name: 'welcome', language: { policy: 'deterministic', code: 'en' }, components: [] });
  });
});

describe('createCloudSender', () => {
  const base = { baseUrl: 'https://graph.facebook.com/v21.0/', phoneNumberId: '109876543210987', accessToken: 'EAAtest' };
  const text: OutboundMessage = { type: 'text', text: 'hello' };
  const ok = () => jsonResponse(200, json('outbound/send-response.json').body);

  it('POSTs the documented request and returns the wamid', async () => {
    const f = scriptedFetch(ok());
    const sender = createCloudSender({ ...base, fetch: f.fetch });
    await expect(sender.send('919876543210', text, 'key-1')).resolves.toEqual({ providerMessageId: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQkEwMDAwMDAwMDAwMDAwMDAzAA==' });
    const [call] = f.calls;
    expect(call).toMatchObject({ url: 'https://graph.facebook.com/v21.0/109876543210987/messages', method: 'POST' });
    expect(call?.headers).toMatchObject({ authorization: 'Bearer EAAtest', 'content-type': 'application/json', 'idempotency-key': 'key-1' });
    expect(JSON.parse(call!.body!)).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '+919876543210', type: 'text', text: { body: 'hello' }, biz_opaque_callback_data: 'key-1' });
    expect(call?.signal).toBeInstanceOf(AbortSignal);
  });

  it('5xx → retryable SendError with the Graph code and message', async () => {
    const f = scriptedFetch(jsonResponse(503, { error: { message: 'Service temporarily unavailable', type: 'OAuthException', code: 2 } }));
    const err = await createCloudSender({ ...base, fetch: f.fetch }).send('919876543210', text, 'k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendError);
    expect(err).toMatchObject({ status: 503, retryable: true, code: 2 });
    expect((err as Error).message).toContain('Service temporarily unavailable');
  });

  it('429 → retryable, with Retry-After in ms (seconds or HTTP date)', async () => {
    const f = scriptedFetch(
      jsonResponse(429, { error: { message: '(#130429) Rate limit hit', code: 130429 } }, { 'retry-after': '7' }),
      jsonResponse(429, { error: { message: 'Rate limit hit', code: 130429 } }),
    );
    const sender = createCloudSender({ ...base, fetch: f.fetch });
    await expect(sender.send('919876543210', text, 'k')).rejects.toMatchObject({ status: 429, retryable: true, code: 130429, retryAfterMs: 7000 });
    await expect(sender.send('919876543210', text, 'k')).rejects.toMatchObject({ status: 429, retryable: true, retryAfterMs: null });
  });

  it('other 4xx → not retryable, with error_data details in the message', async () => {
    const f = scriptedFetch(jsonResponse(400, { error: { message: '(#131030) Recipient phone number not in allowed list', code: 131030, error_data: { details: 'Recipient not allowed' } } }));
    const err = (await createCloudSender({ ...base, fetch: f.fetch }).send('919876543210', text, 'k').catch((e: unknown) => e)) as SendError;
    expect(err).toMatchObject({ status: 400, retryable: false, code: 131030 });
    expect(err.message).toContain('Recipient not allowed');
  });

  it('a non-JSON error body still classifies by status', async () => {
    const f = scriptedFetch(new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(createCloudSender({ ...base, fetch: f.fetch }).send('919876543210', text, 'k')).rejects.toMatchObject({ status: 502, retryable: true, code: null });
  });

  it('network failure and timeout → retryable, status null', async () => {
    const f = scriptedFetch(new TypeError('fetch failed'));
    await expect(createCloudSender({ ...base, fetch: f.fetch }).send('919876543210', text, 'k')).rejects.toMatchObject({ status: null, retryable: true, code: 'network' });

    const hang = scriptedFetch(
      (call) =>
        new Promise<Response>((_resolve, reject) => {
          call.signal?.addEventListener('abort', () => reject(call.signal?.reason));
        }),
    );
    await expect(createCloudSender({ ...base, timeoutMs: 20, fetch: hang.fetch }).send('919876543210', text, 'k')).rejects.toMatchObject({ status: null, retryable: true, code: 'timeout' });
  });

  it('a 2xx without a message id is not retried (it may have been sent)', async () => {
    const f = scriptedFetch(jsonResponse(200, { messaging_product: 'whatsapp', messages: [] }));
    await expect(createCloudSender({ ...base, fetch: f.fetch }).send('919876543210', text, 'k')).rejects.toMatchObject({ retryable: false, code: 'bad_response' });
  });

  it('refuses invalid messages and recipients before any request', async () => {
    const f = scriptedFetch();
    const sender = createCloudSender({ ...base, fetch: f.fetch });
    await expect(sender.send('919876543210', { type: 'text', text: 'x'.repeat(4097) }, 'k')).rejects.toMatchObject({ retryable: false, code: 'invalid_message' });
    await expect(sender.send('not-a-number', text, 'k')).rejects.toMatchObject({ retryable: false, code: 'invalid_recipient' });
    expect(f.calls).toHaveLength(0);
  });
});
