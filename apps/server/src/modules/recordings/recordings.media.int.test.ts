import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { janusNetnsAvailable, type JanusInNetns, startJanusInNetns } from '../../../test/janus-netns';
import { publishWithWrtc, waitFor, type WrtcPublisher } from '../../../test/webrtc-clients';
import { convertRecording, probe } from './recordings.convert';

const runs = janusNetnsAvailable('class recording through Janus (network namespace)');
const tools = { ppRec: 'janus-pp-rec', ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', timeoutMs: 60_000 };

describe.runIf(runs)('recording through Janus', () => {
  let j: JanusInNetns;
  const secret = randomBytes(12).toString('base64url');
  const pin = randomBytes(6).toString('base64url');
  const tokens = Array.from({ length: 3 }, () => randomBytes(12).toString('base64url'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-rec-'));
  let room: number;
  const pubs: WrtcPublisher[] = [];

  beforeAll(async () => {
    j = await startJanusInNetns();
    const created = await j.janus.api.createRoom({ secret, pin, tokens, recordDir: path.join(dir, 'raw') });
    if (!created.ok) throw new Error(`createRoom: ${created.reason}`);
    room = created.value.room;
  });

  afterAll(async () => {
    for (const p of pubs) await p.stop();
    await j?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records the teacher to one WebM with video and audio; an excluded learner leaves no files', async () => {
    const teacher = await publishWithWrtc(j.janus.api, { room, pin, token: tokens[0]!, display: 'teacher', simulcast: false, hostAddress: j.hostAddress });
    const learner = await publishWithWrtc(j.janus.api, { room, pin, token: tokens[1]!, display: 'learner', simulcast: false, hostAddress: j.hostAddress });
    pubs.push(teacher, learner);
    expect((await j.janus.api.excludeFromRecording(learner.peer, true)).ok).toBe(true);
    expect(await j.janus.api.startRecording(room, 'wrong', 'rec1')).toEqual({ ok: false, reason: 'unauthorized' });
    const started = await j.janus.api.startRecording(room, secret, 'rec1');
    expect(started).toEqual({ ok: true, value: undefined });
    const t0 = performance.now();
    await waitFor('4 s of media', () => performance.now() - t0 > 4000, 8000);
    expect((await j.janus.api.stopRecording(room, secret)).ok).toBe(true);
    console.log(fs.readdirSync(path.join(dir, 'raw')));
    const converted = await convertRecording({ rawDir: path.join(dir, 'raw'), name: 'rec1', outDir: path.join(dir, 'out'), tools });
    if (!converted.ok) throw new Error(JSON.stringify(converted));
    expect(converted.value.map((f) => f.feed)).toEqual([teacher.feed]);
    const info = await probe(tools, path.join(dir, 'out', converted.value[0]!.file));
    expect(info).toMatchObject({ ok: true, value: { video: true, audio: true } });
    console.log(info);
  });
});
