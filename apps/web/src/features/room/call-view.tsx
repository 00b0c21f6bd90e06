import type { PeerState, RoomRole } from '@tutorline/contracts';
import { useEffect, useRef, useState } from 'react';
import { secondsSince } from '../../lib/durations';
import { formatCountdown, plural } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { Avatar } from '../../ui/avatar';
import { Controls, ControlButton } from './call-controls';
import { EyeIcon, LeaveIcon, MicIcon, SpeakerIcon } from './call/call-icons';
import type { PeerCall } from './call/peer-call';
import type { CallQuality, CallSnapshot } from './call/types';
import { useCallSnapshot } from './call/use-peer-call';
import type { RoomSnapshot } from './room-connection';
import './call.css';
import './call-controls.css';

export interface CallViewProps {
  /** The room's snapshot (participants and their peer state), as the page already reads it. */
  snapshot: RoomSnapshot;
  role: RoomRole;
  /** The call (started by the room page as soon as the room was joined); null for observers. */
  call: PeerCall | null;
  selfName: string;
  otherName: string;
  /** When the session started (server time, ISO): the call timer counts from it. */
  startedAt: string;
  /** The user left; the page navigates away (the call hangs up as the page unmounts). */
  onLeave(): void;
  /** Ends the session for both (POST /api/sessions/:id/end); without it there is no End button. */
  onEnd?: () => void;
  /** Told of each change of the call's state, and 'media' once remote video shows (the page then loads the board). */
  onStateChange?: (state: string) => void;
  /** Shows the question's photo (the room's Question pane): an item in the controls' More menu. */
  onShowQuestion?: (() => void) | undefined;
  /** Opens "Report a problem": an item in the More menu. */
  onReportProblem?: (() => void) | undefined;
  /** Opens the safety report of the other person (#20): an item in the More menu. */
  onReportPerson?: (() => void) | undefined;
  /** The other's media through the media server while the session is recorded, once it decodes (decision 056); null: peer-to-peer. */
  sfuRemote?: MediaStream | null;
}

/**
 * The call part of the room: the other person large (or their shared screen), us small, the timer, the network
 * indicator, a banner for anything unusual, and the controls. Observers see who is there, with no media.
 */
export function CallView(props: CallViewProps) {
  const { snapshot: room, role } = props;
  const call = role === 'observer' ? null : props.call;
  const p2p = useCallSnapshot(call);
  // While recorded, the other comes through the media server: its stream (decoding, see useSessionRecording) is shown.
  const snapshot = props.sfuRemote ? { ...p2p, remoteStream: props.sfuRemote, remoteVideoFlowing: true, connection: 'connected' as const } : p2p;
  const { onStateChange } = props;
  // 'media' once the other side's video is on screen: the page waits for it before loading heavy things.
  const reported = snapshot.remoteVideoFlowing ? 'media' : snapshot.connection;
  useEffect(() => onStateChange?.(reported), [onStateChange, reported]);
  const self = room.joined?.self.userId;
  const other = room.participants.find((p) => p.userId !== self && p.role !== 'observer');
  const observers = room.participants.filter((p) => p.role === 'observer' && p.present && p.userId !== self);
  const [detailsOpen, setDetailsOpen] = useState(false);

  if (role === 'observer') {
    return (
      <section className="call call-observing" data-testid="call-view" data-role="observer">
        <div className="call-top">
          <CallTimer startedAt={props.startedAt} />
        </div>
        <p>You are observing. Audio and video stay between the student and the tutor; you can follow the board and the chat.</p>
        <ul className="call-people">
          {room.participants
            .filter((p) => p.role !== 'observer')
            .map((p) => (
              <li key={p.userId} data-testid={`participant-${p.role}`} data-present={p.present}>
                <Avatar name={p.displayName} seed={p.userId} /> {p.displayName} · {p.present ? (p.state?.connection === 'connected' ? 'in the call' : 'in the room') : 'not here'}
              </li>
            ))}
        </ul>
        <div className="call-controls">
          <ControlButton testId="btn-leave" label="Leave" icon={<LeaveIcon />} onClick={props.onLeave} />
        </div>
      </section>
    );
  }

  return (
    <section className="call" data-testid="call-view" data-state={snapshot.connection} data-mode={snapshot.mode} aria-label={`Call with ${props.otherName}`}>
      <div className="call-stage">
        <RemoteMedia snapshot={snapshot} remote={other?.state ?? null} otherName={props.otherName} otherId={other?.userId} call={call} />
        <div className="call-top">
          <CallTimer startedAt={props.startedAt} />
          <QualityIndicator quality={snapshot.quality} connected={snapshot.connection === 'connected'} open={detailsOpen} onToggle={() => setDetailsOpen((o) => !o)} />
          {observers.length > 0 && (
            <span className="call-chip" data-testid="observer-indicator" title="Tutorline staff can join sessions to keep them safe.">
              <EyeIcon /> {plural(observers.length, { one: `${observers[0]!.displayName} (admin) is watching`, other: '# admins are watching' })}
            </span>
          )}
        </div>
        <LocalPreview snapshot={snapshot} selfName={props.selfName} />
      </div>
      <CallBanner snapshot={snapshot} remote={other?.state ?? null} otherName={props.otherName} call={call} />
      {call && (
        <Controls
          call={call}
          snapshot={snapshot}
          onLeave={props.onLeave}
          onEnd={props.onEnd}
          onShowQuestion={props.onShowQuestion}
          onReportProblem={props.onReportProblem}
          reportPerson={props.onReportPerson ? { label: `Report ${props.otherName}`, onSelect: props.onReportPerson } : undefined}
          detailsOpen={detailsOpen}
          onToggleDetails={() => setDetailsOpen((o) => !o)}
        />
      )}
    </section>
  );
}

