import { describe, expect, it } from 'vitest';
import type { LocalTracks } from './local-tracks';
import { type CallSenders, configureSenders } from './senders';

/** A sender that remembers its track; no encodings yet (before negotiation), so limits are left alone. */
function fakeSender() {
  const s = { track: null as unknown, replaceTrack: async (t: unknown) => void (s.track = t), getParameters: () => ({ encodings: [] }), setParameters: async () => undefined };
  return s;
}
const track = (kind: string) => ({ kind, getSettings: () => ({ height: 480 }) }) as unknown as MediaStreamTrack;

describe('configureSenders', () => {
  const mic = track('audio');
  const camera = track('video');
  const local = { screen: null, audioTrack: () => mic, videoTrack: () => camera } as unknown as LocalTracks;
  const make = () => {
    const audio = fakeSender();
    const video = { sender: fakeSender(), direction: 'sendrecv' };
    return { audio, video, senders: { audio, video } as unknown as CallSenders };
  };

  it('puts the microphone and camera on the senders', async () => {
    const { audio, video, senders } = make();
    await configureSenders(senders, local, 'full', false);
    expect([audio.track, video.sender.track]).toEqual([mic, camera]);
  });

  it('handed over to the media server (a recorded session): both senders carry nothing, the direction stays, and back again', async () => {
    const { audio, video, senders } = make();
    await configureSenders(senders, local, 'full', false, true);
    expect([audio.track, video.sender.track, video.direction]).toEqual([null, null, 'sendrecv']);
    await configureSenders(senders, local, 'full', false, false);
    expect([audio.track, video.sender.track]).toEqual([mic, camera]);
  });
});
