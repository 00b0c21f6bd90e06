import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWebhook, verifyChallenge, verifySignature } from './cloud';
import { WebhookPayloadError } from './types';

// Inbound: the webhook's signature, the GET handshake and parsing. Outbound (request bodies, the sender) is in
// cloud.send.test.ts.

const dir = new URL('./fixtures/whatsapp-cloud/', import.meta.url);
const raw = (path: string) => readFileSync(new URL(path, dir));
const json = (path: string) => JSON.parse(raw(path).toString('utf8'));
const SECRET = 'whatsapp_test_app_secret_8f2c1d';

// inbound/_signatures.json ships with an empty "files" list, so these were computed independently:
// `openssl dgst -sha256 -hmac whatsapp_test_app_secret_8f2c1d -hex < <file>` over the exact file bytes.
const FILE_SIGNATURES: Record<string, string> = {
  'image-with-caption.json': 'd2eb4b3e41799d1cca29ce68743373a7092f3860f1f2a8a3c2fd0d7be264ca53',
  'interactive-button-reply.json': '2572883afa13145a05a561c1005b2da22ff468b981f1f930764882f08096d48d',
  'interactive-list-reply.json': '6582d6b69cea3477cf186e44a0dff914fdd8bc52a48f50bc4a3a2a36d2c400ba',
  'status-delivered.json': 'c7659769bec36f434f6ee0858947aaf79f813e8b652e1ee412c58473cb418d2c',
  'status-read.json': 'e9a49d004b812994eedf43f13f2e0bb5af1e93bb5765db607956a6f642a9008a',
  'status-sent.json': 'cf6d4b5c5871d47f81b0a6b8ae7e2e4e746e165d2db74cc1e86f48b234643012',
  'text.json': '7bd9e745124faa7b74b572e19bc5c19a18e7640fcac8385e1ec527aa9f3366f9',
};

describe('verifySignature (X-Hub-Signature-256)', () => {
  const vectors = json('signature-vectors.json').vectors as { name: string; app_secret: string; raw_body: string; header: string }[];

  it.each(vectors.map((v) => [v.name, v] as const))('accepts the vector: %s', (_name, v) => {
    expect(verifySignature(Buffer.from(v.raw_body, 'utf8'), v.header, v.app_secret)).toBe(true);
  });

  it('uses the test secret named in inbound/_signatures.json', () => {
    expect(json('inbound/_signatures.json').app_secret).toBe(SECRET);
  });

  it.each(Object.entries(FILE_SIGNATURES))('accepts the raw bytes of inbound/%s', (file, hex) => {
    expect(verifySignature(raw(`inbound/${file}`), `sha256=${hex}`, SECRET)).toBe(true);
    // Any entry that may be added to _signatures.json later must agree too.
    const listed = (json('inbound/_signatures.json').files as { file?: string; x_hub_signature_256?: string }[]).find((f) => f.file?.endsWith(file));
    if (listed?.x_hub_signature_256) expect(listed.x_hub_signature_256).toBe(`sha256=${hex}`);
  });

  it('rejects the same JSON re-serialised (hash the bytes, never JSON.stringify(parsed))', () => {
    const bytes = raw('inbound/text.json');
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(bytes.toString('utf8'))));
    expect(verifySignature(reserialised, `sha256=${FILE_SIGNATURES['text.json']}`, SECRET)).toBe(false);
  });

  it('rejects a tampered body, a wrong secret, and every malformed header', () => {
    const bytes = raw('inbound/text.json');
    const good = `sha256=${FILE_SIGNATURES['text.json']}`;
    const tampered = Buffer.from(bytes.toString('utf8').replace('question 4', 'question 5'));
    expect(verifySignature(tampered, good, SECRET)).toBe(false);
    expect(verifySignature(bytes, good, 'another-secret')).toBe(false);
    expect(verifySignature(bytes, good, '')).toBe(false);
    expect(verifySignature(bytes, undefined, SECRET)).toBe(false);
    expect(verifySignature(bytes, '', SECRET)).toBe(false);
    expect(verifySignature(bytes, FILE_SIGNATURES['text.json'], SECRET)).toBe(false); // no prefix
    expect(verifySignature(bytes, good.replace('sha256=', 'SHA256='), SECRET)).toBe(false);
    expect(verifySignature(bytes, good.replace('sha256=', 'sha1='), SECRET)).toBe(false);
    expect(verifySignature(bytes, good.toUpperCase().replace('SHA256=', 'sha256='), SECRET)).toBe(false); // upper-case hex
    expect(verifySignature(bytes, good.slice(0, -2), SECRET)).toBe(false); // short
    expect(verifySignature(bytes, `${good}00`, SECRET)).toBe(false); // long
    expect(verifySignature(bytes, ` ${good}`, SECRET)).toBe(false);
    expect(verifySignature(bytes, `sha256=${'z'.repeat(64)}`, SECRET)).toBe(false);
  });
});