function RemoteMedia({ snapshot, remote, otherName, otherId, call }: { snapshot: CallSnapshot; remote: PeerState | null; otherName: string; otherId: string | undefined; call: PeerCall | null }) {
  const video = useRef<HTMLVideoElement>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const [soundBlocked, setSoundBlocked] = useState(false);
  useEffect(() => {
    if (video.current) video.current.srcObject = snapshot.remoteStream;
    const el = audio.current;
    if (!el) return;
    el.srcObject = snapshot.remoteStream;
    // Browsers refuse sound before a tap on the page (a reload that skipped pre-join): ask for that tap.
    if (snapshot.remoteStream) el.play().then(() => setSoundBlocked(false), () => setSoundBlocked(true));
  }, [snapshot.remoteStream]);
  // Show the video on its first frame, not at the next stats sample: the element knows first (it fires these even
  // while hidden; requestVideoFrameCallback is the earliest where it is supported).
  useEffect(() => {
    const el = video.current;
    if (!el || !snapshot.remoteStream || !call) return;
    const seen = () => {
      if (el.videoWidth > 0) call.markRemoteFrame();
    };
    const events = ['loadeddata', 'resize', 'playing'] as const;
    for (const e of events) el.addEventListener(e, seen);
    const frameCallback = typeof el.requestVideoFrameCallback === 'function' ? el.requestVideoFrameCallback(seen) : null;
    if (el.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) seen();
    return () => {
      for (const e of events) el.removeEventListener(e, seen);
      if (frameCallback !== null) el.cancelVideoFrameCallback(frameCallback);
    };
  }, [snapshot.remoteStream, call]);

  const connected = snapshot.connection === 'connected';
  const screen = Boolean(remote?.screen);
  const showVideo = connected && Boolean(remote?.video || screen) && snapshot.remoteVideoFlowing;
  const caption = !connected ? null : remote && !remote.video && !remote.screen ? (remote.mode === 'audio-board' ? 'Audio only' : 'Camera off') : null;
  return (
    <div className={`call-remote${screen ? ' call-remote-screen' : ''}`}>
      <video ref={video} className="call-remote-video" autoPlay playsInline muted hidden={!showVideo} data-testid="remote-video" data-screen={screen} />
      <audio ref={audio} autoPlay data-testid="remote-audio" />
      {!showVideo && (
        <div className="call-avatar" data-testid="remote-avatar">
          <Avatar name={otherName} seed={otherId} size="large" />
          <span className="call-avatar-name">{otherName}</span>
          {caption && <span className="muted">{caption}</span>}
        </div>
      )}
      {connected && remote && !remote.audio && (
        <span className="call-chip call-remote-muted" data-testid="remote-muted">
          <MicIcon off /> Muted
        </span>
      )}
      {soundBlocked && (
        <button
          type="button"
          className="btn btn-primary call-sound"
          data-testid="btn-enable-sound"
          onClick={() => void audio.current?.play().then(() => setSoundBlocked(false), () => undefined)}
        >
          <SpeakerIcon /> Tap to hear {otherName}
        </button>
      )}
    </div>
  );
}

function LocalPreview({ snapshot, selfName }: { snapshot: CallSnapshot; selfName: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = snapshot.localVideo;
  }, [snapshot.localVideo]);
  return (
    <div className="call-self">
      <video ref={ref} className={`call-self-video${snapshot.mirrorLocal ? ' call-mirrored' : ''}`} autoPlay playsInline muted hidden={!snapshot.localVideo} data-testid="local-video" />
      {!snapshot.localVideo && (
        <div className="call-self-off" data-testid="local-avatar">
          <Avatar name={selfName} />
        </div>
      )}
      {!snapshot.audio && (
        <span className="call-self-muted" aria-label="You are muted">
          <MicIcon off />
        </span>
      )}
    </div>
  );
}

