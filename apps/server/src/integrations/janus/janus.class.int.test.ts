import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { janusNetnsAvailable, type JanusInNetns, startJanusInNetns } from '../../../test/janus-netns';
import { publishWithWrtc, subscribeWithWerift, waitFor, type WeriftSubscriber, type WrtcPublisher } from '../../../test/webrtc-clients';
import type { SfuEvent } from './sfu';

// A 30-person class through Janus (issue #15): one wrtc teacher, 30 werift students; then Janus dies mid-class.
const runs = janusNetnsAvailable('a 30-person class through Janus (network namespace)');

describe.runIf(runs)('a 30-person class through Janus', () => {
  let j: JanusInNetns;
  const events: SfuEvent[] = [];
  const secret = randomBytes(12).toString('base64url');
  const pin = randomBytes(6).toString('base64url');
  const tokens = Array.from({ length: 31 }, () => randomBytes(12).toString('base64url'));
  let room: number;
  let teacher: WrtcPublisher | null = null;
  const students: WeriftSubscriber[] = [];

  beforeAll(async () => {
    j = await startJanusInNetns({ restartDelayMs: 100 });
    j.janus.api.onEvent((e) => events.push(e));
  });

  afterAll(async () => {
    for (const s of students) await s.stop().catch(() => undefined);
    await teacher?.stop().catch(() => undefined);
    await j?.stop();
  });

  it('every one of 30 students receives the teacher’s video; join to first packet is reported', async () => {
    const created = await j.janus.api.createRoom({ secret, pin, tokens, publishers: 31 });
    if (!created.ok) throw new Error(created.reason);
    room = created.value.room;
    teacher = await publishWithWrtc(j.janus.api, { room, pin, token: tokens[0]!, display: 'teacher', simulcast: true, hostAddress: j.hostAddress });
    const feed = teacher.feed;
    // Janus announces a feed once its media is set up; subscribing before that is no_such_feed.
    await waitFor('the teacher to be announced', () => events.some((e) => e.type === 'publisher_joined' && e.feed === feed));
    for (let i = 1; i <= 30; i++) {
      const joined = await j.janus.api.join({ room, pin, token: tokens[i]!, display: `student ${i}` });
      if (!joined.ok) throw new Error(`student ${i}: ${joined.reason}`);
      students.push(await subscribeWithWerift(j.janus.api, { room, pin, privateId: joined.value.privateId, feeds: [{ feed }], hostAddress: j.hostAddress }));
    }
    await waitFor('every student to receive video', () => students.every((s) => s.packets.video > 0), 30_000);
    const times = students.map((s) => s.firstVideoAt! - s.joinedAt);
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(`join to first video packet: median ${Math.round(median)} ms, 30th student ${Math.round(times[29]!)} ms, max ${Math.round(sorted[29]!)} ms`);
    expect(students).toHaveLength(30);
  });

  it('a Janus killed mid-class is reported down, comes back as restarted, and a new room can be created', async () => {
    const pid = j.janus.pid();
    expect(pid).toBeTypeOf('number');
    process.kill(pid!, 'SIGKILL');
    await waitFor('the down event', () => events.some((e) => e.type === 'down'));
    const down = j.janus.status();
    if (!down.up) expect(down.reason).toMatch(/media server \(janus\)/);
    // Down until the restart (100 ms later); on a loaded machine the new Janus may already answer, without the room.
    expect(await j.janus.api.kick(room, secret, teacher!.feed)).toEqual({ ok: false, reason: j.janus.status().up ? 'no_such_room' : 'sfu_down' });
    await waitFor('the restarted event', () => events.some((e) => e.type === 'restarted'), 20_000);
    expect(j.janus.status()).toMatchObject({ up: true });
    expect(j.janus.pid()).not.toBe(pid);
    // The old room is gone with the old process; the caller re-creates it.
    expect(await j.janus.api.join({ room, pin, token: tokens[1]!, display: 'late' })).toEqual({ ok: false, reason: 'no_such_room' });
    const again = await j.janus.api.createRoom({ room, secret, pin, tokens });
    expect(again).toEqual({ ok: true, value: { room } });
  });
});
