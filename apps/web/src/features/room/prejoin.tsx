import { useEffect, useRef, useState } from 'react';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { ProgressBar } from '../../ui/progress-bar';
import { MicIcon, VideoIcon } from './call/call-icons';
import { audioLevel, type DevicePreference, loadDevicePreference, mediaPermission, type MediaProblem, type OpenedMedia, openLocalMedia, problemMessage, saveDevicePreference, stopStream, takePrewarmedMedia } from './call/local-media';
import type { LocalMediaChoice } from './call/types';
import './prejoin.css';

interface PreJoinProps {
  /** Called once with the media to join with; the stream's tracks then belong to the caller (the call stops them). */
  onJoin(choice: LocalMediaChoice): void;
  otherName?: string;
}

/** `ask`: permission not granted yet, so nothing is opened before the user has read what is asked and pressed the button. */
type Phase = 'checking' | 'ask' | 'starting' | 'ready';

/**
 * Camera and microphone check before joining: preview, level meter, device choice, and plain explanations when a
 * device is blocked, missing or busy. Skipped (straight into the call) when both were already granted and start fine,
 * so a reload goes right back in. Otherwise the camera is asked for only after a tap on "Turn on camera and
 * microphone" (Safari wants a user gesture, and a child should know what the browser's prompt is about).
 */
export function PreJoin(props: PreJoinProps) {
  // A browser without WebRTC (Debian's WebKitGTK, some in-app browsers) cannot call: say so instead of failing on Join.
  if (typeof RTCPeerConnection === 'undefined') return <NoWebRtc />;
  return <MediaCheck {...props} />;
}

function NoWebRtc() {
  return (
    <section className="prejoin card" data-testid="prejoin" aria-labelledby="prejoin-title">
      <div className="page-intro">
        <h1 id="prejoin-title">This browser cannot make video calls</h1>
      </div>
      <Alert tone="error" title="Video calls are not supported here" testId="prejoin-no-webrtc">
        <p>Your browser has no support for live video and sound (WebRTC). Open this page in Chrome, Firefox, Safari or Samsung Internet, and make sure it is up to date.</p>
      </Alert>
      <a className="btn btn-secondary btn-block" href="/check">
        Check this device
      </a>
    </section>
  );
}

