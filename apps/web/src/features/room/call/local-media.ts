/**
 * Opening the camera and microphone, explaining why that failed, and remembering the chosen devices.
 * Constraints suit cheap phones: 640×360 at most, echo cancellation on.
 */

export type MediaProblem = 'denied' | 'not-found' | 'in-use' | 'unsupported' | 'other';

/** getUserMedia's DOMException names → what to tell the user. */
export function mediaProblemOf(error: unknown): MediaProblem {
  const name = error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error) ? String((error as { name: unknown }).name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'not-found';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'in-use';
    case 'TypeError':
      return 'unsupported';
    default:
      return 'other';
  }
}

export function problemMessage(problem: MediaProblem, device: 'camera' | 'microphone' | 'camera and microphone'): string {
  switch (problem) {
    case 'denied':
      return `Your browser is blocking the ${device}. Tap the lock or camera icon next to the address, allow the ${device}, then press “Try again”.`;
    case 'not-found':
      return `No ${device} was found on this device. You can still join and use the chat and the board.`;
    case 'in-use':
      return `The ${device} is being used by another app or tab. Close other video apps (WhatsApp, Zoom…), then press “Try again”.`;
    case 'unsupported':
      return 'This browser cannot use the camera or microphone here. Try the latest Chrome, Firefox or Safari.';
    default:
      return `The ${device} could not start. Press “Try again”, or join without it.`;
  }
}

export interface DevicePreference {
  audioDeviceId: string | null;
  videoDeviceId: string | null;
}

const storageKey = 'tutorline.call.devices';

export function loadDevicePreference(): DevicePreference {
  try {
    const raw = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as Partial<DevicePreference> | null;
    return { audioDeviceId: typeof raw?.audioDeviceId === 'string' ? raw.audioDeviceId : null, videoDeviceId: typeof raw?.videoDeviceId === 'string' ? raw.videoDeviceId : null };
  } catch {
    return { audioDeviceId: null, videoDeviceId: null };
  }
}

export function saveDevicePreference(pref: DevicePreference): void {
  try {
    localStorage.setItem(storageKey, JSON.stringify(pref));
  } catch {
    // Private mode or full storage: the choice is simply not remembered.
  }
}

/**
 * What asking for camera and microphone together would do: `granted` (no prompt), `denied` (both blocked: no prompt
 * either, only an error) or `prompt`. Mixed states and an unknown state (no Permissions API) are `prompt`.
 */
export type MediaPermission = 'granted' | 'denied' | 'prompt';

export function mediaPermissionOf(camera: PermissionState | null, microphone: PermissionState | null): MediaPermission {
  if (camera === 'granted' && microphone === 'granted') return 'granted';
  if (camera === 'denied' && microphone === 'denied') return 'denied';
  return 'prompt';
}

/** The Permissions API's word on camera and microphone; any doubt (older Safari and Firefox lack it) means `prompt`. */
export async function mediaPermission(): Promise<MediaPermission> {
  try {
    const [camera, microphone] = await Promise.all([
      navigator.permissions.query({ name: 'camera' as PermissionName }),
      navigator.permissions.query({ name: 'microphone' as PermissionName }),
    ]);
    return mediaPermissionOf(camera.state, microphone.state);
  } catch {
    return mediaPermissionOf(null, null);
  }
}

/** True only when both camera and microphone are known to be granted. */
export async function mediaPermissionsGranted(): Promise<boolean> {
  return (await mediaPermission()) === 'granted';
}

// `ideal` so a remembered device that was unplugged falls back to another one instead of failing.
export const audioConstraints = (deviceId: string | null): MediaTrackConstraints => ({
  ...(deviceId ? { deviceId: { ideal: deviceId } } : {}),
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
});

export const videoConstraints = (deviceId: string | null, facingMode?: 'user' | 'environment'): MediaTrackConstraints => ({
  ...(deviceId ? { deviceId: { ideal: deviceId } } : facingMode ? { facingMode: { ideal: facingMode } } : {}),
  width: { ideal: 640 },
  height: { ideal: 360 },
  frameRate: { ideal: 24, max: 30 },
});

