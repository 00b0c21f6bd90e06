import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCloudMediaFetcher } from './cloud-media';
import { jsonResponse, scriptedFetch } from './fetch.fake';
import { MediaError } from './types';

const flow = JSON.parse(readFileSync(new URL('./fixtures/whatsapp-cloud/media-retrieval-flow.json', import.meta.url), 'utf8'));
const BYTES = Buffer.from(flow.step2_download.response.body_bytes_ascii as string, 'ascii');
const META = flow.step1_get_media_url.response.body as { url: string; mime_type: string; sha256: string; file_size: string };
const opts = { baseUrl: 'https://graph.facebook.com/v25.0', accessToken: 'EAAtest', phoneNumberId: '109876543210987' };
const bytes = (status = 200, body: Buffer = BYTES) => new Response(body, { status, headers: { 'content-type': 'image/jpeg' } });

describe('createCloudMediaFetcher', () => {
  it('follows the documented two-step flow with the bearer on both steps and checks the sha256', async () => {
    const f = scriptedFetch(jsonResponse(200, META), bytes());
    const out = await createCloudMediaFetcher({ ...opts, fetch: f.fetch }).download({ mediaId: flow.trigger.media_id });
    expect(out).toEqual({ data: BYTES, mimeType: 'image/jpeg' });
    expect(f.calls.map((c) => c.url)).toEqual([flow.step1_get_media_url.request.url, META.url]);
    expect(f.calls.every((c) => c.headers.authorization === 'Bearer EAAtest')).toBe(true);
  });

  it('on a 404 from the media url, asks once for a fresh url and retries', async () => {
    const fresh = { ...META, url: `${META.url}&fresh=1` };
    const f = scriptedFetch(jsonResponse(200, META), new Response('gone', { status: 404 }), jsonResponse(200, fresh), bytes());
    const out = await createCloudMediaFetcher({ ...opts, fetch: f.fetch }).download({ mediaId: flow.trigger.media_id });
    expect(out.data).toEqual(BYTES);
    expect(f.calls.map((c) => c.url)).toEqual([flow.step1_get_media_url.request.url, META.url, flow.step1_get_media_url.request.url, fresh.url]);
  });

  it('gives up after the second 404', async () => {
    const f = scriptedFetch(jsonResponse(200, META), new Response('', { status: 404 }), jsonResponse(200, META), new Response('', { status: 404 }));
    await expect(createCloudMediaFetcher({ ...opts, fetch: f.fetch }).download({ mediaId: '1' })).rejects.toMatchObject({ status: 404, retryable: false });
    expect(f.remaining()).toBe(0);
  });

  it('tries the webhook url first, then falls back to the media id when it has expired', async () => {
    const f = scriptedFetch(new Response('', { status: 404 }), jsonResponse(200, META), bytes());
    const out = await createCloudMediaFetcher({ ...opts, fetch: f.fetch }).download({ mediaId: flow.trigger.media_id, mediaUrl: 'https://lookaside.fbsbx.com/old' });
    expect(out.mimeType).toBe('image/jpeg');
    expect(f.calls[0]?.url).toBe('https://lookaside.fbsbx.com/old');
  });

  it('accepts a hex sha256 and rejects a mismatching one', async () => {
    const hex = { ...META, sha256: flow.step2_download.integrity_check.sha256_hex_of_body };
    await expect(createCloudMediaFetcher({ ...opts, fetch: scriptedFetch(jsonResponse(200, hex), bytes()).fetch }).download({ mediaId: '1' })).resolves.toMatchObject({ data: BYTES });
    const wrong = scriptedFetch(jsonResponse(200, META), bytes(200, Buffer.from('TAMPERED')));
    await expect(createCloudMediaFetcher({ ...opts, fetch: wrong.fetch }).download({ mediaId: '1' })).rejects.toMatchObject({ code: 'checksum_mismatch' });
  });

  it('enforces the size cap from file_size, from Content-Length, and while streaming', async () => {
    const small = { ...opts, maxBytes: 10 };
    const declared = scriptedFetch(jsonResponse(200, META));
    await expect(createCloudMediaFetcher({ ...small, fetch: declared.fetch }).download({ mediaId: '1' })).rejects.toMatchObject({ code: 'too_large', retryable: false });

    const lying = scriptedFetch(jsonResponse(200, { url: META.url }), new Response('x'.repeat(11), { headers: { 'content-length': '11' } }));
    await expect(createCloudMediaFetcher({ ...small, fetch: lying.fetch }).download({ mediaId: '1' })).rejects.toMatchObject({ code: 'too_large' });

    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(4));
        c.close();
      },
    });
    const streamed = scriptedFetch(jsonResponse(200, { url: META.url }), new Response(stream));
    await expect(createCloudMediaFetcher({ ...small, fetch: streamed.fetch }).download({ mediaId: '1' })).rejects.toBeInstanceOf(MediaError);
  });

  it('classifies lookup failures like sends (401 not retryable, 500 retryable) and needs a reference', async () => {
    const denied = scriptedFetch(jsonResponse(401, { error: { message: 'Invalid OAuth access token', code: 190 } }));
    await expect(createCloudMediaFetcher({ ...opts, fetch: denied.fetch }).download({ mediaId: '1' })).rejects.toMatchObject({ status: 401, retryable: false, code: 190 });
    const down = scriptedFetch(jsonResponse(500, {}));
    await expect(createCloudMediaFetcher({ ...opts, fetch: down.fetch }).download({ mediaId: '1' })).rejects.toMatchObject({ status: 500, retryable: true });
    await expect(createCloudMediaFetcher({ ...opts, fetch: scriptedFetch().fetch }).download({})).rejects.toMatchObject({ code: 'no_reference' });
  });
});
