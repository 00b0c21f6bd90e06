import { describe, expect, it } from 'vitest';
import { chooseLink, initialLink, LINK_RULES, type LinkState, nextLink, screenShareAllowed, statsAllowed, timelineSampleDue, TOP_LEVEL } from './classmedia.rules';

const clean = { lossPct: 0, slowLink: false };
const lossy = { lossPct: 8, slowLink: false };
const middling = { lossPct: 3, slowLink: false };

/** Feeds samples every 2 s from t and returns the states and decisions. */
function run(start: LinkState, samples: { lossPct: number; slowLink: boolean }[], t0 = 0) {
  let s = start;
  const out = samples.map((x, i) => {
    const d = nextLink(s, x, t0 + i * 2_000);
    s = d.state;
    return d;
  });
  return { s, out };
}

describe('subscriber layer: down fast, up slowly, with a band that holds', () => {
  it('one bad sample drops one level at once; a slow_link does too', () => {
    const d = nextLink(initialLink(0), lossy, 2_000);
    expect(d).toMatchObject({ level: TOP_LEVEL - 1, why: 'reported_loss' });
    const s = nextLink(d.state, { lossPct: 0, slowLink: true }, 2_500);
    expect(s).toMatchObject({ level: TOP_LEVEL - 2, why: 'slow_link' });
  });

  it('heavy loss drops straight to the bottom level', () => {
    expect(nextLink(initialLink(0), { lossPct: 30, slowLink: false }, 1_000)).toMatchObject({ level: 0, why: 'heavy_loss' });
  });

  it('climbs one level only after a clean stretch of upAfterMs, and each step needs its own stretch', () => {
    const low = { ...initialLink(0), level: 0 };
    const { out } = run(low, Array(12).fill(clean), 0);
    const ups = out.flatMap((d, i) => (d.level === null ? [] : [{ at: i * 2_000, level: d.level }]));
    expect(ups).toEqual([
      { at: LINK_RULES.upAfterMs, level: 1 },
      { at: 2 * LINK_RULES.upAfterMs, level: 2 },
    ]);
  });

  it('loss between clean and bad holds the level and restarts the clean stretch (hysteresis)', () => {
    const start = { ...initialLink(0), level: 1 };
    // 8 s clean, one middling sample, then 8 s clean: never 10 s clean in a row, so no step up and no step down.
    const { s, out } = run(start, [clean, clean, clean, clean, clean, middling, clean, clean, clean, clean, clean]);
    expect(out.every((d) => d.level === null)).toBe(true);
    expect(s.level).toBe(1);
  });

  it('at the bottom, bad samples in a row pause video (audio and board only); a long clean stretch brings it back', () => {
    const { s, out } = run({ ...initialLink(0), level: 0 }, [lossy, lossy]);
    expect(out[0]!.mode).toBeNull();
    expect(out[1]).toMatchObject({ mode: 'audio-only' });
    expect(s.mode).toBe('audio-only');
    // Clean samples for less than recoverAfterMs change nothing; then video comes back at the bottom level.
    const back = run(s, Array(LINK_RULES.recoverAfterMs / 2_000 + 1).fill(clean), 10_000);
    const changes = back.out.filter((d) => d.mode !== null);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ mode: 'full', level: 0, why: 'recovered' });
    expect(back.out.findIndex((d) => d.mode === 'full')).toBe(LINK_RULES.recoverAfterMs / 2_000);
  });

  it('a learner’s own choice holds whatever the measurements say, and leaving it resumes video at the bottom', () => {
    const chosen = chooseLink(initialLink(0), true, 0);
    expect(chosen).toMatchObject({ mode: 'audio-only', why: 'manual' });
    const { s, out } = run(chosen.state, Array(20).fill(clean));
    expect(out.every((d) => d.mode === null)).toBe(true);
    const left = chooseLink(s, false, 50_000);
    expect(left).toMatchObject({ mode: 'full', level: 0 });
    expect(chooseLink(left.state, false, 50_000)).toMatchObject({ mode: null, level: null });
  });
});

describe('stats rate, timeline samples and screen-share permission', () => {
  it('takes one stats report per interval', () => {
    expect(statsAllowed(null, 0)).toBe(true);
    expect(statsAllowed(0, 500)).toBe(false);
    expect(statsAllowed(0, LINK_RULES.statsEveryMs)).toBe(true);
  });
  it('samples the timeline every 30 s', () => {
    expect(timelineSampleDue(null, 5)).toBe(true);
    expect(timelineSampleDue(0, 29_999)).toBe(false);
    expect(timelineSampleDue(0, 30_000)).toBe(true);
  });
  it('lets the teacher or an allowed learner share, one screen at a time', () => {
    expect(screenShareAllowed({ role: 'teacher', allowed: false }, null, 't')).toBe('ok');
    expect(screenShareAllowed({ role: 'learner', allowed: false }, null, 'l')).toBe('screen_not_allowed');
    expect(screenShareAllowed({ role: 'learner', allowed: true }, null, 'l')).toBe('ok');
    expect(screenShareAllowed({ role: 'learner', allowed: true }, 't', 'l')).toBe('screen_taken');
    expect(screenShareAllowed({ role: 'teacher', allowed: false }, 't', 't')).toBe('ok');
  });
});
