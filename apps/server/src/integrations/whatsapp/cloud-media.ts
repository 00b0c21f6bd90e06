import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_MEDIA_MAX_BYTES, DEFAULT_TIMEOUT_MS, type FetchLike, fetchWithTimeout, httpError, parseJson, readCapped, readText } from './http';
import { MediaError, type MediaFetcher, type MediaRef } from './types';

/**
 * Downloads inbound media from the Cloud API in two steps (media-retrieval-flow.json):
 * GET /{media-id} (bearer) → {url, mime_type, sha256, file_size}; then GET url with the same bearer.
 * Media URLs live 5 minutes, so a 404 on the download means "ask for a fresh URL", once.
 */
export interface CloudMediaFetcherOptions {
  baseUrl: string;
  accessToken: string;
  /** When set, Meta only serves media that arrived on this number. */
  phoneNumberId?: string;
  timeoutMs?: number;
  maxBytes?: number;
  fetch?: FetchLike;
}

const mediaInfo = z.object({
  url: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  // Meta's docs show a string placeholder; accept both.
  file_size: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
});
type MediaInfo = z.output<typeof mediaInfo>;

export function createCloudMediaFetcher(opts: CloudMediaFetcherOptions): MediaFetcher {
  const fetchImpl = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MEDIA_MAX_BYTES;
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const auth = { authorization: `Bearer ${opts.accessToken}` };

  async function lookUp(mediaId: string): Promise<MediaInfo> {
    const query = opts.phoneNumberId ? `?phone_number_id=${encodeURIComponent(opts.phoneNumberId)}` : '';
    const res = await fetchWithTimeout(fetchImpl, `${baseUrl}/${encodeURIComponent(mediaId)}${query}`, { headers: auth }, timeoutMs, MediaError);
    const json = parseJson(await readText(res));
    if (!res.ok) throw httpError(MediaError, res, graphCode(json), `Media lookup for ${mediaId} failed with ${res.status}`);
    const info = mediaInfo.safeParse(json);
    if (!info.success) throw new MediaError({ status: res.status, retryable: false, code: 'bad_response', message: `Media lookup for ${mediaId} returned no url` });
    if (info.data.file_size !== undefined && info.data.file_size > maxBytes) {
      throw new MediaError({ status: null, retryable: false, code: 'too_large', message: `Media is larger than ${maxBytes} bytes` });
    }
    return info.data;
  }

  async function get(url: string): Promise<Response> {
    return fetchWithTimeout(fetchImpl, url, { headers: auth }, timeoutMs, MediaError);
  }

  async function finish(res: Response, info: MediaInfo | null): Promise<{ data: Buffer; mimeType: string | null }> {
    if (!res.ok) {
      await res.body?.cancel();
      throw httpError(MediaError, res, null, `Media download failed with ${res.status}`);
    }
    const data = await readCapped(res, maxBytes);
    if (info?.sha256 && !matchesSha256(data, info.sha256)) {
      throw new MediaError({ status: res.status, retryable: true, code: 'checksum_mismatch', message: 'Downloaded media does not match its sha256' });
    }
    return { data, mimeType: info?.mime_type ?? mimeOf(res) };
  }

  return {
    async download(ref: MediaRef) {
      if (!ref.mediaId && !ref.mediaUrl) throw new MediaError({ status: null, retryable: false, code: 'no_reference', message: 'Neither mediaId nor mediaUrl given' });
      let info: MediaInfo | null = null;
      let res: Response;
      if (ref.mediaUrl) {
        res = await get(ref.mediaUrl);
        if (res.status !== 404 || !ref.mediaId) return finish(res, null);
        await res.body?.cancel();
        info = await lookUp(ref.mediaId);
        res = await get(info.url);
      } else {
        info = await lookUp(ref.mediaId!);
        res = await get(info.url);
        if (res.status === 404) {
          await res.body?.cancel();
          info = await lookUp(ref.mediaId!);
          res = await get(info.url);
        }
      }
      return finish(res, info);
    },
  };
}

function graphCode(json: unknown): number | null {
  const code = (json as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'number' ? code : null;
}

function mimeOf(res: Response): string | null {
  const type = res.headers.get('content-type')?.split(';')[0]?.trim();
  return type ? type : null;
}

// The encoding of Meta's sha256 is undocumented; its examples are base64, so try that first, then hex.
function matchesSha256(data: Buffer, expected: string): boolean {
  const digest = createHash('sha256').update(data).digest();
  return digest.toString('base64') === expected || digest.toString('hex') === expected.toLowerCase();
}
