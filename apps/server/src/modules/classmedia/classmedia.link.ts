import type { ClassMediaStats } from '@tutorline/contracts';
import type { Logger } from '../../platform/logger';
import type { Io } from '../../platform/realtime';
import type { ClassMedia, MediaCore, MediaResult, Member } from './classmedia.core';
import { chooseLink, LINK_LEVELS, type LinkDecision, nextLink, statsAllowed, timelineSampleDue } from './classmedia.rules';

/**
 * Each subscriber's link (issue #15): the client's stats reports and Janus's slow_link events go through the pure rule
 * (classmedia.rules.ts), whose decisions become a `configure` with substream/temporal at Janus, or the low-bandwidth
 * mode (video unsubscribed: audio and board only), each told to the learner and put on the class's timeline.
 */
export function createLinkControl(deps: { core: MediaCore; io: Io; logger: Logger; now: () => number; sfu: import('../../integrations/janus').Sfu }) {
  const { core, io, logger, now, sfu } = deps;

  async function setLevel(cm: ClassMedia, m: Member, from: number, level: number, why: string) {
    if (!m.sub || !m.teacherMid) return;
    const { substream, temporal } = LINK_LEVELS[level]!;
    const r = await sfu.configureSubscriber(m.sub, { mid: m.teacherMid, substream, temporal });
    if (!r.ok) return void core.sfuRefusal(r, 'configureSubscriber', cm.classId);
    logger.info({ event: 'classmedia_layer_changed', classId: cm.classId, userId: m.userId, from, to: level, substream, temporal, why }, 'teacher layer changed');
    await core.timeline(cm.classId, m.userId, 'media-layer', { from, to: level, substream, temporal, why });
  }

  async function apply(cm: ClassMedia, m: Member, d: LinkDecision, reason: 'measured' | 'manual') {
    const before = m.link;
    m.link = d.state;
    if (d.mode) {
      const audioOnly = d.mode === 'audio-only';
      await core.resync(cm, m);
      io.to(m.socketId).emit('class:media:mode', { classId: cm.classId, audioOnly, reason });
      logger.info({ event: 'classmedia_low_bandwidth', classId: cm.classId, userId: m.userId, on: audioOnly, reason, why: d.why }, 'low-bandwidth mode changed');
      await core.timeline(cm.classId, m.userId, 'media-low-bandwidth', { on: audioOnly, reason, why: d.why });
    }
    if (d.level !== null && d.level !== before.level) await setLevel(cm, m, before.level, d.level, d.why ?? 'measured');
    // Video came back: its new m-line starts on Janus's default layer, so the chosen one is sent again.
    else if (d.mode === 'full' && d.level !== null) await setLevel(cm, m, before.level, d.level, d.why ?? 'measured');
  }

  return {
    /** A client's report: at most one per interval; a measured decision for learners; a sample on the timeline now and then. */
    async stats(cm: ClassMedia, m: Member, report: Omit<ClassMediaStats, 'classId'>): Promise<MediaResult<void>> {
      const t = now();
      if (!statsAllowed(m.statsAt, t)) return { ok: false, reason: 'too_often' };
      if (!m.sub) return { ok: false, reason: 'not_receiving' };
      m.statsAt = t;
      const lossPct = report.streams.reduce((worst, s) => Math.max(worst, s.lossPct), 0);
      if (report.candidateType && report.candidateType !== m.connectedVia) {
        m.connectedVia = report.candidateType;
        await core.timeline(cm.classId, m.userId, 'media-connected', { candidateType: report.candidateType, rttMs: report.rttMs });
      }
      if (m.role !== 'teacher') await apply(cm, m, nextLink(m.link, { lossPct, slowLink: false }, t), 'measured');
      if (timelineSampleDue(m.sampleAt, t)) {
        m.sampleAt = t;
        const video = report.streams.filter((s) => s.kind === 'video');
        await core.timeline(cm.classId, m.userId, 'media-quality', {
          lossPct,
          rttMs: report.rttMs,
          candidateType: report.candidateType,
          videoBps: video.reduce((n, s) => n + s.bitrateBps, 0),
          audioBps: report.streams.filter((s) => s.kind === 'audio').reduce((n, s) => n + s.bitrateBps, 0),
          framesDecoded: video.reduce((n, s) => n + (s.framesDecoded ?? 0), 0),
          level: m.link.level,
          audioOnly: m.link.mode === 'audio-only',
        });
      }
      return { ok: true, value: undefined };
    },
    /** Janus says the downlink to this subscriber is slow: down at once (teachers receive no simulcast). */
    async slowLink(cm: ClassMedia, m: Member) {
      if (m.role === 'teacher') return;
      await apply(cm, m, nextLink(m.link, { lossPct: 0, slowLink: true }, now()), 'measured');
    },
    /** The participant's own choice of audio and board only, or video again. */
    async choose(cm: ClassMedia, m: Member, audioOnly: boolean): Promise<MediaResult<void>> {
      await apply(cm, m, chooseLink(m.link, audioOnly, now()), 'manual');
      return { ok: true, value: undefined };
    },
  };
}
