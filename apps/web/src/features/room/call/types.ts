import type { PeerState, QualitySample } from '@tutorline/contracts';

/** What the call shows: the same values the other side sees through peer state. */
export type CallConnectionState = PeerState['connection'];
/** 'low' caps video at 320×180 and ~150 kbit/s; 'audio-board' sends and receives no video at all. */
export type CallMode = PeerState['mode'];
export type QualityLevel = 'good' | 'fair' | 'poor' | 'none';

/** The local media chosen in pre-join. The call takes ownership of the tracks and stops them when it closes. */
export interface LocalMediaChoice {
  /** null = chat and board only. */
  stream: MediaStream | null;
  audioDeviceId: string | null;
  videoDeviceId: string | null;
}

export interface CallQuality extends QualitySample {
  level: QualityLevel;
  availableOutgoingBitrate: number | null;
}

/** The engine's state for the UI; a new object on every change. */
export interface CallSnapshot {
  connection: CallConnectionState;
  /** What this side sends. */
  audio: boolean;
  video: boolean;
  screen: boolean;
  mode: CallMode;
  /** Why the mode is not 'full': the user chose it, or the measured network asked for it. */
  modeReason: 'manual' | 'measured' | null;
  /** The local camera (or shared screen) for the small preview; null when off. */
  localVideo: MediaStream | null;
  /** The local preview should be mirrored (front camera, not a screen). */
  mirrorLocal: boolean;
  canSwitchCamera: boolean;
  /** getDisplayMedia exists (not on most phones). */
  canShareScreen: boolean;
  /** The other side's audio and video tracks as they arrive; null before. */
  remoteStream: MediaStream | null;
  /** Remote video frames were decoded in the last stats interval (about 2 s). */
  remoteVideoFlowing: boolean;
  quality: CallQuality | null;
  /** A device problem to show (camera could not start, screen share refused); null when none. */
  notice: string | null;
}
