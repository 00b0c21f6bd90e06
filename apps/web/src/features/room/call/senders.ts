import { audioMaxBitrate, videoEncoding } from './bandwidth';
import type { LocalTracks } from './local-tracks';
import type { CallMode } from './types';

/**
 * The two senders of a call. Both sides always send an audio and a video m-line, created by addTrack so that a remote
 * offer reuses them (JSEP only recycles addTrack transceivers; addTransceiver ones would end up as duplicate m-lines).
 * Without a microphone or camera the sender simply carries no track, and the other side's media still arrives.
 */
export interface CallSenders {
  audio: RTCRtpSender;
  video: RTCRtpTransceiver;
}

export function addSenders(pc: RTCPeerConnection, local: LocalTracks): CallSenders {
  const stream = new MediaStream();
  const audio = pc.addTrack(local.mic ?? placeholderTrack('audio'), stream);
  const videoSender = pc.addTrack(local.videoTrack() ?? placeholderTrack('video'), stream);
  return { audio, video: pc.getTransceivers().find((t) => t.sender === videoSender)! };
}

/**
 * Puts the right tracks and limits on the senders. Muting replaces the audio track with none, so no audio bytes
 * leave at all (track.enabled=false would still send silence). `remoteLow`: the other side is in low-bandwidth mode,
 * so its download is as precious as our upload. `handedOver`: the tracks go to the media server instead (a recorded
 * session, decision 056): both senders carry none, and the connection stays up for the way back.
 */
export async function configureSenders(senders: CallSenders, local: LocalTracks, mode: CallMode, remoteLow: boolean, handedOver = false): Promise<void> {
  const video = local.videoTrack();
  await senders.audio.replaceTrack(handedOver ? null : local.audioTrack());
  await senders.video.sender.replaceTrack(handedOver ? null : video);
  // In audio-and-board mode we neither send nor receive video (a shared screen still goes out); changing the
  // direction renegotiates, so the other side stops sending too.
  const direction: RTCRtpTransceiverDirection = mode === 'audio-board' ? (local.screen ? 'sendonly' : 'inactive') : 'sendrecv';
  if (senders.video.direction !== direction) senders.video.direction = direction;
  const low = mode !== 'full' || remoteLow;
  await setEncoding(senders.video.sender, videoEncoding(low, local.screen ? 'screen' : 'camera', video?.getSettings().height ?? null));
  await setEncoding(senders.audio, { maxBitrate: audioMaxBitrate(low) });
}

/** setParameters needs the object getParameters returned; before negotiation there may be no encoding to change. */
async function setEncoding(sender: RTCRtpSender, limits: Partial<RTCRtpEncodingParameters>) {
  const params = sender.getParameters();
  const encoding = params.encodings?.[0];
  if (!encoding) return;
  let changed = false;
  for (const [key, value] of Object.entries(limits) as [keyof RTCRtpEncodingParameters, unknown][]) {
    if (encoding[key] === value) continue;
    if (value === undefined) delete encoding[key];
    else (encoding as Record<string, unknown>)[key] = value;
    changed = true;
  }
  if (changed) await sender.setParameters(params);
}

/**
 * A stopped stand-in track, so that addTrack creates the m-line even without a device (addTransceiver would work for
 * our own offer, but a remote offer would then get duplicate m-lines instead of reusing ours).
 */
function placeholderTrack(kind: 'audio' | 'video'): MediaStreamTrack {
  let track: MediaStreamTrack;
  if (kind === 'audio') {
    const ctx = new AudioContext();
    track = ctx.createMediaStreamDestination().stream.getAudioTracks()[0]!;
    void ctx.close();
  } else {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 2;
    canvas.getContext('2d');
    track = canvas.captureStream(0).getVideoTracks()[0]!;
  }
  track.stop();
  return track;
}
