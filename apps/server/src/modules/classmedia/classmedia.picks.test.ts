import { describe, expect, it } from 'vitest';
import { pickFeeds, type PublishedFeed, type Receiver } from './classmedia.picks';

const teacherCam: PublishedFeed = { feed: 1, userId: 't', role: 'teacher', source: 'camera', audioMid: '0', videoMid: '1' };
const teacherScreen: PublishedFeed = { feed: 2, userId: 't', role: 'teacher', source: 'screen', audioMid: null, videoMid: '0' };
const learner = (n: number): PublishedFeed => ({ feed: 10 + n, userId: `l${n}`, role: 'learner', source: 'camera', audioMid: '0', videoMid: '1' });
const me = (patch: Partial<Receiver> = {}): Receiver => ({ userId: 'l0', role: 'learner', audioOnly: false, page: 0, spotlightUserId: null, ...patch });

describe('who receives what', () => {
  it('a learner gets the teacher’s camera, the screen as a separate feed, and the other learners’ audio', () => {
    const picks = pickFeeds([teacherCam, teacherScreen, learner(0), learner(1)], me(), 12);
    expect(picks).toEqual([
      { feed: 1, mid: '0' },
      { feed: 1, mid: '1' },
      { feed: 2, mid: '0' },
      { feed: 11, mid: '0' },
    ]);
  });

  it('in audio-only mode a learner keeps every audio and loses every video, screen and spotlight included', () => {
    const picks = pickFeeds([teacherCam, teacherScreen, learner(0), learner(1)], me({ audioOnly: true, spotlightUserId: 'l1' }), 12);
    expect(picks).toEqual([
      { feed: 1, mid: '0' },
      { feed: 11, mid: '0' },
    ]);
  });

  it('the spotlight adds that learner’s video', () => {
    expect(pickFeeds([teacherCam, learner(1)], me({ spotlightUserId: 'l1' }), 12)).toContainEqual({ feed: 11, mid: '1' });
  });

  it('the teacher gets every learner’s audio, a learner’s screen, and one page of cameras', () => {
    const learners = [0, 1, 2, 3, 4].map(learner);
    const screen: PublishedFeed = { feed: 99, userId: 'l2', role: 'learner', source: 'screen', audioMid: null, videoMid: '0' };
    const picks = pickFeeds([teacherCam, teacherScreen, ...learners, screen], me({ userId: 't', role: 'teacher', page: 1 }), 2);
    expect(picks.filter((p) => p.mid === '0' && p.feed < 99)).toHaveLength(5);
    expect(picks).toContainEqual({ feed: 99, mid: '0' });
    expect(picks.filter((p) => p.mid === '1')).toEqual([
      { feed: 12, mid: '1' },
      { feed: 13, mid: '1' },
    ]);
    expect(picks.some((p) => p.feed === 1 || p.feed === 2)).toBe(false);
  });
});