function CallTimer({ startedAt }: { startedAt: string }) {
  const now = useNow(1000);
  const text = formatCountdown(secondsSince(startedAt, now));
  return (
    <span className="call-chip call-timer" data-testid="call-timer" role="timer" aria-label={`Session time ${text}`}>
      {text}
    </span>
  );
}

const levelWords = { good: 'Good connection', fair: 'Fair connection', poor: 'Weak connection', none: 'Not connected' } as const;

function QualityIndicator({ quality, connected, open, onToggle }: { quality: CallQuality | null; connected: boolean; open: boolean; onToggle(): void }) {
  const level = connected ? (quality?.level ?? 'none') : 'none';
  const bars = { good: 4, fair: 3, poor: 1, none: 0 }[level];
  const details = quality
    ? [
        `Round trip ${quality.rttMs ?? '–'} ms`,
        `Loss ${quality.loss === null ? '–' : `${Math.round(quality.loss * 100)}%`}`,
        `Sending ${kbps(quality.sendBitrate)}`,
        `Receiving ${kbps(quality.recvBitrate)}`,
        ...(quality.resolution ? [`Video ${quality.resolution}${quality.framesPerSecond !== null ? ` at ${quality.framesPerSecond} fps` : ''}`] : []),
      ]
    : [];
  return (
    <span className="call-quality-wrap">
      <button
        type="button"
        className={`call-chip call-quality call-quality-${level}`}
        data-testid="call-quality"
        data-level={level}
        aria-expanded={open}
        title={[levelWords[level], ...details].join('\n')}
        onClick={onToggle}
      >
        <span className="call-bars" aria-hidden="true">
          {[1, 2, 3, 4].map((i) => (
            <span key={i} className={i <= bars ? 'on' : ''} />
          ))}
        </span>
        <span className="visually-hidden">{levelWords[level]}</span>
      </button>
      {open && (
        <span className="call-quality-details" role="status" data-testid="call-quality-details">
          <strong>{levelWords[level]}</strong>
          {details.map((d) => (
            <span key={d}>{d}</span>
          ))}
        </span>
      )}
    </span>
  );
}

function kbps(bps: number | null): string {
  return bps === null ? '–' : `${Math.round(bps / 1000)} kbit/s`;
}

function CallBanner({ snapshot, remote, otherName, call }: { snapshot: CallSnapshot; remote: PeerState | null; otherName: string; call: PeerCall | null }) {
  const banner = bannerFor(snapshot, remote, otherName);
  return (
    <>
      {banner && (
        <p className={`call-banner call-banner-${banner.tone}`} role="status" data-testid="call-banner" data-kind={banner.kind}>
          {banner.busy && <span className="spinner" aria-hidden="true" />}
          {banner.text}
        </p>
      )}
      {snapshot.notice && (
        <p className="call-banner call-banner-warning" role="alert" data-testid="call-notice">
          {snapshot.notice}
          <button type="button" className="link-button" onClick={() => call?.dismissNotice()}>
            OK
          </button>
        </p>
      )}
    </>
  );
}

type Banner = { kind: string; text: string; tone: 'info' | 'warning' | 'error'; busy?: boolean };

function bannerFor(s: CallSnapshot, remote: PeerState | null, otherName: string): Banner | null {
  switch (s.connection) {
    case 'waiting':
      return { kind: 'waiting', text: `Waiting for ${otherName} to join…`, tone: 'info', busy: true };
    case 'connecting':
      return { kind: 'connecting', text: `Connecting to ${otherName}…`, tone: 'info', busy: true };
    case 'reconnecting':
      return { kind: 'reconnecting', text: 'Reconnecting… The board and chat keep working.', tone: 'warning', busy: true };
    case 'failed':
      return { kind: 'failed', text: 'The call cannot connect right now. Still trying… The board and chat keep working.', tone: 'error', busy: true };
  }
  if (remote?.mode === 'audio-board') return { kind: 'remote-audio-board', text: `${otherName} switched to audio and board only to save data.`, tone: 'info' };
  if (remote?.lowBandwidth) return { kind: 'remote-low', text: `${otherName} is in low-bandwidth mode: their video is smaller.`, tone: 'info' };
  if (s.mode === 'low' && s.modeReason === 'measured') return { kind: 'self-low', text: 'Your connection is weak: video quality was lowered to keep the sound clear.', tone: 'info' };
  if (s.screen) return { kind: 'sharing', text: 'You are sharing your screen.', tone: 'info' };
  return null;
}
