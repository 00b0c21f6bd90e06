import { LocalTracks } from './local-tracks';
import { addSenders, type CallSenders, configureSenders } from './senders';
import type { CallMode, CallSnapshot, LocalMediaChoice } from './types';

/** What the call's media needs from the call (see peer-call.ts). */
export interface MediaHost {
  current(): RTCPeerConnection | null;
  closed(): boolean;
  snapshot(): CallSnapshot;
  update(patch: Partial<CallSnapshot>): void;
  /** The other side asked for low bandwidth (its peer state). */
  remoteLow(): boolean;
  /** Our tracks go to the media server instead of the peer connection (see PeerCall.handOver). */
  handedOver(): boolean;
  chooseMode(mode: CallMode): void;
}

/**
 * Our side's media: the local tracks (microphone, camera, screen), put onto the peer connection's senders as the
 * mode and the user's controls allow.
 */
export class CallMedia {
  readonly local: LocalTracks;
  private senders: CallSenders | null = null;
  private chain: Promise<void> = Promise.resolve();
  private mediaSet: boolean;

  constructor(
    choice: LocalMediaChoice | null,
    private readonly host: MediaHost,
  ) {
    this.local = new LocalTracks(choice);
    this.mediaSet = choice !== null;
  }

  /** Gives a new peer connection its senders (see senders.ts) and our current tracks. */
  addTo(pc: RTCPeerConnection): void {
    this.senders = addSenders(pc, this.local);
    this.sync();
  }

  /** Counts the cameras, then says whether the camera can be switched. */
  countCameras(): void {
    void this.local.countCameras().then(() => this.host.update({ canSwitchCamera: this.local.canSwitchCamera }));
  }

  /** Opens or stops the camera as the mode allows, configures the senders, and shows the result. In order, one at a time. */
  sync(): void {
    this.chain = this.chain
      .then(async () => {
        const mode = this.host.snapshot().mode;
        const notice = await this.local.syncCamera(mode !== 'audio-board');
        const pc = this.host.current();
        const video = this.local.videoTrack();
        const audio = this.local.audioTrack();
        if (pc && pc.signalingState !== 'closed' && this.senders) await configureSenders(this.senders, this.local, mode, this.host.remoteLow(), this.host.handedOver());
        const shown = this.local.screen ?? this.local.camera;
        const snapshot = this.host.snapshot();
        this.host.update({
          audio: audio !== null,
          video: video !== null && !this.local.screen,
          screen: this.local.screen !== null,
          localVideo: shown ? (snapshot.localVideo?.getTracks()[0] === shown ? snapshot.localVideo : new MediaStream([shown])) : null,
          mirrorLocal: !this.local.screen && this.local.facing === 'user',
          ...(notice ? { notice } : {}),
        });
      })
      .catch((error: unknown) => console.warn('call: could not update the senders', error));
  }

  /** See PeerCall.setMedia. */
  setMedia(choice: LocalMediaChoice): void {
    if (this.host.closed() || this.mediaSet) return;
    this.mediaSet = true;
    this.local.adopt(choice);
    this.countCameras();
    this.sync();
  }

  async setMicrophone(on: boolean): Promise<void> {
    const notice = await this.local.setMic(on);
    this.host.update({ notice });
    this.sync();
  }
  async setCamera(on: boolean): Promise<void> {
    this.local.cameraOn = on;
    this.host.update({ notice: null });
    // Turning the camera on leaves audio-and-board mode: the user clearly wants video.
    if (on && this.host.snapshot().mode === 'audio-board') this.host.chooseMode('low');
    else this.sync();
  }
  async switchCamera(): Promise<void> {
    const notice = await this.local.switchCamera();
    this.host.update({ notice });
    this.sync();
  }
  async startScreenShare(): Promise<void> {
    const notice = await this.local.startScreen(() => this.stopScreenShare());
    this.host.update({ notice });
    this.sync();
  }
  stopScreenShare(): void {
    this.local.stopScreen();
    this.sync();
  }
}
