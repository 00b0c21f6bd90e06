/**
 * Headless clients for the class bench: werift receivers that time the first whole VP8 keyframe (werift cannot decode;
 * see support/keyframe.ts) and count RTP bytes, a student joining through Janus, and a 1:1 call (wrtc → werift)
 * signalled in-process with trickle ICE both ways, the fastest a direct call can be set up here.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { RTCPeerConnection as WeriftPeerConnection, Vp8RtpPayload } from 'werift';
import type { PeerId, Sfu } from '../../apps/server/src/integrations/janus';
import { KeyframeWatcher } from '../support/keyframe';

const require = createRequire(import.meta.url);
// wrtc is CommonJS with no types (as in apps/server/test/webrtc-clients.ts).
const wrtc = require('@roamhq/wrtc') as any;

function unwrap<T>(r: { ok: true; value: T } | { ok: false; reason: string; detail?: unknown }, what: string): T {
  if (!r.ok) throw new Error(`${what}: ${r.reason} ${JSON.stringify(r.detail ?? '')}`);
  return r.value;
}

export interface Receiver {
  /** performance.now() when the receiver started joining, of its first video packet, and of its first whole keyframe. */
  startedAt: number;
  firstVideoAt: number | null;
  keyframeAt: number | null;
  /** RTP bytes received (header + payload), video and audio, and video alone. */
  bytes: number;
  videoBytes: number;
  stop(): Promise<void>;
}

/** A werift peer connection bound to one host address, as an ICE-lite agent (see decision 046), counting what it receives. */
function weriftReceiver(hostAddress: string, startedAt: number): { pc: WeriftPeerConnection; r: Receiver } {
  const pc = new WeriftPeerConnection({
    iceServers: [{ urls: 'stun:127.0.0.1:9' }],
    iceLite: true,
    iceInterfaceAddresses: { udp4: hostAddress },
    iceUseIpv6: false,
  });
  const r: Receiver = { startedAt, firstVideoAt: null, keyframeAt: null, bytes: 0, videoBytes: 0, stop: async () => undefined };
  const keyframes = new KeyframeWatcher();
  pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe((rtp) => {
      r.bytes += rtp.header.payloadOffset + rtp.payload.length;
      if (track.kind !== 'video') return;
      r.videoBytes += rtp.header.payloadOffset + rtp.payload.length;
      r.firstVideoAt ??= performance.now();
      if (r.keyframeAt !== null || rtp.payload.length === 0) return;
      const vp8 = Vp8RtpPayload.deSerialize(rtp.payload);
      const whole = keyframes.push({
        sequenceNumber: rtp.header.sequenceNumber,
        timestamp: rtp.header.timestamp,
        marker: rtp.header.marker,
        keyframeStart: vp8.payloadHeaderExist && vp8.isKeyframe,
      });
      if (whole) r.keyframeAt = performance.now();
    });
  });
  return { pc, r };
}

/**
 * A student joins the room and subscribes to the feeds through the Sfu, as the server will do for a browser; with
 * `substream`, the server then picks that simulcast layer for the student's video (as it will for a good link).
 */
export async function joinStudent(
  sfu: Sfu,
  req: { room: number; pin: string; token: string; display: string; feed: number; hostAddress: string; substream?: number },
): Promise<Receiver> {
  const startedAt = performance.now();
  const joined = unwrap(await sfu.join({ room: req.room, pin: req.pin, token: req.token, display: req.display }), 'join');
  const sub = unwrap(await sfu.subscribe({ room: req.room, pin: req.pin, privateId: joined.privateId, feeds: [{ feed: req.feed }] }), 'subscribe');
  const { pc, r } = weriftReceiver(req.hostAddress, startedAt);
  let peers: PeerId[] = [sub.peer, joined.peer];
  const stopRelay = sfu.onEvent((e) => {
    if (e.type === 'ice_candidate' && e.peer === sub.peer && peers.length && e.candidate) {
      void pc.addIceCandidate({ candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid ?? undefined, sdpMLineIndex: e.candidate.sdpMLineIndex ?? undefined }).catch(() => undefined);
    }
  });
  pc.onIceCandidate.subscribe((c) => {
    if (peers.length) void sfu.trickle(sub.peer, c ? { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null } : null);
  });
  await pc.setRemoteDescription(sub.offer);
  await pc.setLocalDescription(await pc.createAnswer());
  unwrap(await sfu.start(sub.peer, { type: 'answer', sdp: pc.localDescription!.sdp }), 'start');
  if (req.substream !== undefined) {
    const mid = /m=video[^]*?a=mid:(\S+)/.exec(sub.offer.sdp)?.[1];
    if (!mid) throw new Error('the subscription offer has no video m-line');
    unwrap(await sfu.configureSubscriber(sub.peer, { mid, substream: req.substream }), 'configure substream');
  }
  r.stop = async () => {
    stopRelay();
    const ps = peers;
    peers = [];
    for (const p of ps) await sfu.leave(p);
    await pc.close();
  };
  return r;
}

/**
 * The teacher's camera and microphone, shared by the 1:1 calls and the class: 960×540 at 15 fps (the top simulcast
 * layer's size) whose top third is fresh noise every frame (taken at a random offset from a noise buffer, so the
 * encoder has real work and reaches a camera-like bitrate: flat frames code to ~20 kbit/s), a moving bar, and a tone.
 */