function MediaCheck({ onJoin, otherName }: PreJoinProps) {
  const [phase, setPhase] = useState<Phase>('checking');
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [problems, setProblems] = useState<{ audio: MediaProblem | null; video: MediaProblem | null }>({ audio: null, video: null });
  const [pref, setPref] = useState<DevicePreference>(loadDevicePreference);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const streamRef = useRef<MediaStream | null>(null);
  const joined = useRef(false);
  const mounted = useRef(false);

  const open = async (next: DevicePreference, skipIfFine: boolean, started?: Promise<OpenedMedia | null>) => {
    setPhase('starting');
    stopStream(streamRef.current);
    streamRef.current = null;
    setStream(null);
    const opened = (started && (await started)) || (await openLocalMedia(next));
    if (joined.current || !mounted.current) return stopStream(opened.stream);
    streamRef.current = opened.stream;
    setStream(opened.stream);
    setProblems({ audio: opened.audioProblem, video: opened.videoProblem });
    if (skipIfFine && opened.stream && !opened.audioProblem && !opened.videoProblem) return join(opened.stream, 'all');
    setPhase('ready');
    try {
      setDevices((await navigator.mediaDevices.enumerateDevices()).filter((d) => d.deviceId && (d.kind === 'audioinput' || d.kind === 'videoinput')));
    } catch {
      setDevices([]);
    }
  };

  const join = (current: MediaStream | null, what: 'all' | 'audio' | 'none') => {
    if (joined.current) return;
    joined.current = true;
    for (const t of current?.getTracks() ?? []) {
      if (what === 'none' || (what === 'audio' && t.kind === 'video')) {
        t.stop();
        current?.removeTrack(t);
      }
    }
    const audioDeviceId = current?.getAudioTracks()[0]?.getSettings().deviceId ?? pref.audioDeviceId;
    const videoDeviceId = current?.getVideoTracks()[0]?.getSettings().deviceId ?? pref.videoDeviceId;
    saveDevicePreference({ audioDeviceId, videoDeviceId });
    onJoin({ stream: current?.getTracks().length ? current : null, audioDeviceId, videoDeviceId });
  };

  // Once per mount: `open` reads only its arguments and refs.
  useEffect(() => {
    mounted.current = true;
    // Started while the page loaded (permission was granted): use those devices. Otherwise go straight in only when
    // permission was granted before; a first visit explains and waits for the tap, then for the user's Join.
    const started = takePrewarmedMedia();
    void (started ?? Promise.resolve(null)).then(async (warmed) => {
      if (!mounted.current) return stopStream(warmed?.stream);
      if (warmed) return open(loadDevicePreference(), true, Promise.resolve(warmed));
      const permission = await mediaPermission();
      if (!mounted.current) return;
      if (permission === 'granted') return open(loadDevicePreference(), true);
      // Both blocked: the browser would refuse without a prompt, so say how to unblock them without asking.
      if (permission === 'denied') setProblems({ audio: 'denied', video: 'denied' });
      setPhase(permission === 'denied' ? 'ready' : 'ask');
    });
    return () => {
      mounted.current = false;
      // Unmounted without joining (or StrictMode's first mount): release the devices.
      if (!joined.current) stopStream(streamRef.current);
      streamRef.current = null;
    };
  }, []);

  const choose = (kind: 'audio' | 'video', deviceId: string) => {
    const next = { ...pref, [kind === 'audio' ? 'audioDeviceId' : 'videoDeviceId']: deviceId || null };
    setPref(next);
    void open(next, false);
  };

  if (phase === 'checking') return <section className="prejoin card" data-testid="prejoin" aria-busy="true" />;
  if (phase === 'ask') return <AskFirst otherName={otherName} onAllow={() => void open(pref, false)} onSkip={() => join(null, 'none')} />;

  const hasAudio = Boolean(stream?.getAudioTracks().length);
  const hasVideo = Boolean(stream?.getVideoTracks().length);
  const starting = phase === 'starting';
  const problem = problems.audio ?? problems.video;
  const both = problems.audio && problems.video && problems.audio === problems.video;

  return (
    <section className="prejoin card" data-testid="prejoin" aria-labelledby="prejoin-title" aria-busy={starting}>
      <div className="page-intro">
        <h1 id="prejoin-title">Ready to join?</h1>
        <p className="muted">{otherName ? `Check that ${otherName} will see and hear you.` : 'Check your camera and microphone.'}</p>
      </div>

      <div className="prejoin-preview">
        {hasVideo ? <PreviewVideo stream={stream!} /> : <p className="prejoin-no-camera">{starting ? 'Starting your camera…' : 'Camera off'}</p>}
        {hasAudio && <LevelMeter stream={stream!} />}
      </div>

      {starting && (
        <div className="stack" role="status">
          <ProgressBar value={null} label="Starting camera and microphone" testId="prejoin-progress" />
          <p className="muted">Starting your camera and microphone… If your browser asks, tap “Allow”.</p>
        </div>
      )}

      {!starting && problem && (
        <Alert tone="warning" title={problemTitle(problems)} testId="prejoin-problem">
          {both ? (
            <p>{problemMessage(problems.audio!, 'camera and microphone')}</p>
          ) : (
            <>
              {problems.video && <p>{problemMessage(problems.video, 'camera')}</p>}
              {problems.audio && <p>{problemMessage(problems.audio, 'microphone')}</p>}
            </>
          )}
        </Alert>
      )}

      {!starting && devices.length > 0 && (
        <div className="prejoin-devices">
          <DeviceSelect label="Camera" kind="videoinput" devices={devices} value={stream?.getVideoTracks()[0]?.getSettings().deviceId ?? ''} onChange={(id) => choose('video', id)} />
          <DeviceSelect label="Microphone" kind="audioinput" devices={devices} value={stream?.getAudioTracks()[0]?.getSettings().deviceId ?? ''} onChange={(id) => choose('audio', id)} />
        </div>
      )}

      <div className="stack">
        {(hasAudio || hasVideo) && (
          <Button block className="btn-large" disabled={starting} data-testid="prejoin-join" onClick={() => join(streamRef.current, 'all')}>
            {hasVideo && hasAudio ? 'Join now' : hasAudio ? 'Join with microphone' : 'Join with camera'}
          </Button>
        )}
        {hasAudio && hasVideo && (
          <Button variant="secondary" block disabled={starting} data-testid="prejoin-audio-only" onClick={() => join(streamRef.current, 'audio')}>
            <MicIcon /> Join with microphone only
          </Button>
        )}
        {!starting && problem && (
          <Button variant="secondary" block data-testid="prejoin-retry" onClick={() => void open(pref, false)}>
            Try again
          </Button>
        )}
        <Button variant="ghost" block disabled={starting} data-testid="prejoin-no-media" onClick={() => join(streamRef.current, 'none')}>
          Join with chat and board only
        </Button>
      </div>
    </section>
  );
}

