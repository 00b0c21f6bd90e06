import { audioConstraints, mediaProblemOf, openCamera, problemMessage } from './local-media';
import type { LocalMediaChoice } from './types';

/**
 * This side's microphone, camera and shared screen, independent of any peer connection: the call engine asks which
 * track each sender should carry. The camera is really stopped while off (its light goes out, the phone saves power).
 */
export class LocalTracks {
  mic: MediaStreamTrack | null;
  camera: MediaStreamTrack | null;
  screen: MediaStreamTrack | null = null;
  /** The user's wishes; a wish can hold while its track is missing (camera paused by audio-and-board mode). */
  micOn: boolean;
  cameraOn: boolean;
  facing: 'user' | 'environment' = 'user';
  private videoDeviceId: string | null = null;
  private audioDeviceId: string | null = null;
  private videoInputs = 0;

  /** null: no media yet (the call starts before the devices do); adopt() brings it in. */
  constructor(choice: LocalMediaChoice | null) {
    this.mic = this.camera = null;
    this.micOn = this.cameraOn = false;
    if (choice) this.adopt(choice);
  }

  /**
   * Takes the pre-join media. Works on clones of its tracks (same devices, stopped independently); the caller stops
   * the originals.
   */
  adopt(choice: LocalMediaChoice): void {
    const live = (t: MediaStreamTrack | undefined) => (t && t.readyState === 'live' ? t.clone() : null);
    this.mic?.stop();
    this.camera?.stop();
    this.mic = live(choice.stream?.getAudioTracks()[0]);
    this.camera = live(choice.stream?.getVideoTracks()[0]);
    this.micOn = this.mic !== null;
    this.cameraOn = this.camera !== null;
    this.audioDeviceId = choice.audioDeviceId;
    this.videoDeviceId = choice.videoDeviceId;
    this.facing = (this.camera?.getSettings().facingMode as 'user' | 'environment' | undefined) ?? 'user';
  }

  get canSwitchCamera(): boolean {
    return this.videoInputs > 1;
  }
  get canShareScreen(): boolean {
    return typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  }

  /** Counts cameras (labels are not needed for that); call after permission was granted. */
  async countCameras(): Promise<void> {
    try {
      this.videoInputs = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput').length;
    } catch {
      this.videoInputs = 0;
    }
  }

  /** Turns the microphone on or off; returns a message when it could not start. */
  async setMic(on: boolean): Promise<string | null> {
    this.micOn = on;
    if (!on || this.mic) return null;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: audioConstraints(this.audioDeviceId) });
      this.mic = stream.getAudioTracks()[0] ?? null;
      return null;
    } catch (error) {
      this.micOn = false;
      return problemMessage(mediaProblemOf(error), 'microphone');
    }
  }

  /** Opens or stops the camera to match the wish and whether video is allowed now (not in audio-and-board mode). */
  async syncCamera(allowed: boolean): Promise<string | null> {
    if (!(this.cameraOn && allowed)) {
      this.camera?.stop();
      this.camera = null;
      return null;
    }
    if (this.camera && this.camera.readyState === 'live') return null;
    try {
      this.camera = await openCamera(this.videoDeviceId, this.facing);
      return null;
    } catch (error) {
      this.cameraOn = false;
      return problemMessage(mediaProblemOf(error), 'camera');
    }
  }

  /**
   * Front ↔ back on phones (they report a facingMode), else the next camera. The old camera is stopped first: many
   * Android phones cannot open two at once.
   */
  async switchCamera(): Promise<string | null> {
    if (!this.camera) return null;
    const settings = this.camera.getSettings();
    this.camera.stop();
    this.camera = null;
    try {
      if (settings.facingMode) {
        this.facing = this.facing === 'user' ? 'environment' : 'user';
        this.videoDeviceId = null;
        this.camera = await openCamera(null, this.facing);
      } else {
        const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
        const at = cameras.findIndex((d) => d.deviceId === settings.deviceId);
        this.videoDeviceId = cameras[(at + 1) % cameras.length]?.deviceId ?? null;
        this.camera = await openCamera(this.videoDeviceId);
      }
      return null;
    } catch (error) {
      // Go back to whichever camera still opens.
      this.camera = await openCamera(null, this.facing).catch(() => null);
      this.cameraOn = this.camera !== null;
      return problemMessage(mediaProblemOf(error), 'camera');
    }
  }

  /** Starts sharing the screen; `onEnded` runs when the user stops it from the browser's own bar. */
  async startScreen(onEnded: () => void): Promise<string | null> {
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 15 } }, audio: false });
      const track = stream.getVideoTracks()[0]!;
      // Text and drawings over motion: the encoder keeps resolution and drops frames instead.
      track.contentHint = 'detail';
      track.addEventListener('ended', onEnded, { once: true });
      this.screen = track;
      return null;
    } catch (error) {
      // Cancelling the picker is a NotAllowedError too: no message for that.
      return mediaProblemOf(error) === 'denied' ? null : 'The screen could not be shared.';
    }
  }

  stopScreen(): void {
    this.screen?.stop();
    this.screen = null;
  }

  /** The track the video sender should carry: the screen wins over the camera. */
  videoTrack(): MediaStreamTrack | null {
    return this.screen ?? (this.cameraOn ? this.camera : null);
  }
  audioTrack(): MediaStreamTrack | null {
    return this.micOn ? this.mic : null;
  }

  stopAll(): void {
    for (const t of [this.mic, this.camera, this.screen]) t?.stop();
    this.mic = this.camera = this.screen = null;
  }
}