export function startMediaSource() {
  const video = new wrtc.nonstandard.RTCVideoSource();
  const audio = new wrtc.nonstandard.RTCAudioSource();
  const [width, height] = [960, 540];
  const frame = new Uint8ClampedArray(width * height * 1.5);
  const band = width * Math.floor(height / 3);
  const noise = randomBytes(band + 65_536);
  let tick = 0;
  const videoTimer = setInterval(() => {
    tick++;
    const at = Math.floor(Math.random() * 65_536);
    frame.set(noise.subarray(at, at + band), 0);
    frame.fill(16 + ((tick * 7) % 200), band, width * height);
    for (let y = 0; y < height; y++) frame.fill(235, y * width + ((tick * 8) % (width - 40)), y * width + ((tick * 8) % (width - 40)) + 40);
    frame.fill(128, width * height);
    video.onFrame({ width, height, data: frame });
  }, 1000 / 15);
  const samples = new Int16Array(480);
  let phase = 0;
  const audioTimer = setInterval(() => {
    for (let i = 0; i < samples.length; i++) samples[i] = Math.round(12_000 * Math.sin((2 * Math.PI * 440 * phase++) / 48_000));
    audio.onData({ samples, sampleRate: 48_000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 });
  }, 10);
  return {
    videoTrack: () => video.createTrack(),
    audioTrack: () => audio.createTrack(),
    stop: () => {
      clearInterval(videoTimer);
      clearInterval(audioTimer);
    },
  };
}
export type MediaSource = ReturnType<typeof startMediaSource>;

function gathered(pc: any): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
  });
}

/**
 * The teacher joins and publishes the source with wrtc: VP8 simulcast in three layers (1.5 Mbit/s, 500 kbit/s and
 * 150 kbit/s, as issue #15 asks) and Opus, the way apps/server/test/webrtc-clients.ts publishes but from `media`.
 */
export async function publishTeacher(sfu: Sfu, media: MediaSource, req: { room: number; pin: string; token: string }): Promise<{ feed: number; simulcast: boolean; stop(): Promise<void> }> {
  const joined = unwrap(await sfu.join({ ...req, display: 'teacher' }), 'join');
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  const tracks = [media.audioTrack(), media.videoTrack()];
  pc.addTransceiver(tracks[0], { direction: 'sendonly' });
  pc.addTransceiver(tracks[1], {
    direction: 'sendonly',
    // Highest first, as janus.js sends them: Janus numbers the rids so that the first listed is substream 2 (the top).
    // Listed lowest first (as apps/server/test/webrtc-clients.ts does), substream 2 is the 150 kbit/s layer.
    sendEncodings: [
      { rid: 'f', maxBitrate: 1_500_000 },
      { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
      { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
    ],
  });
  let live = true;
  const stopRelay = sfu.onEvent((e) => {
    if (live && e.type === 'ice_candidate' && e.peer === joined.peer && e.candidate) void pc.addIceCandidate(e.candidate).catch(() => undefined);
  });
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const offer = { type: 'offer' as const, sdp: pc.localDescription.sdp as string };
  const { answer } = unwrap(await sfu.publish(joined.peer, { offer, bitrateBps: 2_200_000 }), 'publish');
  await pc.setRemoteDescription(answer);
  return {
    feed: joined.feed,
    simulcast: /a=simulcast/.test(offer.sdp),
    stop: async () => {
      if (!live) return;
      live = false;
      stopRelay();
      await sfu.leave(joined.peer);
      pc.close();
      for (const t of tracks) t.stop();
    },
  };
}

/**
 * One 1:1 call, two peers directly on this machine: wrtc sends (VP8 ≤ 1.5 Mbit/s, Opus), werift receives; offer,
 * answer and candidates handed over in-process the moment they exist. Resolves with the receiver once it has a whole
 * keyframe (or rejects after `timeoutMs`); the caller stops it.
 */
export async function directCall(media: MediaSource, hostAddress: string, timeoutMs: number): Promise<Receiver> {
  const startedAt = performance.now();
  const sender = new wrtc.RTCPeerConnection({ iceServers: [] });
  const { pc: receiver, r } = weriftReceiver(hostAddress, startedAt);
  const tracks = [media.audioTrack(), media.videoTrack()];
  r.stop = async () => {
    sender.close();
    for (const t of tracks) t.stop();
    await receiver.close();
  };
  sender.addTransceiver(tracks[0], { direction: 'sendonly' });
  sender.addTransceiver(tracks[1], { direction: 'sendonly', sendEncodings: [{ maxBitrate: 1_500_000 }] });
  // Candidates that exist before the other side has a description wait for it.
  const early: any[] = [];
  const earlyForReceiver: any[] = [];
  let offered = false;
  let answered = false;
  sender.onicecandidate = (e: any) => {
    if (!e.candidate) return;
    const init = { candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex };
    if (offered) void receiver.addIceCandidate(init).catch(() => undefined);
    else earlyForReceiver.push(init);
  };
  receiver.onIceCandidate.subscribe((c) => {
    if (!c) return;
    const init = { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex };
    if (answered) void sender.addIceCandidate(init).catch(() => undefined);
    else early.push(init);
  });
  try {
    await sender.setLocalDescription(await sender.createOffer());
    await receiver.setRemoteDescription({ type: 'offer', sdp: sender.localDescription.sdp });
    offered = true;
    for (const c of earlyForReceiver) await receiver.addIceCandidate(c).catch(() => undefined);
    await receiver.setLocalDescription(await receiver.createAnswer());
    await sender.setRemoteDescription({ type: 'answer', sdp: receiver.localDescription!.sdp });
    answered = true;
    for (const c of early) await sender.addIceCandidate(c).catch(() => undefined);
    const deadline = startedAt + timeoutMs;
    while (r.keyframeAt === null) {
      if (performance.now() > deadline) throw new Error(`no whole keyframe within ${timeoutMs} ms`);
      await new Promise((res) => setTimeout(res, 5));
    }
  } catch (err) {
    await r.stop();
    throw err;
  }
  return r;
}
