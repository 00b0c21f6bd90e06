import { CLASS_MEDIA_LIMITS, type ClassParticipant, type ClassRole } from '@tutorline/contracts';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { AppSocket } from '../../lib/socket';
import { Button } from '../../ui/button';
import { ClassMedia } from './class-media';

/** One video element bound to a MediaStream (muted when it is our own preview). */
function Tile({ stream, label, self, large }: { stream: MediaStream; label: string; self?: boolean; large?: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = stream;
  }, [stream]);
  return (
    <figure className={`class-tile${large ? ' class-tile-large' : ''}`} data-testid={self ? 'class-tile-self' : 'class-tile'}>
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

function Grid({ media, role, participants, spotlightUserId }: { media: ClassMedia; role: ClassRole; participants: ClassParticipant[]; spotlightUserId: string | null }) {
  const s = useSyncExternalStore(media.subscribe, media.getSnapshot);
  const name = (userId: string) => participants.find((p) => p.userId === userId)?.displayName ?? 'Participant';
  const teacherId = participants.find((p) => p.role === 'teacher')?.userId;
  if (s.status === 'off')
    return (
      <div className="class-media-start">
        <Button onClick={() => void media.start()}>Join with camera and microphone</Button>
      </div>
    );
  const learners = s.publishers.filter((p) => p.role === 'learner').length;
  const pages = Math.max(1, Math.ceil(learners / CLASS_MEDIA_LIMITS.pageSize));
  const large = role === 'teacher' ? null : (s.videos.find((v) => v.userId === spotlightUserId) ?? s.videos.find((v) => v.userId === teacherId));
  const thumbs = role === 'teacher' ? s.videos : [];
  return (
    <div className={`class-grid class-grid-${role}`} data-testid="class-video-grid" data-status={s.status}>
      {s.status === 'reconnecting' && (
        <p className="class-media-status" role="status" data-testid="class-media-reconnecting">
          Reconnecting…
        </p>
      )}
      {s.status === 'unavailable' && <p className="class-media-status" role="status">{s.error?.message ?? 'Live classes need the media server.'}</p>}
      {s.status === 'closed' && <p className="class-media-status">Media has stopped for you.</p>}
      {large && <Tile stream={large.stream} label={name(large.userId)} large />}
      {/* Every received audio plays, hidden, on a learner's page (the teacher's tiles carry their own). */}
      {role !== 'teacher' && s.videos.filter((v) => v !== large).map((v) => <Tile key={v.userId} stream={v.stream} label={name(v.userId)} />)}
      {thumbs.length > 0 && (
        <div className="class-thumbs">
          {thumbs.map((v) => (
            <Tile key={v.userId} stream={v.stream} label={name(v.userId)} />
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
      {s.local && <Tile stream={s.local} label="You" self />}
    </div>
  );
}
