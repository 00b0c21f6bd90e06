import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonResponse, scriptedFetch } from './fetch.fake';
import { createGupshupMediaFetcher, createGupshupSender, GUPSHUP_CALLBACK_IPS, parseWebhook, toGupshupMessage, verifyCaller } from './gupshup';
import { type OutboundMessage, SendError, WebhookPayloadError } from './types';

const json = (path: string) => JSON.parse(readFileSync(new URL(`./fixtures/gupshup/${path}`, import.meta.url), 'utf8'));
const GS_ID = '3f1c9a52-6d0e-4b8f-9a51-2c7e0d4b1a10';

describe('verifyCaller (Gupshup signs nothing: a secret token in the callback URL)', () => {
  const secretToken = 'gs-callback-6c1f0e9a7b2d';

  it('accepts the configured token and refuses anything else', () => {
    expect(verifyCaller({ token: secretToken }, { secretToken })).toBe(true);
    expect(verifyCaller({ token: 'gs-callback-6c1f0e9a7b2e' }, { secretToken })).toBe(false);
    expect(verifyCaller({ token: secretToken.slice(0, -1) }, { secretToken })).toBe(false);
    expect(verifyCaller({ token: undefined }, { secretToken })).toBe(false);
    expect(verifyCaller({ token: '' }, { secretToken: '' })).toBe(false);
  });

  it('optionally also requires a published Gupshup source address', () => {
    const opts = { secretToken, allowedIps: GUPSHUP_CALLBACK_IPS };
    expect(verifyCaller({ token: secretToken, ip: '52.66.99.126' }, opts)).toBe(true);
    expect(verifyCaller({ token: secretToken, ip: '::ffff:63.183.31.123' }, opts)).toBe(true);
    expect(verifyCaller({ token: secretToken, ip: '203.0.113.9' }, opts)).toBe(false);
    expect(verifyCaller({ token: secretToken }, opts)).toBe(false);
    expect(verifyCaller({ token: 'wrong', ip: '52.66.99.126' }, opts)).toBe(false);
  });
});