export interface OpenedMedia {
  stream: MediaStream | null;
  audioProblem: MediaProblem | null;
  videoProblem: MediaProblem | null;
}

/**
 * Asks for both devices at once (one permission prompt); when that fails, tries each alone, so a broken camera still
 * leaves a working microphone and the user learns which device is the problem.
 */
export async function openLocalMedia(pref: DevicePreference, want: { audio: boolean; video: boolean } = { audio: true, video: true }): Promise<OpenedMedia> {
  if (!navigator.mediaDevices?.getUserMedia) return { stream: null, audioProblem: 'unsupported', videoProblem: 'unsupported' };
  const audio = want.audio ? audioConstraints(pref.audioDeviceId) : false;
  const video = want.video ? videoConstraints(pref.videoDeviceId, 'user') : false;
  if (audio && video) {
    try {
      return { stream: await navigator.mediaDevices.getUserMedia({ audio, video }), audioProblem: null, videoProblem: null };
    } catch {
      // Find out which one fails below.
    }
  }
  const one = async (constraints: MediaStreamConstraints): Promise<[MediaStreamTrack[], MediaProblem | null]> => {
    try {
      return [(await navigator.mediaDevices.getUserMedia(constraints)).getTracks(), null];
    } catch (error) {
      return [[], mediaProblemOf(error)];
    }
  };
  const [audioTracks, audioProblem] = audio ? await one({ audio }) : [[], null];
  const [videoTracks, videoProblem] = video ? await one({ video }) : [[], null];
  const tracks = [...audioTracks, ...videoTracks];
  return { stream: tracks.length ? new MediaStream(tracks) : null, audioProblem, videoProblem };
}

export interface PrewarmedMedia {
  /** Whether camera and microphone were already granted (only then are they started). */
  granted: Promise<boolean>;
  /** The started media; null when permission was not granted. */
  media: Promise<OpenedMedia | null>;
}

let warm: PrewarmedMedia | null = null;
/** A started camera nobody took is released after this. */
const WARM_KEEP_MS = 10_000;

/**
 * Starts the camera and microphone as a room opens, while its page is still loading, when permission is already
 * granted (no prompt can appear out of context). The room takes them with takePrewarmedMedia(). Returns the one
 * started (again, when it was not taken yet).
 */
export function prewarmLocalMedia(): PrewarmedMedia {
  if (warm) return warm;
  const granted = mediaPermissionsGranted();
  const media = granted.then((yes) => (yes ? openLocalMedia(loadDevicePreference()) : null));
  const entry = { granted, media };
  warm = entry;
  window.setTimeout(() => {
    if (warm !== entry) return;
    warm = null;
    void media.then((m) => stopStream(m?.stream));
  }, WARM_KEEP_MS);
  return entry;
}

/**
 * The media started by prewarmLocalMedia(), once; null when none was started (or permission was not granted), or
 * when `only` is given and was not the one waiting (already taken or released).
 */
export function takePrewarmedMedia(only?: PrewarmedMedia): Promise<OpenedMedia | null> | null {
  const entry = warm;
  if (only && entry !== only) return null;
  warm = null;
  return entry?.media ?? null;
}

/** Opens one camera track: by device, else by facing mode. */
export async function openCamera(deviceId: string | null, facingMode?: 'user' | 'environment'): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: videoConstraints(deviceId, facingMode) });
  return stream.getVideoTracks()[0]!;
}

export function stopStream(stream: MediaStream | null | undefined): void {
  for (const t of stream?.getTracks() ?? []) t.stop();
}

/** Root-mean-square level of time-domain samples (-1..1), scaled so normal speech fills most of a meter (0..1). */
export function audioLevel(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.min(1, Math.sqrt(sum / samples.length) * 4);
}
