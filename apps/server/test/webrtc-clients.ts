import { createRequire } from 'node:module';
import { RTCPeerConnection as WeriftPeerConnection } from 'werift';
import type { FeedRef, IceCandidate, Jsep, PeerId, Sfu } from '../src/integrations/janus';

/**
 * Headless WebRTC clients for the SFU tests (shared/MACHINE.md): a publisher with a real VP8/Opus encoder
 * (@roamhq/wrtc, frames fed through its nonstandard RTCVideoSource) and light subscribers (werift) that count RTP.
 * Signaling goes through the Sfu exactly as the server will relay it for browsers.
 */
const require = createRequire(import.meta.url);
// wrtc is CommonJS with no types: the few calls used here, typed by hand.
const wrtc = require('@roamhq/wrtc') as any;

function unwrap<T>(r: { ok: true; value: T } | { ok: false; reason: string; detail?: unknown }, what: string): T {
  if (!r.ok) throw new Error(`${what}: ${r.reason} ${JSON.stringify(r.detail ?? '')}`);
  return r.value;
}

/** Forwards Janus's trickled candidates for one peer to a client. */
function relayCandidates(sfu: Sfu, peer: () => PeerId | null, add: (c: IceCandidate) => Promise<void>): () => void {
  return sfu.onEvent((e) => {
    if (e.type === 'ice_candidate' && e.peer === peer() && e.candidate) void add(e.candidate).catch(() => undefined);
  });
}

export interface WrtcPublisher {
  peer: PeerId;
  feed: number;
  privateId: number;
  /** The m-line ids of the audio and video it sends. */
  mids: { audio: string; video: string };
  simulcast: boolean;
  stop(): Promise<void>;
}

/**
 * Joins and publishes VP8 (simulcast in three layers when asked: 960×540, ½ and ¼) and Opus (a 440 Hz tone), with
 * frames that change every tick so the encoder keeps sending.
 */
export async function publishWithWrtc(sfu: Sfu, req: { room: number; pin: string; token: string; display: string; simulcast: boolean; hostAddress: string }): Promise<WrtcPublisher> {
  const joined = unwrap(await sfu.join(req), 'join');
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  const { video, audio, stop: stopSource } = req.simulcast ? fakeCameraAndMicrophone(960, 540) : fakeCameraAndMicrophone(320, 180);
  pc.addTransceiver(audio.createTrack(), { direction: 'sendonly' });
  pc.addTransceiver(video.createTrack(), {
    direction: 'sendonly',
    ...(req.simulcast
      ? {
          sendEncodings: [
            { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
            { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
            { rid: 'f', maxBitrate: 1_500_000 },
          ],
        }
      : {}),
  });
  let peer: PeerId | null = joined.peer;
  const stopRelay = relayCandidates(sfu, () => peer, (c) => pc.addIceCandidate(c));
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const offer: Jsep = { type: 'offer', sdp: pc.localDescription.sdp };
  const { answer } = unwrap(await sfu.publish(joined.peer, { offer, bitrateBps: req.simulcast ? 2_000_000 : 200_000 }), 'publish');
  await pc.setRemoteDescription(answer);
  const mids = { audio: pc.getTransceivers()[0].mid as string, video: pc.getTransceivers()[1].mid as string };
  return {
    ...joined,
    mids,
    simulcast: req.simulcast && /a=simulcast/.test(offer.sdp),
    stop: async () => {
      stopSource();
      stopRelay();
      const p = peer;
      peer = null;
      if (p) await sfu.leave(p);
      pc.close();
    },
  };
}

function gathered(pc: any): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
  });
}

export interface WeriftSubscriber {
  peer: PeerId;
  /** RTP packets received, by kind. */
  packets: { audio: number; video: number };
  /** performance.now() of the first video packet. */
  firstVideoAt: number | null;
  joinedAt: number;
  stop(): Promise<void>;
}

/** Subscribes to feeds through the Sfu with werift; binds ICE to the host's veth address only (no STUN lookups). */
export async function subscribeWithWerift(sfu: Sfu, req: { room: number; pin: string; privateId: number; feeds: FeedRef[]; hostAddress: string }): Promise<WeriftSubscriber> {
  const joinedAt = performance.now();
  const sub = unwrap(await sfu.subscribe(req), 'subscribe');
  const pc = new WeriftPeerConnection({
    // werift falls back to a public STUN server when none is given: point it at a closed local port, and as an ICE-lite
    // agent (Janus controls) it never asks it (a full agent waits 5 s for the answer that never comes).
    iceServers: [{ urls: 'stun:127.0.0.1:9' }],
    iceLite: true,
    iceInterfaceAddresses: { udp4: req.hostAddress },
    iceUseIpv6: false,
  });
  const result: WeriftSubscriber = { peer: sub.peer, packets: { audio: 0, video: 0 }, firstVideoAt: null, joinedAt, stop: async () => undefined };
  pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe(() => {
      if (track.kind === 'video') {
        result.packets.video++;
        result.firstVideoAt ??= performance.now();
      } else result.packets.audio++;
    });
  });
  let peer: PeerId | null = sub.peer;
  const stopRelay = relayCandidates(sfu, () => peer, (c) => pc.addIceCandidate({ candidate: c.candidate, sdpMid: c.sdpMid ?? undefined, sdpMLineIndex: c.sdpMLineIndex ?? undefined }));
  pc.onIceCandidate.subscribe((c) => {
    if (peer) void sfu.trickle(peer, c ? { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null } : null);
  });
  await pc.setRemoteDescription(sub.offer);
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  unwrap(await sfu.start(sub.peer, { type: 'answer', sdp: pc.localDescription!.sdp }), 'start');
  result.stop = async () => {
    stopRelay();
    const p = peer;
    peer = null;
    if (p) await sfu.leave(p);
    await pc.close();
  };
  return result;
}

/** Polls a condition (no fixed sleeps), failing with `what` after `ms`. */
export async function waitFor(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A wrtc camera and microphone for test publishers: VP8 frames at 15 fps that change every tick (a moving bar, so the
 * encoder keeps sending) and a 440 Hz Opus tone.
 */
export function fakeCameraAndMicrophone(width: number, height: number) {
  const video = new wrtc.nonstandard.RTCVideoSource();
  const audio = new wrtc.nonstandard.RTCAudioSource();
  const frame = new Uint8ClampedArray(width * height * 1.5);
  let tick = 0;
  const videoTimer = setInterval(() => {
    tick++;
    frame.fill(16 + ((tick * 7) % 200), 0, width * height);
    for (let y = 0; y < height; y++) frame.fill(235, y * width + ((tick * 8) % (width - 40)), y * width + ((tick * 8) % (width - 40)) + 40);
    video.onFrame({ width, height, data: frame });
  }, 1000 / 15);
  const samples = new Int16Array(480);
  let phase = 0;
  const audioTimer = setInterval(() => {
    for (let i = 0; i < samples.length; i++) samples[i] = Math.round(12_000 * Math.sin((2 * Math.PI * 440 * phase++) / 48_000));
    audio.onData({ samples, sampleRate: 48_000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 });
  }, 10);
  return {
    video,
    audio,
    stop() {
      clearInterval(videoTimer);
      clearInterval(audioTimer);
    },
  };
}
