import { createRequire } from 'node:module';
import { RTCPeerConnection as WeriftPeerConnection } from 'werift';
import type { TestSocket } from './sockets';
import { fakeCameraAndMicrophone } from './webrtc-clients';

/**
 * Headless WebRTC clients of a 1:1 session moved to the SFU (decision 056), signalling only through our socket
 * (`room:sfu:*`) as a browser does: a wrtc publisher with real VP8/Opus encoders and a werift receiver counting RTP.
 */
const require = createRequire(import.meta.url);
// wrtc is CommonJS with no types: the few calls used here, typed by hand.
const wrtc = require('@roamhq/wrtc') as any;

type Candidate = { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null;
type Loose = { on(e: string, l: (p: any) => void): void; off(e: string, l: (p: any) => void): void; timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<any> } };
const ask = (socket: TestSocket, event: string, payload: unknown) => (socket as unknown as Loose).timeout(10_000).emitWithAck(event, payload);

function must<T>(r: { ok: boolean; error?: { code: string } }, what: string): T {
  if (!r.ok) throw new Error(`${what}: ${r.error?.code}`);
  return r as unknown as T;
}

function onCandidates(socket: TestSocket, sessionId: string, target: 'publisher' | 'subscriber', add: (c: NonNullable<Candidate>) => Promise<void>): () => void {
  const l = (p: { sessionId: string; target: string; candidate: Candidate }) => {
    if (p.sessionId === sessionId && p.target === target && p.candidate) void add(p.candidate).catch(() => undefined);
  };
  (socket as unknown as Loose).on('room:sfu:candidate', l);
  return () => (socket as unknown as Loose).off('room:sfu:candidate', l);
}

/** Publishes one small VP8 stream and an Opus tone to the session's room at the SFU. */
export async function publishToSession(socket: TestSocket, sessionId: string): Promise<{ stop(): void }> {
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  const { video, audio, stop: stopSource } = fakeCameraAndMicrophone(320, 180);
  pc.addTransceiver(audio.createTrack(), { direction: 'sendonly' });
  pc.addTransceiver(video.createTrack(), { direction: 'sendonly', sendEncodings: [{ maxBitrate: 300_000, maxFramerate: 15 }] });
  const stopRelay = onCandidates(socket, sessionId, 'publisher', (c) => pc.addIceCandidate(c));
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });
  const r = must<{ answer: { type: 'answer'; sdp: string } }>(await ask(socket, 'room:sfu:publish', { sessionId, offer: { type: 'offer', sdp: pc.localDescription.sdp } }), 'publish');
  await pc.setRemoteDescription(r.answer);
  return {
    stop() {
      stopSource();
      stopRelay();
      pc.close();
    },
  };
}

export interface SessionReceiver {
  packets: { audio: number; video: number };
  stop(): Promise<void>;
}

/** Receives the other participant's feed (call once they publish: `room:sfu:publisher`). */
export async function receiveFromSession(socket: TestSocket, sessionId: string, hostAddress: string): Promise<SessionReceiver> {
  const r = must<{ offer: { type: 'offer'; sdp: string } }>(await ask(socket, 'room:sfu:subscribe', { sessionId }), 'subscribe');
  const pc = new WeriftPeerConnection({ iceServers: [{ urls: 'stun:127.0.0.1:9' }], iceLite: true, iceInterfaceAddresses: { udp4: hostAddress }, iceUseIpv6: false });
  const result: SessionReceiver = { packets: { audio: 0, video: 0 }, stop: async () => undefined };
  pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe(() => {
      if (track.kind === 'video') result.packets.video++;
      else result.packets.audio++;
    });
  });
  const stopRelay = onCandidates(socket, sessionId, 'subscriber', (c) => pc.addIceCandidate({ candidate: c.candidate, sdpMid: c.sdpMid ?? undefined, sdpMLineIndex: c.sdpMLineIndex ?? undefined }));
  pc.onIceCandidate.subscribe((c) => {
    void ask(socket, 'room:sfu:trickle', { sessionId, target: 'subscriber', candidate: c ? { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null } : null });
  });
  await pc.setRemoteDescription(r.offer);
  await pc.setLocalDescription(await pc.createAnswer());
  must(await ask(socket, 'room:sfu:start', { sessionId, answer: { type: 'answer', sdp: pc.localDescription!.sdp } }), 'start');
  result.stop = async () => {
    stopRelay();
    await pc.close();
  };
  return result;
}
