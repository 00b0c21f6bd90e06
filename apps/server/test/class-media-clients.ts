import { createRequire } from 'node:module';
import { type MediaStreamTrack, RTCPeerConnection as WeriftPeerConnection } from 'werift';
import { ask } from '../src/modules/classroom/classroom.testkit';
import type { TestSocket } from './sockets';
import { fakeCameraAndMicrophone } from './webrtc-clients';

/**
 * Headless WebRTC clients that signal only through our Socket.IO classroom (`class:media:*`), as browsers do: a wrtc
 * publisher with a real VP8/Opus encoder and a werift receiver counting RTP by kind.
 */
const require = createRequire(import.meta.url);
// wrtc is CommonJS with no types: the few calls used here, typed by hand.
const wrtc = require('@roamhq/wrtc') as any;

type Candidate = { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null;
type On = { on(e: string, l: (p: any) => void): void; off(e: string, l: (p: any) => void): void };

function must<T extends object>(r: { ok: boolean; error?: { code: string } }, what: string): T {
  if (!r.ok) throw new Error(`${what}: ${r.error?.code}`);
  return r as unknown as T;
}

/** Janus's candidates for one of this socket's connections. */
function onCandidates(socket: TestSocket, classId: string, target: 'publisher' | 'subscriber', add: (c: NonNullable<Candidate>) => Promise<void>, source: 'camera' | 'screen' = 'camera', sub?: string): () => void {
  const l = (p: { classId: string; target: string; candidate: Candidate; source?: string; sub?: string }) => {
    if (sub !== undefined && p.sub !== sub) return;
    if (p.classId === classId && p.target === target && (p.source ?? 'camera') === source && p.candidate) void add(p.candidate).catch(() => undefined);
  };
  (socket as unknown as On).on('class:media:candidate', l);
  return () => (socket as unknown as On).off('class:media:candidate', l);
}

export interface SocketPublisher {
  stop(): void;
}

/**
 * Publishes VP8 (three simulcast layers for the teacher, one small stream otherwise) and an Opus tone; as a screen
 * share (`source: 'screen'`), one VP8 stream and no audio on a second feed.
 */
export async function publishOverSocket(socket: TestSocket, classId: string, opts: { simulcast: boolean; source?: 'camera' | 'screen'; size?: [number, number] }): Promise<SocketPublisher> {
  const source = opts.source ?? 'camera';
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  // libwebrtc sends only two of the three layers below 960×540: pass that size where the smallest layer matters.
  const [width, height] = opts.size ?? (opts.simulcast ? [640, 360] : [320, 180]);
  const { video, audio, stop: stopSource } = fakeCameraAndMicrophone(width, height);
  if (source === 'camera') pc.addTransceiver(audio.createTrack(), { direction: 'sendonly' });
  pc.addTransceiver(video.createTrack(), {
    direction: 'sendonly',
    ...(opts.simulcast
      ? { sendEncodings: [{ rid: 'f', maxBitrate: 1_500_000 }, { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 }, { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 }] }
      : { sendEncodings: [{ maxBitrate: 200_000, maxFramerate: 15 }] }),
  });
  const stopRelay = onCandidates(socket, classId, 'publisher', (c) => pc.addIceCandidate(c), source);
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });
  const r = must<{ answer: { type: 'answer'; sdp: string } }>(await ask(socket, 'class:media:publish', { classId, offer: { type: 'offer', sdp: pc.localDescription.sdp }, ...(source === 'screen' ? { source } : {}) }), 'publish');
  await pc.setRemoteDescription(r.answer);
  return {
    stop() {
      stopSource();
      stopRelay();
      pc.close();
    },
  };
}

export interface SocketReceiver {
  packets: { audio: number; video: number };
  /** Packets by the SSRC they came on, per kind (to tell one publisher's audio from another's). */
  audioBySsrc: Map<number, number>;
  videoBySsrc: Map<number, number>;
  /** Whose media each m-line carries, as the server said with the first offer, then with each new offer. */
  streams: { mid: string; userId: string; kind: string; source: string }[];
  /** The server's name for this receiving connection (offers, answers and candidates carry it). */
  sub: string;
  stop(): Promise<void>;
}

/** Receives what the server picked for this participant; later offers (`class:media:offer`) are answered the same way. */
export async function receiveOverSocket(socket: TestSocket, classId: string, hostAddress: string): Promise<SocketReceiver> {
  const r = must<{ offer: { type: 'offer'; sdp: string }; streams: SocketReceiver['streams']; sub: string }>(await ask(socket, 'class:media:subscribe', { classId }), 'subscribe');
  const sub = r.sub;
  const pc = new WeriftPeerConnection({ iceServers: [{ urls: 'stun:127.0.0.1:9' }], iceLite: true, iceInterfaceAddresses: { udp4: hostAddress }, iceUseIpv6: false });
  const result: SocketReceiver = { packets: { audio: 0, video: 0 }, audioBySsrc: new Map(), videoBySsrc: new Map(), streams: r.streams, sub, stop: async () => undefined };
  // werift surfaces only a receiver's first track through onTrack: when Janus reuses an m-line for another feed (a new
  // SSRC), the new track is added to the receiver's list and reported nowhere else. Every track is counted once.
  const counted = new Set<MediaStreamTrack>();
  const count = (track: MediaStreamTrack) => {
    if (counted.has(track)) return;
    counted.add(track);
    track.onReceiveRtp.subscribe((rtp) => {
      if (track.kind === 'video') {
        result.packets.video++;
        result.videoBySsrc.set(rtp.header.ssrc, (result.videoBySsrc.get(rtp.header.ssrc) ?? 0) + 1);
      } else {
        result.packets.audio++;
        result.audioBySsrc.set(rtp.header.ssrc, (result.audioBySsrc.get(rtp.header.ssrc) ?? 0) + 1);
      }
    });
  };
  const countAll = () => {
    for (const t of pc.getTransceivers()) for (const track of t.receiver.tracks) count(track);
  };
  pc.onTrack.subscribe(count);
  const stopRelay = onCandidates(socket, classId, 'subscriber', (c) => pc.addIceCandidate({ candidate: c.candidate, sdpMid: c.sdpMid ?? undefined, sdpMLineIndex: c.sdpMLineIndex ?? undefined }), 'camera', sub);
  pc.onIceCandidate.subscribe((c) => {
    void ask(socket, 'class:media:trickle', { classId, target: 'subscriber', sub, candidate: c ? { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null } : null });
  });
  const answer = async (offer: { type: 'offer'; sdp: string }) => {
    await pc.setRemoteDescription(offer);
    countAll();
    await pc.setLocalDescription(await pc.createAnswer());
    must(await ask(socket, 'class:media:start', { classId, sub, answer: { type: 'answer', sdp: pc.localDescription!.sdp } }), 'start');
  };
  const renegotiate = (p: { classId: string; offer: { type: 'offer'; sdp: string }; streams: SocketReceiver['streams']; sub: string }) => {
    if (p.classId !== classId || p.sub !== sub) return;
    result.streams = p.streams;
    void answer(p.offer).catch(() => undefined);
  };
  (socket as unknown as On).on('class:media:offer', renegotiate);
  await answer(r.offer);
  result.stop = async () => {
    stopRelay();
    (socket as unknown as On).off('class:media:offer', renegotiate);
    await pc.close();
  };
  return result;
}
