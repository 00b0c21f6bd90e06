import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { janusNetnsAvailable, type JanusInNetns, startJanusInNetns } from '../../../test/janus-netns';
import { publishWithWrtc, subscribeWithWerift, waitFor, type WeriftSubscriber, type WrtcPublisher } from '../../../test/webrtc-clients';
import type { SfuEvent } from './sfu';

// Media through Janus for real (issue #15): Janus in a network namespace, a wrtc publisher with a real encoder,
// werift subscribers counting RTP. No database: the adapter alone.
const runs = janusNetnsAvailable('media through Janus (network namespace)');

describe.runIf(runs)('media through Janus', () => {
  let j: JanusInNetns;
  const events: SfuEvent[] = [];
  const secret = randomBytes(12).toString('base64url');
  const pin = randomBytes(6).toString('base64url');
  const tokens = Array.from({ length: 33 }, () => randomBytes(12).toString('base64url'));
  let room: number;
  let teacher: WrtcPublisher;
  const students: WeriftSubscriber[] = [];

  beforeAll(async () => {
    j = await startJanusInNetns();
    j.janus.api.onEvent((e) => events.push(e));
    const created = await j.janus.api.createRoom({ secret, pin, tokens, bitrateBps: 2_000_000, talkingLevel: 70 });
    if (!created.ok) throw new Error(`createRoom: ${created.reason}`);
    room = created.value.room;
    teacher = await publishWithWrtc(j.janus.api, { room, pin, token: tokens[0]!, display: 'teacher', simulcast: true, hostAddress: j.hostAddress });
  });

  afterAll(async () => {
    for (const s of students) await s.stop();
    await teacher?.stop();
    await j?.stop();
  });

  it('publishes simulcast VP8 and Opus, and the monitor hears the publisher join and talk', async () => {
    await waitFor('the teacher to be announced', () => events.some((e) => e.type === 'publisher_joined' && e.feed === teacher.feed));
    const joined = events.find((e) => e.type === 'publisher_joined' && e.feed === teacher.feed);
    expect(joined).toMatchObject({ room, display: 'teacher' });
    const video = joined?.type === 'publisher_joined' ? joined.streams.find((s) => s.kind === 'video') : undefined;
    expect(video?.simulcast).toBe(teacher.simulcast);
    expect(teacher.simulcast).toBe(true);
    await waitFor('webrtcup for the teacher', () => events.some((e) => e.type === 'webrtcup' && e.peer === teacher.peer));
    await waitFor('a talking event', () => events.some((e) => e.type === 'talking' && e.feed === teacher.feed && e.talking), 15_000);
  });

  it('a subscriber receives the teacher’s audio and video, picks a simulcast layer, and a mute at Janus stops the audio', async () => {
    const student = unwrap(await j.janus.api.join({ room, pin, token: tokens[1]!, display: 'student 1' }));
    const sub = await subscribeWithWerift(j.janus.api, { room, pin, privateId: student.privateId, feeds: [{ feed: teacher.feed }], hostAddress: j.hostAddress });
    students.push(sub);
    await waitFor('video and audio packets', () => sub.packets.video > 30 && sub.packets.audio > 30, 15_000);
    expect((await j.janus.api.configureSubscriber(sub.peer, { mid: '1', substream: 1, temporal: 2 })).ok).toBe(true);

    console.log(`first video packet ${Math.round(sub.firstVideoAt! - sub.joinedAt)} ms after subscribing`);
    expect(await j.janus.api.moderate(room, secret, teacher.feed, teacher.mids.audio, true)).toEqual({ ok: true, value: undefined });
    // What was in flight lands while 20 more video packets arrive; in the next 40 not one audio packet may.
    let mark = sub.packets.video;
    await waitFor('in-flight packets to land', () => sub.packets.video > mark + 20);
    const mutedAt = sub.packets.audio;
    mark = sub.packets.video;
    await waitFor('more video while muted', () => sub.packets.video > mark + 40);
    expect(sub.packets.audio - mutedAt).toBe(0);

    expect((await j.janus.api.moderate(room, secret, teacher.feed, teacher.mids.audio, false)).ok).toBe(true);
    const before = sub.packets.audio;
    await waitFor('audio to come back after unmute', () => sub.packets.audio > before + 20, 10_000);
  });

  it('refuses a wrong token, a wrong secret and an unknown feed as typed results', async () => {
    expect(await j.janus.api.join({ room, pin, token: 'not-a-token', display: 'intruder' })).toEqual({ ok: false, reason: 'unauthorized' });
    expect(await j.janus.api.moderate(room, 'wrong', teacher.feed, teacher.mids.audio, true)).toEqual({ ok: false, reason: 'unauthorized' });
    expect(await j.janus.api.kick(room, secret, 12345)).toEqual({ ok: false, reason: 'no_such_feed' });
    expect(await j.janus.api.join({ room: room + 1, pin, token: tokens[2]!, display: 'lost' })).toEqual({ ok: false, reason: 'no_such_room' });
  });
});

function unwrap<T>(r: { ok: true; value: T } | { ok: false; reason: string }): T {
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}