/** What will be asked and why, before the browser's own prompt: nothing is opened until the button is pressed. */
function AskFirst({ otherName, onAllow, onSkip }: { otherName: string | undefined; onAllow(): void; onSkip(): void }) {
  const who = otherName ?? 'the other person';
  return (
    <section className="prejoin card" data-testid="prejoin" data-phase="ask" aria-labelledby="prejoin-title">
      <div className="page-intro">
        <h1 id="prejoin-title">Ready to join?</h1>
        <p className="muted">To talk face to face, Tutorline needs your camera and microphone.</p>
      </div>
      <ul className="prejoin-ask" data-testid="prejoin-ask">
        <li>
          <VideoIcon /> <span>The camera, so {who} can see you.</span>
        </li>
        <li>
          <MicIcon /> <span>The microphone, so {who} can hear you.</span>
        </li>
      </ul>
      <p className="muted">Your browser will ask next: choose “Allow”. You will see yourself before you join, and you can turn either one off at any time in the call.</p>
      <div className="stack">
        <Button block className="btn-large" data-testid="prejoin-allow" onClick={onAllow}>
          <VideoIcon /> Turn on camera and microphone
        </Button>
        <Button variant="ghost" block data-testid="prejoin-no-media" onClick={onSkip}>
          Join with chat and board only
        </Button>
      </div>
    </section>
  );
}

function problemTitle(p: { audio: MediaProblem | null; video: MediaProblem | null }): string {
  if (p.audio && p.video) return 'Camera and microphone are not available';
  return p.audio ? 'The microphone is not available' : 'The camera is not available';
}

function PreviewVideo({ stream }: { stream: MediaStream }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} className="prejoin-video" autoPlay playsInline muted data-testid="prejoin-preview" />;
}

/** A bar that follows the microphone's loudness; drawn without re-rendering React 60 times a second. */
function LevelMeter({ stream }: { stream: MediaStream }) {
  const fill = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    ctx.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let frame = 0;
    const draw = () => {
      analyser.getFloatTimeDomainData(samples);
      if (fill.current) fill.current.style.transform = `scaleX(${audioLevel(samples)})`;
      frame = requestAnimationFrame(draw);
    };
    draw();
    return () => {
      cancelAnimationFrame(frame);
      void ctx.close();
    };
  }, [stream]);
  return (
    <div className="prejoin-level" data-testid="prejoin-level">
      <MicIcon />
      <span className="prejoin-level-track" role="img" aria-label="Microphone level: speak to see it move">
        <span className="prejoin-level-fill" ref={fill} />
      </span>
    </div>
  );
}

function DeviceSelect({ label, kind, devices, value, onChange }: { label: string; kind: MediaDeviceKind; devices: MediaDeviceInfo[]; value: string; onChange(id: string): void }) {
  const list = devices.filter((d) => d.kind === kind);
  if (list.length === 0) return null;
  const id = `prejoin-${kind}`;
  return (
    <div className="field">
      <label htmlFor={id}>
        {kind === 'videoinput' ? <VideoIcon /> : <MicIcon />} {label}
      </label>
      <select id={id} className="select" value={value} data-testid={id} onChange={(e) => onChange(e.target.value)}>
        {list.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </div>
  );
}
