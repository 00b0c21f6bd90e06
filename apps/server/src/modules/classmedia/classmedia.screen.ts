import type { Jsep, Sfu } from '../../integrations/janus';
import type { Logger } from '../../platform/logger';
import type { Io } from '../../platform/realtime';
import type { ClassMedia, MediaCore, MediaResult, Member } from './classmedia.core';
import { screenShareAllowed } from './classmedia.rules';

/** Screens publish through Janus at this cap: text stays readable at a few frames a second. */
const screenBitrateBps = 1_200_000;

/**
 * Screen share as a second feed at Janus (issue #15): the teacher, or a learner the teacher allowed, joins a second
 * publisher handle with the same token and publishes the screen; every learner receives it beside the teacher's
 * camera (classmedia.picks.ts). Stopping the share, or the teacher taking the permission back, makes the feed leave.
 */
export function createScreenShare(deps: { core: MediaCore; sfu: Sfu; io: Io; logger: Logger }) {
  const { core, sfu, io, logger } = deps;
  const sharer = (cm: ClassMedia) => [...cm.members.values()].find((x) => x.screen)?.userId ?? null;

  async function stop(cm: ClassMedia, m: Member, why: 'stopped' | 'permission_taken') {
    if (!m.screen) return;
    await core.dropScreen(cm, m);
    logger.info({ event: 'classmedia_screen_stopped', classId: cm.classId, userId: m.userId, why }, 'a screen share stopped');
    await core.timeline(cm.classId, m.userId, 'media-screen', { on: false, why });
    core.announce(cm);
    for (const other of cm.members.values()) if (other !== m) await core.resync(cm, other);
  }

  return {
    /** The screen's offer (first, or a renegotiation/ICE restart of the running share); Janus's answer back. */
    async publish(cm: ClassMedia, m: Member, offer: Jsep): Promise<MediaResult<{ answer: Jsep }>> {
      const allowed = screenShareAllowed({ role: m.role, allowed: m.screenAllowed }, sharer(cm), m.userId);
      if (allowed !== 'ok') return { ok: false, reason: allowed };
      if (!m.screen) {
        const joined = await sfu.join({ room: cm.room, pin: cm.pin, token: m.token, display: `${m.userId}:screen` });
        if (!joined.ok) return core.sfuRefusal(joined, 'join', cm.classId);
        // A learner left out of recordings is left out with their screen too.
        if (!m.recorded) {
          const ex = await sfu.excludeFromRecording(joined.value.peer, true);
          if (!ex.ok) {
            await sfu.leave(joined.value.peer);
            return core.sfuRefusal(ex, 'excludeFromRecording', cm.classId);
          }
        }
        m.screen = { joined: joined.value, mid: null };
        await core.timeline(cm.classId, m.userId, 'media-screen', { on: true });
      }
      const r = await sfu.publish(m.screen.joined.peer, { offer, bitrateBps: screenBitrateBps });
      return r.ok ? r : core.sfuRefusal(r, 'publish', cm.classId);
    },
    stop: (cm: ClassMedia, m: Member) => stop(cm, m, 'stopped').then(() => ({ ok: true as const, value: undefined })),
    /** The teacher gives or takes back a learner's permission; taking it back ends a running share. */
    async permit(cm: ClassMedia, teacher: Member, userId: string, allowed: boolean): Promise<MediaResult<void>> {
      if (teacher.role !== 'teacher') return { ok: false, reason: 'teacher_only' };
      const m = cm.members.get(userId);
      if (!m) return { ok: false, reason: 'not_joined' };
      m.screenAllowed = allowed;
      await core.timeline(cm.classId, teacher.userId, 'media-screen-permission', { learnerId: userId, allowed });
      io.to(m.socketId).emit('class:media:screen-permission', { classId: cm.classId, allowed });
      if (!allowed && m.role !== 'teacher') await stop(cm, m, 'permission_taken');
      return { ok: true, value: undefined };
    },
  };
}
