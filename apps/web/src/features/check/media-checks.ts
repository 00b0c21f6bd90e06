import { type CheckOutcome, type Problem, passed, problem } from './check-problems';

/** Camera, microphone and speaker checks. Each returns what it found, in plain words; none throws. */

function mediaError(error: unknown, device: 'camera' | 'microphone'): Problem {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  const kind = (what: 'Denied' | 'Missing' | 'Busy' | 'Failed') => (device === 'camera' ? (`camera${what}` as const) : (`microphone${what}` as const));
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return problem(kind('Denied'));
    case 'NotFoundError':
    case 'OverconstrainedError':
      return problem(kind('Missing'));
    case 'NotReadableError':
    case 'AbortError':
      return problem(kind('Busy'));
    default:
      return problem(kind('Failed'), `The ${device} could not start${name ? ` (${name})` : ''}.`);
  }
}

function noMediaDevices(device: 'camera' | 'microphone'): Problem | null {
  // Undefined outside a secure context (plain http), though the DOM types say otherwise.
  const devices = navigator.mediaDevices as MediaDevices | undefined;
  if (typeof devices?.getUserMedia === 'function') return null;
  const insecure = !window.isSecureContext;
  return problem(device === 'camera' ? (insecure ? 'cameraInsecure' : 'cameraUnsupported') : insecure ? 'microphoneInsecure' : 'microphoneUnsupported');
}

/** Opens the camera and waits for a real frame. The stream is handed back so the page can show a preview. */
export async function checkCamera(): Promise<CheckOutcome & { stream: MediaStream | null }> {
  const unsupported = noMediaDevices('camera');
  if (unsupported) return { ...unsupported, stream: null };
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
  } catch (error) {
    return { ...mediaError(error, 'camera'), stream: null };
  }
  const size = await firstFrameSize(stream, 5000);
  if (!size) return { ...problem('cameraNoPicture'), stream };
  return { ...passed(`Camera works (${size.width}×${size.height}).`), stream };
}

function firstFrameSize(stream: MediaStream, timeoutMs: number): Promise<{ width: number; height: number } | null> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  return new Promise((resolve) => {
    const finish = (size: { width: number; height: number } | null) => {
      clearTimeout(timer);
      video.srcObject = null;
      resolve(size);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    video.onloadeddata = () => finish(video.videoWidth > 0 ? { width: video.videoWidth, height: video.videoHeight } : null);
    video.play().catch(() => undefined);
  });
}

/** Above this peak (0..1) we count the microphone as hearing something. */
const HEARD_LEVEL = 0.04;

/**
 * Listens for up to `listenMs`: passes as soon as the level rises above a small threshold.
 * `onLevel` gets the current level (0..1) for the meter.
 */
export async function checkMicrophone(audio: AudioContext, onLevel: (level: number) => void, listenMs = 6000): Promise<CheckOutcome & { peakLevel: number | null }> {
  const unsupported = noMediaDevices('microphone');
  if (unsupported) return { ...unsupported, peakLevel: null };
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: false, autoGainControl: true }, video: false });
  } catch (error) {
    return { ...mediaError(error, 'microphone'), peakLevel: null };
  }
  try {
    await audio.resume().catch(() => undefined);
    const source = audio.createMediaStreamSource(stream);
    const analyser = audio.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let peak = 0;
    const started = performance.now();
    // Sampled on a timer, not animation frames: those stop in a background tab and the check would hang.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        analyser.getFloatTimeDomainData(samples);
        let level = 0;
        for (const s of samples) level = Math.max(level, Math.abs(s));
        level = Math.min(1, level);
        peak = Math.max(peak, level);
        onLevel(level);
        const elapsed = performance.now() - started;
        // Keep the meter moving a moment after it first passes, so the child sees it react.
        if ((peak > HEARD_LEVEL && elapsed > 1500) || elapsed > listenMs) {
          clearInterval(timer);
          resolve();
        }
      }, 60);
    });
    source.disconnect();
    onLevel(0);
    const peakLevel = Math.round(peak * 1000) / 1000;
    if (peak > HEARD_LEVEL) return { ...passed('We heard you.'), peakLevel };
    return { ...problem('microphoneSilent'), peakLevel };
  } finally {
    for (const track of stream.getTracks()) track.stop();
  }
}

/** Plays a short, friendly two-note chime through the speakers. */
export async function playTestTone(audio: AudioContext): Promise<void> {
  await audio.resume().catch(() => undefined);
  const start = audio.currentTime + 0.05;
  for (const [i, freq] of [523.25, 659.25, 783.99].entries()) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    const t = start + i * 0.35;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.3, t + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.6);
    osc.connect(gain).connect(audio.destination);
    osc.start(t);
    osc.stop(t + 0.65);
  }
  await new Promise((r) => setTimeout(r, 1200));
}
