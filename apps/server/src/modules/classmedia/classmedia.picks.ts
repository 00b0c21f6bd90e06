import type { ClassMediaSource } from '@tutorline/contracts';

/** Pure: which streams one participant receives (decision 048, issue #15), from who publishes what. */

export interface PublishedFeed {
  feed: number;
  userId: string;
  role: string;
  source: ClassMediaSource;
  audioMid: string | null;
  videoMid: string | null;
}

export interface Receiver {
  userId: string;
  role: string;
  /** Audio and board only: no video of anyone (a screen is video too). */
  audioOnly: boolean;
  /** The teacher's page of learners' thumbnails. */
  page: number;
  spotlightUserId: string | null;
}

export interface Pick {
  feed: number;
  mid: string;
}

/**
 * Learners: the teacher's camera (audio, and video unless audio-only), every screen, the spotlight's video and every
 * learner's audio. The teacher: every learner's audio, every learner's screen, and one page of learners' cameras.
 */
export function pickFeeds(feeds: readonly PublishedFeed[], me: Receiver, pageSize: number): Pick[] {
  const others = feeds.filter((f) => f.userId !== me.userId);
  const cams = others.filter((f) => f.source === 'camera');
  const video = (f: PublishedFeed) => (f.videoMid && !me.audioOnly ? [{ feed: f.feed, mid: f.videoMid }] : []);
  const audio = cams.filter((f) => f.role !== 'teacher' && f.audioMid).map((f) => ({ feed: f.feed, mid: f.audioMid! }));
  const screens = others.filter((f) => f.source === 'screen').flatMap(video);
  if (me.role === 'teacher') {
    const thumbs = cams.flatMap(video).slice(me.page * pageSize, (me.page + 1) * pageSize);
    return [...audio, ...screens, ...thumbs];
  }
  const teacher = cams.filter((f) => f.role === 'teacher').flatMap((f) => [...(f.audioMid ? [{ feed: f.feed, mid: f.audioMid }] : []), ...video(f)]);
  const spotlight = cams.filter((f) => f.userId === me.spotlightUserId && f.role !== 'teacher').flatMap(video);
  return [...teacher, ...screens, ...spotlight, ...audio];
}
