import Janode from 'janode';
import JanodeHandle, { type JanusMessage } from 'janode/handle';
import { fail, ok } from '../../platform/result';
import type { FeedRef, Jsep, PeerId, RoomSpec, SfuEvent, SfuFail, SfuResult, SubscribedStream } from './sfu';

/** The videoroom handle and its requests: answers, refusals, events (used by janus.sfu.ts). */

export const requestTimeoutMs = 10_000;

/** A videoroom handle: answers close their request; everything else is an event for the adapter. */
export class VideoRoomHandle extends JanodeHandle {
  override handleMessage(message: JanusMessage): unknown {
    const data = message.plugindata?.data;
    if (!data || !('videoroom' in data)) return null;
    if (message.transaction && this.ownsTransaction(message.transaction)) {
      this.closeTransactionWithSuccess(message.transaction, message);
      return message;
    }
    this.emit('videoroom', message);
    return message;
  }
}

/** Janus's videoroom error codes, grouped into the reasons callers act on. */
function failFor(code: number, message: string): SfuFail {
  switch (code) {
    case 426:
      return fail('no_such_room');
    case 427:
      return fail('room_exists');
    case 428:
      return fail('no_such_feed');
    case 433:
      return fail('unauthorized');
    case 432:
      return fail('room_full');
    default:
      return fail('refused', { code, message });
  }
}

/** One videoroom request; Janus's refusals become results, a lost Janus (`up()` false, or no answer) `sfu_down`. */
export async function videoRoomRequest(handle: VideoRoomHandle | null, body: Record<string, unknown>, jsep: Jsep | undefined, up: () => boolean): Promise<SfuResult<{ data: Record<string, unknown>; jsep: Jsep | null }>> {
  if (!handle || !up()) return fail('sfu_down');
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('0 no answer from janus')), requestTimeoutMs);
    });
    const msg = await Promise.race([handle.message(body, jsep), timeout]);
    const data = msg.plugindata?.data ?? {};
    if (typeof data.error_code === 'number') return failFor(data.error_code, String(data.error ?? ''));
    return ok({ data, jsep: msg.jsep ?? null });
  } catch (err) {
    if (!up()) return fail('sfu_down');
    const m = /^(\d+) (.*)$/.exec((err as Error).message);
    if (m?.[1] === '0') return fail('sfu_down');
    return fail('refused', { code: Number(m?.[1] ?? 0), message: m?.[2] ?? (err as Error).message });
  } finally {
    clearTimeout(timer);
  }
}

/** Janus's `create` for one of our rooms: private, token- and pin-protected, private ids required, Opus and VP8. */
export function createRoomRequest(spec: RoomSpec, room: number, adminKey: string, monitorToken: string): Record<string, unknown> {
  return {
    request: 'create',
    admin_key: adminKey,
    room,
    permanent: false,
    is_private: true,
    description: spec.description ?? `room ${room}`,
    secret: spec.secret,
    pin: spec.pin,
    allowed: [...spec.tokens, monitorToken],
    require_pvtid: true,
    publishers: Math.min(spec.publishers ?? 31, 31),
    bitrate: spec.bitrateBps ?? 200_000,
    fir_freq: 10,
    audiocodec: 'opus',
    videocodec: 'vp8',
    audiolevel_event: true,
    ...(spec.talkingLevel === undefined ? {} : { audio_level_average: spec.talkingLevel }),
    notify_joining: false,
  };
}

/** A handle's own events (WebRTC up, hangup, media, slow link, Janus's candidates) as the adapter's events for `peer`. */
export function forwardHandleEvents(handle: VideoRoomHandle, peer: PeerId, emit: (e: SfuEvent) => void): void {
  const E = Janode.EVENT;
  handle.on(E.HANDLE_WEBRTCUP, () => emit({ type: 'webrtcup', peer }));
  handle.on(E.HANDLE_HANGUP, (d: { reason?: string }) => emit({ type: 'hangup', peer, reason: d.reason ?? null }));
  handle.on(E.HANDLE_MEDIA, (d: { type?: string; mid?: string; receiving?: boolean }) => emit({ type: 'media', peer, kind: d.type ?? 'unknown', mid: d.mid ?? null, receiving: Boolean(d.receiving) }));
  handle.on(E.HANDLE_SLOWLINK, (d: { uplink?: boolean; media?: string; mid?: string; lost?: number }) =>
    emit({ type: 'slow_link', peer, uplink: Boolean(d.uplink), media: d.media ?? null, mid: d.mid ?? null, lost: d.lost ?? 0 }),
  );
  handle.on(E.HANDLE_TRICKLE, (d: { completed?: boolean; candidate?: string; sdpMid?: string; sdpMLineIndex?: number }) =>
    emit({ type: 'ice_candidate', peer, candidate: d.completed ? null : { candidate: d.candidate ?? '', sdpMid: d.sdpMid ?? null, sdpMLineIndex: d.sdpMLineIndex ?? null } }),
  );
}

export function streamRef(f: FeedRef): Record<string, unknown> {
  return f.mid === undefined ? { feed: f.feed } : { feed: f.feed, mid: f.mid };
}

/** Which feed each m-line of a subscription carries (Janus's `streams` in `attached` and `updated`); inactive ones left out. */
export function subscribedStreams(data: Record<string, unknown> | undefined): SubscribedStream[] {
  const streams = Array.isArray(data?.streams) ? (data.streams as Record<string, unknown>[]) : [];
  return streams.filter((s) => s.active !== false && typeof s.feed_id === 'number').map((s) => ({ mid: String(s.mid), feed: Number(s.feed_id), kind: String(s.type) }));
}