describe('verifyChallenge (GET handshake)', () => {
  const fx = json('verification-get.json');

  it('echoes the challenge for subscribe + our token', () => {
    expect(verifyChallenge(fx.valid.request.query, fx.configured_verify_token)).toBe(fx.valid.expected_response.body);
  });

  it.each((fx.invalid as { case: string; query: Record<string, string> }[]).map((c) => [c.case, c.query] as const))('refuses: %s', (_case, query) => {
    expect(verifyChallenge(query, fx.configured_verify_token)).toBeNull();
  });

  it('refuses when no verify token is configured, or a parameter is repeated (array)', () => {
    expect(verifyChallenge({ 'hub.mode': 'subscribe', 'hub.challenge': '1', 'hub.verify_token': '' }, '')).toBeNull();
    expect(verifyChallenge({ 'hub.mode': 'subscribe', 'hub.challenge': '1', 'hub.verify_token': ['tutorbot-verify-3b9d', 'x'] }, 'tutorbot-verify-3b9d')).toBeNull();
  });
});

describe('parseWebhook (Cloud)', () => {
  const at = (s: number) => new Date(s * 1000);

  it('parses text.json', () => {
    expect(parseWebhook(json('inbound/text.json')).events).toEqual([
      {
        kind: 'message',
        provider: 'cloud',
        id: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUM0FCMTIzNDU2Nzg5MEFCQ0RFRjAA',
        from: '919876543210',
        profileName: 'Aarav Sharma',
        at: at(1718600000),
        message: { type: 'text', text: "Hi! Can you explain question 4 of today's algebra worksheet?" },
      },
    ]);
  });

  it('parses image-with-caption.json with both the media id and the url', () => {
    const [e] = parseWebhook(json('inbound/image-with-caption.json')).events;
    expect(e).toMatchObject({ kind: 'message', id: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUM0FCMTIzNDU2Nzg5MEFCQ0RFRjEA', at: at(1718600042) });
    expect(e?.kind === 'message' && e.message).toEqual({
      type: 'image',
      mediaId: '1023456789012345',
      mediaUrl: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1023456789012345&ext=1718600342&hash=ATtestOnly',
      mimeType: 'image/jpeg',
      caption: 'My working for Q4 - where did I go wrong?',
    });
  });

  it('parses a button reply with the tapped message as context', () => {
    const [e] = parseWebhook(json('inbound/interactive-button-reply.json')).events;
    expect(e?.kind === 'message' && e.message).toEqual({
      type: 'button',
      replyId: 'session-confirm',
      title: 'Confirm',
      contextId: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQkEwMDAwMDAwMDAwMDAwMDAxAA==',
    });
  });

  it('parses a list reply', () => {
    const [e] = parseWebhook(json('inbound/interactive-list-reply.json')).events;
    expect(e).toMatchObject({ kind: 'message', at: at(1718600160), from: '919876543210' });
    expect(e?.kind === 'message' && e.message).toEqual({
      type: 'list',
      replyId: 'slot_2024-06-18T16:00+05:30',
      title: 'Tue 4:00 PM',
      contextId: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQkEwMDAwMDAwMDAwMDAwMDAyAA==',
    });
  });

  it.each([
    ['status-sent.json', 'sent', 1718600200],
    ['status-delivered.json', 'delivered', 1718600203],
    ['status-read.json', 'read', 1718600290],
  ] as const)('parses %s', (file, status, ts) => {
    expect(parseWebhook(json(`inbound/${file}`)).events).toEqual([
      {
        kind: 'status',
        provider: 'cloud',
        id: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQkEwMDAwMDAwMDAwMDAwMDAzAA==',
        status,
        at: at(ts),
        recipient: '919876543210',
        error: null,
      },
    ]);
  });

  it('carries the first error of a failed status', () => {
    const body = withStatus({
      id: 'wamid.FAILED',
      status: 'failed',
      timestamp: '1718600300',
      recipient_id: '919876543210',
      errors: [{ code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.', message: 'x', error_data: { details: 'y' }, href: 'https://example' }],
    });
    expect(parseWebhook(body).events).toEqual([
      { kind: 'status', provider: 'cloud', id: 'wamid.FAILED', status: 'failed', at: at(1718600300), recipient: '919876543210', error: { code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.' } },
    ]);
  });

  it('gives a failed status without errors a placeholder error, and drops statuses outside our model', () => {
    const failed = parseWebhook(withStatus({ id: 'w1', status: 'failed', timestamp: '1', recipient_id: '1' })).events;
    expect(failed[0]).toMatchObject({ status: 'failed', error: { code: null, title: 'Unknown error' } });
    expect(parseWebhook(withStatus({ id: 'w2', status: 'played', timestamp: '1', recipient_id: '1' })).events).toEqual([]);
  });

  it('turns an unknown type (sticker) into unsupported, and an unknown interactive reply too', () => {
    const sticker = clone(json('inbound/text.json'));
    const m = sticker.entry[0].changes[0].value.messages[0];
    delete m.text;
    m.type = 'sticker';
    m.sticker = { mime_type: 'image/webp', sha256: 'x', id: '555', animated: false };
    expect(parseWebhook(sticker).events[0]).toMatchObject({ kind: 'message', message: { type: 'unsupported', originalType: 'sticker' } });

    const flow = clone(json('inbound/interactive-button-reply.json'));
    flow.entry[0].changes[0].value.messages[0].interactive = { type: 'nfm_reply', nfm_reply: { response_json: '{}' } };
    expect(parseWebhook(flow).events[0]).toMatchObject({ message: { type: 'unsupported', originalType: 'interactive:nfm_reply' } });
  });

  it('treats a known type with malformed content as unsupported rather than failing the batch', () => {
    const body = clone(json('inbound/text.json'));
    body.entry[0].changes[0].value.messages[0].text = { nobody: true };
    expect(parseWebhook(body).events[0]).toMatchObject({ message: { type: 'unsupported', originalType: 'text' } });
  });

  it('iterates every entry × change × message/status of a batch, in order, skipping other fields', () => {
    // SPEC lists inbound/batched-two-entries.json but the fixture set does not include it; built from the Graph batching rule.
    const text = json('inbound/text.json');
    const image = json('inbound/image-with-caption.json');
    const read = json('inbound/status-read.json');
    const batch = {
      object: 'whatsapp_business_account',
      entry: [
        { id: text.entry[0].id, changes: [text.entry[0].changes[0], { field: 'message_template_status_update', value: { event: 'APPROVED' } }] },
        {
          id: '176543210987655',
          changes: [
            {
              field: 'messages',
              value: { ...image.entry[0].changes[0].value, statuses: read.entry[0].changes[0].value.statuses },
            },
          ],
        },
      ],
    };
    const events = parseWebhook(batch).events;
    expect(events.map((e) => [e.kind, e.id])).toEqual([
      ['message', 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUM0FCMTIzNDU2Nzg5MEFCQ0RFRjAA'],
      ['message', 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUM0FCMTIzNDU2Nzg5MEFCQ0RFRjEA'],
      ['status', 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQkEwMDAwMDAwMDAwMDAwMDAzAA=='],
    ]);
  });

  it('accepts an empty entry list and numeric timestamps', () => {
    expect(parseWebhook({ object: 'whatsapp_business_account', entry: [] }).events).toEqual([]);
    const body = clone(json('inbound/text.json'));
    body.entry[0].changes[0].value.messages[0].timestamp = 1718600000;
    expect(parseWebhook(body).events[0]?.at).toEqual(at(1718600000));
  });

  it('falls back to a null profile name when the contact is absent', () => {
    const body = clone(json('inbound/text.json'));
    delete body.entry[0].changes[0].value.contacts;
    expect(parseWebhook(body).events[0]).toMatchObject({ profileName: null });
  });

  it.each([
    ['not an object', 'hello'],
    ['null', null],
    ['another object type', { object: 'page', entry: [] }],
    ['entry missing', { object: 'whatsapp_business_account' }],
    ['changes not an array', { object: 'whatsapp_business_account', entry: [{ id: '1', changes: {} }] }],
  ])('throws WebhookPayloadError for a malformed envelope: %s', (_case, body) => {
    expect(() => parseWebhook(body)).toThrow(WebhookPayloadError);
  });

  // Issue #12: these two threw for the whole envelope before; a bad item now never refuses the rest of its batch.
  it.each([
    ['message without id', { messages: [{ from: '1', timestamp: '1', type: 'text', text: { body: 'x' } }] }, 'entry[0].changes[0].value.messages[0]', /id/],
    ['timestamp not a number', { statuses: [{ id: 'w', status: 'read', timestamp: 'yesterday', recipient_id: '1' }] }, 'entry[0].changes[0].value.statuses[0]', /timestamp/],
    ['a NUL in the message id', { messages: [{ from: '1', id: 'wamid.\u0000', timestamp: '1', type: 'text', text: { body: 'x' } }] }, 'entry[0].changes[0].value.messages[0]', /id: must be/],
    ['value not an object', 'nope', 'entry[0].changes[0].value', /root/],
  ])('skips a malformed item and says where and why: %s', (_case, value, where, reason) => {
    const body = { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value }] }] };
    const batch = parseWebhook(body);
    expect(batch.events).toEqual([]);
    expect(batch.skipped).toEqual([{ where, reason: expect.stringMatching(reason) }]);
  });

  it('keeps the good messages and statuses of a batch around a malformed one', () => {
    const good = json('inbound/text.json').entry[0].changes[0].value;
    const read = json('inbound/status-read.json').entry[0].changes[0].value;
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        { id: '1', changes: [{ field: 'messages', value: { ...good, messages: [{ from: '1', type: 'text' }, ...good.messages] } }] },
        { id: '2', changes: [{ field: 'messages', value: { ...read, statuses: [...read.statuses, { id: 'w', status: 'read' }] } }] },
      ],
    };
    const batch = parseWebhook(body);
    expect(batch.events.map((e) => [e.kind, e.id])).toEqual([
      ['message', good.messages[0].id],
      ['status', read.statuses[0].id],
    ]);
    expect(batch.skipped.map((s) => s.where)).toEqual(['entry[0].changes[0].value.messages[0]', 'entry[1].changes[0].value.statuses[1]']);
  });

  it('cleans text jsonb cannot hold: NUL stripped, lone surrogates replaced, in text, captions, titles and names', () => {
    const body = clone(json('inbound/text.json'));
    body.entry[0].changes[0].value.messages[0].text.body = 'Q4\u0000 please \ud800';
    body.entry[0].changes[0].value.contacts[0].profile.name = 'Me\udc00era\u0000';
    const [e] = parseWebhook(body).events;
    expect(e).toMatchObject({ profileName: 'Me\ufffdera', message: { type: 'text', text: 'Q4 please \ufffd' } });
    const image = clone(json('inbound/image-with-caption.json'));
    image.entry[0].changes[0].value.messages[0].image.caption = 'cap\u0000tion\ud83d';
    expect(parseWebhook(image).events[0]).toMatchObject({ message: { type: 'image', caption: 'caption\ufffd' } });
    const button = clone(json('inbound/interactive-button-reply.json'));
    button.entry[0].changes[0].value.messages[0].interactive.button_reply.title = 'Y\u0000es';
    expect(parseWebhook(button).events[0]).toMatchObject({ message: { type: 'button', title: 'Yes' } });
  });

  it('reads a timestamp in milliseconds as well as seconds', () => {
    const body = clone(json('inbound/text.json'));
    body.entry[0].changes[0].value.messages[0].timestamp = '1718600000123';
    expect(parseWebhook(body).events[0]?.at).toEqual(new Date(1718600000123));
  });
});

function withStatus(status: Record<string, unknown>) {
  return { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', statuses: [status] } }] }] };
}

function clone<T>(v: T): T {
  return structuredClone(v);
}