describe('parseWebhook (Gupshup)', () => {
  it('parses message-text.json', () => {
    expect(parseWebhook(json('inbound/message-text.json')).events).toEqual([
      {
        kind: 'message',
        provider: 'gupshup',
        id: 'ABEGkZh2VDQRAgo6TutorTest0001',
        from: '919876543210',
        profileName: 'Aarav Sharma',
        at: new Date(1718600000123),
        message: { type: 'text', text: 'Hi, when is my next physics class?' },
      },
    ]);
  });

  it('parses message-image.json (a url, no media id)', () => {
    const [e] = parseWebhook(json('inbound/message-image.json')).events;
    expect(e).toMatchObject({ kind: 'message', id: 'ABEGkZh2VDQRAgo6TutorTest0003', at: new Date(1718600120789) });
    expect(e?.kind === 'message' && e.message).toEqual({
      type: 'image',
      mediaUrl: 'https://filemanager.gupshup.io/wa/00000000-1111-2222-3333-444444444444/wa/media/55555555-6666-7777-8888-999999999999?download=false',
      mimeType: 'image/jpeg',
      caption: 'Homework page 12',
    });
  });

  it.each([
    ['message-event-sent.json', 'sent', 1718600201],
    ['message-event-delivered.json', 'delivered', 1718600203],
    ['message-event-read.json', 'read', 1718600290],
  ] as const)('parses %s keyed by gsId (the id send() returned), timed by WhatsApp', (file, status, ts) => {
    expect(parseWebhook(json(`inbound/${file}`)).events).toEqual([
      { kind: 'status', provider: 'gupshup', id: GS_ID, status, at: new Date(ts * 1000), recipient: '919876543210', error: null },
    ]);
  });

  it('parses a synchronous failure keyed by its id, with code and reason', () => {
    expect(parseWebhook(json('inbound/message-event-failed-sync.json')).events).toEqual([
      {
        kind: 'status',
        provider: 'gupshup',
        id: '9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
        status: 'failed',
        at: new Date(1718600300000),
        recipient: '919000000001',
        error: { code: 1002, title: 'Number Does Not Exist On WhatsApp' },
      },
    ]);
  });

  it('parses an asynchronous failure (id = WhatsApp id, gsId = ours)', () => {
    const body = json('inbound/message-event-delivered.json');
    body.payload.type = 'failed';
    body.payload.payload = { code: 470, reason: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number' };
    expect(parseWebhook(body).events[0]).toMatchObject({ id: GS_ID, status: 'failed', error: { code: 470 } });
  });

  it('yields nothing for enqueued, deleted, unknown events and non-message callbacks', () => {
    expect(parseWebhook(json('inbound/message-event-enqueued.json')).events).toEqual([]);
    const deleted = json('inbound/message-event-read.json');
    deleted.payload.type = 'deleted';
    expect(parseWebhook(deleted).events).toEqual([]);
    expect(parseWebhook({ app: 'TutorBotApp', timestamp: 1718600000000, version: 2, type: 'user-event', payload: { phone: '919876543210', type: 'sandbox-start' } }).events).toEqual([]);
    expect(parseWebhook({ app: 'TutorBotApp', timestamp: 1718600000000, type: 'billing-event', payload: { deductions: {} } }).events).toEqual([]);
  });

  it('maps quick-reply and list replies using postbackText as the reply id and the replied-to gsId as context', () => {
    const base = json('inbound/message-text.json');
    const button = { ...base, payload: { ...base.payload, type: 'button_reply', payload: { title: 'Confirm', id: 'gs-option-1', reply: 'Confirm 1', postbackText: 'session-confirm' }, context: { id: 'gBEG...', gsId: GS_ID } } };
    expect(parseWebhook(button).events[0]).toMatchObject({ message: { type: 'button', replyId: 'session-confirm', title: 'Confirm', contextId: GS_ID } });
    const list = { ...base, payload: { ...base.payload, type: 'list_reply', payload: { title: 'Tue 4:00 PM', id: 'row-1', reply: 'Tue 4:00 PM 1' } } };
    expect(parseWebhook(list).events[0]).toMatchObject({ message: { type: 'list', replyId: 'row-1', title: 'Tue 4:00 PM', contextId: null } });
  });

  it('turns other message types into unsupported', () => {
    const body = json('inbound/message-text.json');
    body.payload.type = 'location';
    body.payload.payload = { longitude: '72.8', latitude: '19.0' };
    expect(parseWebhook(body).events[0]).toMatchObject({ message: { type: 'unsupported', originalType: 'location' } });
  });

  it.each([
    ['not an object', 'x'],
    ['no type', { timestamp: 1, payload: {} }],
  ])('throws WebhookPayloadError: %s', (_case, body) => {
    expect(() => parseWebhook(body)).toThrow(WebhookPayloadError);
  });

  // Issue #12: these two threw before; a refused callback is redelivered by Gupshup for ever, so they are reported instead.
  it.each([
    ['message without source', { type: 'message', timestamp: 1, payload: { id: 'a', type: 'text', payload: { text: 'x' } } }, /source/],
    ['event without destination', { type: 'message-event', timestamp: 1, payload: { id: 'a', type: 'read' } }, /destination/],
    ['a NUL in the message id', { type: 'message', timestamp: 1, payload: { id: 'a\u0000', source: '919876543210', type: 'text', payload: { text: 'x' } } }, /id: must be/],
  ])('skips a malformed message or event and says why: %s', (_case, body, reason) => {
    expect(parseWebhook(body)).toEqual({ events: [], skipped: [{ where: 'payload', reason: expect.stringMatching(reason) }] });
  });

  it('cleans text jsonb cannot hold: NUL stripped, lone surrogates replaced, in text, captions and names', () => {
    const body = json('inbound/message-text.json');
    body.payload.payload.text = 'when\u0000 is \ud800class';
    body.payload.sender.name = 'Aarav\udc00';
    expect(parseWebhook(body).events[0]).toMatchObject({ profileName: 'Aarav\ufffd', message: { type: 'text', text: 'when is \ufffdclass' } });
    const image = json('inbound/message-image.json');
    image.payload.payload.caption = 'Q\u00004';
    expect(parseWebhook(image).events[0]).toMatchObject({ message: { type: 'image', caption: 'Q4' } });
  });
});

describe('parseWebhook (Gupshup v3, Meta format)', () => {
  it('parses an inbound text message like the Cloud API, as a Gupshup event', () => {
    expect(parseWebhook(json('inbound/v3-message-text.json'))).toEqual({
      events: [
        {
          kind: 'message',
          provider: 'gupshup',
          id: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUVHV0b3JWM1Rlc3QwMDAxAA==',
          from: '919876543210',
          profileName: 'Aarav Sharma',
          at: new Date(1718600000 * 1000),
          message: { type: 'text', text: 'Hi, when is my next physics class?' },
        },
      ],
      skipped: [],
    });
  });

  it('keys a status by gs_id (the id send() returned), falling back to the wamid, and reads ms timestamps', () => {
    expect(parseWebhook(json('inbound/v3-event-sent.json')).events).toEqual([
      { kind: 'status', provider: 'gupshup', id: GS_ID, status: 'sent', at: new Date(1718600201 * 1000), recipient: '919876543210', error: null },
    ]);
    const late = json('inbound/v3-event-sent.json');
    const status = late.entry[0].changes[0].value.statuses[0];
    delete status.gs_id;
    Object.assign(status, { status: 'read', timestamp: 1718600290123 });
    expect(parseWebhook(late).events).toEqual([
      { kind: 'status', provider: 'gupshup', id: status.id, status: 'read', at: new Date(1718600290123), recipient: '919876543210', error: null },
    ]);
  });

  it('maps a failed status with its Meta error', () => {
    const body = json('inbound/v3-event-sent.json');
    Object.assign(body.entry[0].changes[0].value.statuses[0], { status: 'failed', errors: [{ code: 131047, title: 'Re-engagement message' }] });
    expect(parseWebhook(body).events[0]).toMatchObject({ id: GS_ID, status: 'failed', error: { code: 131047, title: 'Re-engagement message' } });
  });

  it('yields nothing for enqueued and for platform events (a connectivity check must still get a 2xx)', () => {
    expect(parseWebhook(json('inbound/v3-event-enqueued.json'))).toEqual({ events: [], skipped: [] });
    expect(parseWebhook(json('inbound/v3-platform-event.json'))).toEqual({ events: [], skipped: [] });
  });

  it('maps button replies, with the replied-to message named by its Gupshup id', () => {
    const body = json('inbound/v3-message-text.json');
    const m = body.entry[0].changes[0].value.messages[0];
    delete m.text;
    Object.assign(m, { type: 'interactive', context: { from: '918000012345', id: 'wamid.out', gs_id: GS_ID }, interactive: { type: 'button_reply', button_reply: { id: 'session-confirm', title: 'Confirm' } } });
    expect(parseWebhook(body).events[0]).toMatchObject({ provider: 'gupshup', message: { type: 'button', replyId: 'session-confirm', title: 'Confirm', contextId: GS_ID } });
  });

  it('keeps the good message of a batch and skips the malformed one', () => {
    const body = json('inbound/v3-message-text.json');
    const value = body.entry[0].changes[0].value;
    value.messages.unshift({ from: '919876543210', type: 'text', text: { body: 'no id' } });
    const batch = parseWebhook(body);
    expect(batch.events.map((e) => e.id)).toEqual(['wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUVHV0b3JWM1Rlc3QwMDAxAA==']);
    expect(batch.skipped).toEqual([{ where: 'entry[0].changes[0].value.messages[0]', reason: expect.stringMatching(/^id: /) }]);
  });
});

describe('createGupshupSender', () => {
  const opts = { baseUrl: 'https://api.gupshup.io/wa/api/v1', apiKey: 'gs-api-key', source: '918000012345', appName: 'TutorBotApp' };
  const responses = json('outbound/send-responses.json');
  const submitted = () => new Response(JSON.stringify(responses.success.body), { status: responses.success.status, headers: responses.success.headers });

  it('sends text exactly as send-text.json (form-encoded, apikey header) and returns the Gupshup messageId', async () => {
    const fx = json('outbound/send-text.json').request;
    const f = scriptedFetch(submitted());
    const out = await createGupshupSender({ ...opts, fetch: f.fetch }).send(
      '919876543210',
      { type: 'text', text: 'Your physics class is on Thu at 5:00 PM. Reply RESCHEDULE to change.' },
      'key-1',
    );
    expect(out).toEqual({ providerMessageId: GS_ID });
    expect(f.calls[0]).toMatchObject({ url: fx.url, method: 'POST', body: fx.encoded_body });
    expect(f.calls[0]?.headers).toMatchObject({ apikey: 'gs-api-key', 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' });
    expect(Object.fromEntries(new URLSearchParams(f.calls[0]!.body))).toEqual(fx.form);
  });

  it('sends an image as send-image.json (the image doubles as its preview)', async () => {
    const fx = json('outbound/send-image.json').request;
    const f = scriptedFetch(submitted());
    await createGupshupSender({ ...opts, fetch: f.fetch }).send('+919876543210', { type: 'image', link: 'https://cdn.tutor.example.com/notes/physics-ch3.png', caption: 'Chapter 3 summary notes' }, 'k');
    const form = Object.fromEntries(new URLSearchParams(f.calls[0]!.body));
    const { message, ...rest } = form;
    const { message: fxMessage, ...fxRest } = fx.form;
    expect(rest).toEqual(fxRest);
    expect(JSON.parse(message!)).toEqual({ ...JSON.parse(fxMessage), previewUrl: 'https://cdn.tutor.example.com/notes/physics-ch3.png' });
  });

  it('maps buttons to quick_reply and lists to list, carrying our ids as postbackText', () => {
    const buttons: OutboundMessage = { type: 'buttons', header: 'Reminder', body: 'Confirm?', footer: 'TutorApp', buttons: [{ id: 'session-confirm', title: 'Confirm' }, { id: 'session-cancel', title: 'Cancel' }] };
    expect(toGupshupMessage(buttons, 'k1')).toEqual({
      type: 'quick_reply',
      msgid: 'k1',
      content: { type: 'text', header: 'Reminder', text: 'Confirm?', caption: 'TutorApp' },
      options: [
        { type: 'text', title: 'Confirm', postbackText: 'session-confirm' },
        { type: 'text', title: 'Cancel', postbackText: 'session-cancel' },
      ],
    });
    const list: OutboundMessage = { type: 'list', body: 'Pick a slot', button: 'See slots', sections: [{ title: 'This week', rows: [{ id: 'slot-1', title: 'Tue 4:00 PM', description: '45 min' }] }] };
    expect(toGupshupMessage(list, 'k2')).toEqual({
      type: 'list',
      title: '',
      body: 'Pick a slot',
      msgid: 'k2',
      globalButtons: [{ type: 'text', title: 'See slots' }],
      items: [{ title: 'This week', subtitle: 'This week', options: [{ type: 'text', title: 'Tue 4:00 PM', description: '45 min', postbackText: 'slot-1' }] }],
    });
  });

  it('400 error bodies → not retryable, with Gupshup message', async () => {
    const [invalidDestination] = responses.errors;
    const f = scriptedFetch(jsonResponse(invalidDestination.status, invalidDestination.body));
    const err = await createGupshupSender({ ...opts, fetch: f.fetch }).send('919876543210', { type: 'text', text: 'x' }, 'k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendError);
    expect(err).toMatchObject({ status: 400, retryable: false, code: 'Invalid Destination' });
  });

  it('429 and 5xx → retryable; network errors too', async () => {
    const f = scriptedFetch(jsonResponse(429, { status: 'error', message: 'Too Many Requests' }, { 'retry-after': '3' }), new Response('oops', { status: 500 }), new TypeError('fetch failed'));
    const sender = createGupshupSender({ ...opts, fetch: f.fetch });
    const text: OutboundMessage = { type: 'text', text: 'x' };
    await expect(sender.send('919876543210', text, 'k')).rejects.toMatchObject({ status: 429, retryable: true, retryAfterMs: 3000 });
    await expect(sender.send('919876543210', text, 'k')).rejects.toMatchObject({ status: 500, retryable: true });
    await expect(sender.send('919876543210', text, 'k')).rejects.toMatchObject({ status: null, retryable: true, code: 'network' });
  });

  it('a 2xx that is not "submitted" is a non-retryable failure', async () => {
    const f = scriptedFetch(jsonResponse(200, { status: 'error', message: 'Invalid App Details' }));
    await expect(createGupshupSender({ ...opts, fetch: f.fetch }).send('919876543210', { type: 'text', text: 'x' }, 'k')).rejects.toMatchObject({ retryable: false, code: 'Invalid App Details' });
  });

  it('templates need a configured Gupshup template id; with one they go to /template/msg', async () => {
    const tpl: OutboundMessage = { type: 'template', name: 'session_reminder', language: 'en_US', bodyParams: ['Aarav', 'Physics'] };
    const none = scriptedFetch();
    await expect(createGupshupSender({ ...opts, fetch: none.fetch }).send('919876543210', tpl, 'k')).rejects.toMatchObject({ retryable: false, code: 'template_not_configured' });
    expect(none.calls).toHaveLength(0);

    const f = scriptedFetch(submitted());
    const sender = createGupshupSender({ ...opts, templateIds: { 'session_reminder:en_US': 'tpl-uuid-1' }, fetch: f.fetch });
    await expect(sender.send('919876543210', tpl, 'k')).resolves.toEqual({ providerMessageId: GS_ID });
    expect(f.calls[0]?.url).toBe('https://api.gupshup.io/wa/api/v1/template/msg');
    const form = Object.fromEntries(new URLSearchParams(f.calls[0]!.body));
    expect(form).toMatchObject({ channel: 'whatsapp', source: '918000012345', destination: '919876543210', 'src.name': 'TutorBotApp' });
    expect(JSON.parse(form.template!)).toEqual({ id: 'tpl-uuid-1', params: ['Aarav', 'Physics'] });
  });

  it('sends a template with an image header and quick-reply payloads as documented (send-template.json), and reads the tap back', async () => {
    const fixture = json('outbound/send-template.json');
    const f = scriptedFetch(jsonResponse(202, fixture.response.body));
    const sender = createGupshupSender({ ...opts, source: fixture.request.form.source, appName: fixture.request.form['src.name'], templateIds: { tutor_question_alert: '5f2449fd-e4d6-4d02-9647-e46a1b4635a4' }, fetch: f.fetch });
    const alert: OutboundMessage = {
      type: 'template',
      name: 'tutor_question_alert',
      language: 'en',
      bodyParams: ['Mathematics · Grade 9–10'],
      headerImageLink: 'https://tutorline.example/api/help/photos/p1/shared?exp=1&sig=s',
      quickReplyPayloads: ['accept:q1', 'tutor:offline'],
    };
    await expect(sender.send('919876543210', alert, 'k')).resolves.toEqual({ providerMessageId: fixture.response.body.messageId });
    expect(f.calls[0]?.url).toBe(fixture.request.url);
    const form = Object.fromEntries(new URLSearchParams(f.calls[0]!.body));
    expect(Object.keys(form).sort()).toEqual(Object.keys(fixture.request.form).sort());
    for (const [k, v] of Object.entries(fixture.request.form as Record<string, string>)) {
      expect(k === 'channel' || k === 'source' || k === 'destination' || k === 'src.name' ? form[k] : JSON.parse(form[k]!), k).toEqual(k === 'channel' || k === 'source' || k === 'destination' || k === 'src.name' ? v : JSON.parse(v));
    }
    expect(parseWebhook(fixture.callbackOnTap).events).toEqual([
      expect.objectContaining({ kind: 'message', from: '919876543210', message: { type: 'button', replyId: 'accept:q1', title: 'Accept', contextId: 'gBEGkZh2VDQRAgkJ8oNz0Tutor' } }),
    ]);
  });
});

describe('createGupshupMediaFetcher', () => {
  it('GETs the self-authorising url and caps the size', async () => {
    const url = json('inbound/message-image.json').payload.payload.url as string;
    const f = scriptedFetch(new Response('JPEG', { headers: { 'content-type': 'image/jpeg; charset=binary' } }), new Response('x'.repeat(20)));
    const fetcher = createGupshupMediaFetcher({ maxBytes: 10, fetch: f.fetch });
    await expect(fetcher.download({ mediaUrl: url })).resolves.toEqual({ data: Buffer.from('JPEG'), mimeType: 'image/jpeg' });
    expect(f.calls[0]?.url).toBe(url);
    await expect(fetcher.download({ mediaUrl: url })).rejects.toMatchObject({ code: 'too_large' });
    await expect(fetcher.download({ mediaId: '1' })).rejects.toMatchObject({ code: 'no_reference' });
  });
});
