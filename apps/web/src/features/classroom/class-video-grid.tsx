import { CLASS_MEDIA_LIMITS, type ClassParticipant, type ClassRole } from '@tutorline/contracts';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { AppSocket } from '../../lib/socket';
import { Button } from '../../ui/button';
import { ClassMedia } from './class-media';

/** One video element bound to a MediaStream (muted when it is our own preview). */
function Tile({ stream, label, self, large, small, testId }: { stream: MediaStream; label: string; self?: boolean; large?: boolean; small?: boolean; testId?: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = stream;
  }, [stream]);
  return (
    <figure className={`class-tile${large ? ' class-tile-large' : ''}${small ? ' class-tile-pip' : ''}`} data-testid={testId ?? (self ? 'class-tile-self' : 'class-tile')}>
      <video ref={ref} autoPlay playsInline muted={self} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}

/**
 * The class's video in the page's slot: a learner sees the teacher large (the spotlighted learner instead when there is
 * one) and hears everyone; the teacher sees pages of learners' thumbnails. "Reconnecting" shows while media comes back.
 */
export function ClassVideoGrid(props: { socket: AppSocket; classId: string; role: ClassRole; selfId: string; participants: ClassParticipant[]; spotlightUserId: string | null; groupId: string | null }) {
  const { socket, classId, role, selfId, groupId } = props;
  const [media, setMedia] = useState<ClassMedia | null>(null);
  useEffect(() => {
    const m = new ClassMedia(socket, classId, role, selfId);
    setMedia(m);
    return () => m.close();
  }, [socket, classId, role, selfId]);
  // Into or out of a breakout group: the server moves this participant to that group's media room when it publishes again.
  const lastGroup = useRef(groupId);
  useEffect(() => {
    if (!media || lastGroup.current === groupId) return;
    lastGroup.current = groupId;
    void media.restart();
  }, [media, groupId]);
  if (!media) return null;
  return <Grid media={media} {...props} />;
}

function Grid({ media, role, selfId, participants, spotlightUserId }: { media: ClassMedia; role: ClassRole; selfId: string; participants: ClassParticipant[]; spotlightUserId: string | null }) {
  const s = useSyncExternalStore(media.subscribe, media.getSnapshot);
  const [allowed, setAllowed] = useState<ReadonlySet<string>>(new Set());
  const toggleShare = async (userId: string) => {
    const on = !allowed.has(userId);
    const r = await media.allowScreen(userId, on);
    if (r.ok) setAllowed((a) => (on ? new Set([...a, userId]) : new Set([...a].filter((x) => x !== userId))));
  };
  const me = participants.find((p) => p.userId === selfId);
  const audioOn = me ? !me.audioMuted : role !== 'learner';
  const videoOn = me ? !me.videoStopped : true;
  useEffect(() => media.setSending(audioOn, videoOn), [media, audioOn, videoOn]);
  const name = (userId: string) => participants.find((p) => p.userId === userId)?.displayName ?? 'Participant';
  const teacherId = participants.find((p) => p.role === 'teacher')?.userId;
  if (s.status === 'off')
    return (
      <div className="class-media-start">
        <Button onClick={() => void media.start()}>Join with camera and microphone</Button>
      </div>
    );
  const learners = s.publishers.filter((p) => p.role === 'learner' && p.source === 'camera').length;
  const pages = Math.max(1, Math.ceil(learners / CLASS_MEDIA_LIMITS.pageSize));
  // A screen shows only while its feed is published (Janus may keep a dead m-line until the next offer).
  const screen = s.videos.find((v) => v.source === 'screen' && s.publishers.some((p) => p.userId === v.userId && p.source === 'screen'));
  const cams = s.videos.filter((v) => v.source === 'camera');
  const lead = cams.find((v) => v.userId === spotlightUserId) ?? cams.find((v) => v.userId === teacherId);
  const large = screen ?? (role === 'teacher' ? null : lead);
  // With a screen up, a learner keeps the teacher's camera small beside it.
  const pip = screen && role !== 'teacher' ? lead : undefined;
  const thumbs = role === 'teacher' ? cams : [];
  return (
    <div className={`class-grid class-grid-${role}`} data-testid="class-video-grid" data-status={s.status}>
      {s.audioOnly && (
        <p className="class-media-status class-media-low" role="status" data-testid="class-audio-only" data-reason={s.audioOnly.reason}>
          {s.audioOnly.reason === 'measured'
            ? 'Weak connection: you get sound and the board only. Video comes back when your connection recovers.'
            : 'Sound and board only, as you chose: video is paused.'}
        </p>
      )}
      {s.status === 'reconnecting' && (
        <p className="class-media-status" role="status" data-testid="class-media-reconnecting">
          Reconnecting…
        </p>
      )}
      {s.status === 'unavailable' && <p className="class-media-status" role="status">{s.error?.message ?? 'Live classes need the media server.'}</p>}
      {s.status === 'closed' && <p className="class-media-status">Media has stopped for you.</p>}
      {large && <Tile stream={large.stream} label={large === screen ? `${name(large.userId)}’s screen` : name(large.userId)} large testId={large === screen ? 'class-tile-screen' : undefined} />}
      {pip && <Tile stream={pip.stream} label={name(pip.userId)} small />}
      {/* Every received audio plays, hidden, on a learner's page (the teacher's tiles carry their own). */}
      {role !== 'teacher' && s.videos.filter((v) => v !== large && v !== pip).map((v) => <Tile key={`${v.userId}:${v.source}`} stream={v.stream} label={name(v.userId)} />)}
      {thumbs.length > 0 && (
        <div className="class-thumbs">
          {thumbs.map((v) => (
            <div key={v.userId} className="class-thumb">
              <Tile stream={v.stream} label={name(v.userId)} />
              <Button variant="ghost" onClick={() => void toggleShare(v.userId)}>
                {allowed.has(v.userId) ? 'Stop their screen share' : 'Let them share screen'}
              </Button>
            </div>
          ))}
        </div>
      )}
      {role === 'teacher' && pages > 1 && (
        <nav className="class-pages" aria-label="Pages of students">
          <Button variant="ghost" disabled={s.page === 0} onClick={() => void media.showPage(s.page - 1)}>
            Previous
          </Button>
          <span>
            {s.page + 1} / {pages}
          </span>
          <Button variant="ghost" disabled={s.page + 1 >= pages} onClick={() => void media.showPage(s.page + 1)}>
            Next
          </Button>
        </nav>
      )}
      <div className="class-media-actions">
        {s.canShare &&
          (s.screen ? (
            <Button variant="ghost" onClick={() => void media.stopScreen()} data-testid="class-stop-share">
              Stop sharing
            </Button>
          ) : (
            <Button variant="ghost" onClick={() => void media.shareScreen()} data-testid="class-share-screen">
              Share screen
            </Button>
          ))}
        {role !== 'teacher' && (
          <Button variant="ghost" onClick={() => void media.setAudioOnly(!s.audioOnly)} data-testid="class-audio-only-toggle">
            {s.audioOnly ? 'Turn video back on' : 'Sound and board only'}
          </Button>
        )}
      </div>
      {s.local && <Tile stream={s.local} label="You" self />}
    </div>
  );
}
