/**
 * Pure decisions for what one subscriber receives of the teacher (issue #15, decision 048): which simulcast layer, and
 * when the link is so bad that only audio and the board are left (the low-bandwidth mode of #4). Time is passed in.
 * Down fast (one bad sample drops a step, heavy loss drops to the bottom), up slowly (a long clean stretch climbs one
 * step), and a band between "bad" and "clean" that holds, so the layer does not flap.
 */

/** The steps a subscriber climbs, worst first: a substream (0 = smallest) with a temporal layer (0 = fewest frames). */
export const LINK_LEVELS = [
  { substream: 0, temporal: 0 },
  { substream: 0, temporal: 2 },
  { substream: 1, temporal: 2 },
  { substream: 2, temporal: 2 },
] as const;
export const TOP_LEVEL = LINK_LEVELS.length - 1;

export const LINK_RULES = {
  /** A sample is bad over this loss (percent), or on a Janus slow_link, or with video bitrate far under the level's need. */
  badLossPct: 5,
  /** Heavy loss drops straight to the bottom level. */
  heavyLossPct: 15,
  /** A sample is clean under this loss; in between the level holds and the clean stretch starts again. */
  cleanLossPct: 1,
  /** A clean stretch this long climbs one level. */
  upAfterMs: 10_000,
  /** Bad samples in a row at the bottom level before video is paused (audio and board only). */
  audioOnlyAfterBad: 2,
  /** A clean stretch this long leaves the measured audio-only mode (back at the bottom level). */
  recoverAfterMs: 20_000,
  /** A client may report stats at most this often (ms); more is refused. */
  statsEveryMs: 2_000,
  /** One quality sample on the admin timeline per member this often (ms). */
  timelineSampleEveryMs: 30_000,
} as const;

export type LinkMode = 'full' | 'audio-only';

export interface LinkState {
  /** Index into LINK_LEVELS. */
  level: number;
  mode: LinkMode;
  /** The learner chose audio and board only: measurements never leave it. */
  chosen: boolean;
  /** When the current clean stretch began (null: the last sample was not clean). */
  cleanSince: number | null;
  /** Bad samples in a row. */
  badRun: number;
}

export interface LinkSample {
  /** The worst loss over the subscription's streams in the last interval, percent. */
  lossPct: number;
  /** Janus said the downlink to this subscriber is slow. */
  slowLink: boolean;
}

export type LinkWhy = 'slow_link' | 'reported_loss' | 'heavy_loss' | 'quiet' | 'recovered' | 'manual';

export interface LinkDecision {
  state: LinkState;
  /** Set when the layer (substream/temporal) should be sent to Janus. */
  level: number | null;
  /** Set when the mode changes (video paused or resumed). */
  mode: LinkMode | null;
  why: LinkWhy | null;
}

export function initialLink(now: number): LinkState {
  return { level: TOP_LEVEL, mode: 'full', chosen: false, cleanSince: now, badRun: 0 };
}

const same = (state: LinkState): LinkDecision => ({ state, level: null, mode: null, why: null });

/** The next state after one sample (a client's stats or a Janus slow_link). */
export function nextLink(s: LinkState, sample: LinkSample, now: number): LinkDecision {
  const bad = sample.slowLink || sample.lossPct > LINK_RULES.badLossPct;
  const clean = !sample.slowLink && sample.lossPct < LINK_RULES.cleanLossPct;
  if (bad) {
    const why: LinkWhy = sample.slowLink ? 'slow_link' : sample.lossPct > LINK_RULES.heavyLossPct ? 'heavy_loss' : 'reported_loss';
    const badRun = s.badRun + 1;
    const base = { ...s, cleanSince: null, badRun };
    if (s.mode === 'audio-only') return same(base);
    if (s.level > 0) {
      const level = why === 'heavy_loss' ? 0 : s.level - 1;
      // The run restarts at the new level: the bottom must prove bad on its own before video is paused.
      return { state: { ...base, level, badRun: 0 }, level, mode: null, why };
    }
    if (badRun >= LINK_RULES.audioOnlyAfterBad) return { state: { ...base, mode: 'audio-only' }, level: null, mode: 'audio-only', why };
    return same(base);
  }
  if (!clean) return same({ ...s, cleanSince: null, badRun: 0 });
  const since = s.cleanSince ?? now;
  const base = { ...s, cleanSince: since, badRun: 0 };
  if (s.mode === 'audio-only') {
    if (s.chosen || now - since < LINK_RULES.recoverAfterMs) return same(base);
    return { state: { ...base, mode: 'full', level: 0, cleanSince: now }, level: 0, mode: 'full', why: 'recovered' };
  }
  if (s.level >= TOP_LEVEL || now - since < LINK_RULES.upAfterMs) return same(base);
  const level = s.level + 1;
  // Each step up needs its own clean stretch.
  return { state: { ...base, level, cleanSince: now }, level, mode: null, why: 'quiet' };
}

/** The learner's own choice: audio and board only (held until they leave it), or back to video at the bottom level. */
export function chooseLink(s: LinkState, audioOnly: boolean, now: number): LinkDecision {
  if (audioOnly) {
    const state = { ...s, chosen: true, mode: 'audio-only' as const };
    return { state, level: null, mode: s.mode === 'audio-only' ? null : 'audio-only', why: 'manual' };
  }
  if (!s.chosen && s.mode === 'full') return same(s);
  const state: LinkState = { ...s, chosen: false, mode: 'full', level: s.mode === 'audio-only' ? 0 : s.level, cleanSince: now, badRun: 0 };
  return { state, level: state.level, mode: s.mode === 'audio-only' ? 'full' : null, why: 'manual' };
}

/** Whether a stats report may be taken now (at most one per `statsEveryMs` per member). */
export function statsAllowed(lastAt: number | null, now: number): boolean {
  return lastAt === null || now - lastAt >= LINK_RULES.statsEveryMs - 100;
}

/** Whether this report also goes on the admin timeline as a quality sample. */
export function timelineSampleDue(lastAt: number | null, now: number): boolean {
  return lastAt === null || now - lastAt >= LINK_RULES.timelineSampleEveryMs;
}

/** Who may publish a screen: the teacher, or a learner the teacher allowed; one screen per class at a time. */
export function screenShareAllowed(who: { role: string; allowed: boolean }, sharingUserId: string | null, userId: string): 'ok' | 'screen_not_allowed' | 'screen_taken' {
  if (who.role !== 'teacher' && !who.allowed) return 'screen_not_allowed';
  if (sharingUserId !== null && sharingUserId !== userId) return 'screen_taken';
  return 'ok';
}
