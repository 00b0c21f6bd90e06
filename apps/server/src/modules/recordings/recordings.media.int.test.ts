import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnOneBackend } from '../../../test/db';
import { janusNetnsAvailable, type JanusInNetns, startJanusInNetns } from '../../../test/janus-netns';
import { publishWithWrtc, waitFor, type WrtcPublisher } from '../../../test/webrtc-clients';
import type { Clock } from '../../platform/clock';
import { createJobRunner } from '../../platform/jobs';
import { createLogger } from '../../platform/logger';
import { probe } from './recordings.convert';
import { createRecordingsRepo } from './recordings.repo';
import { CONVERT_QUEUE, createRecordingsService } from './recordings.service';

// A class recorded through Janus for real (issue #15): Janus in a network namespace, wrtc publishers with real
// encoders, the convert job with janus-pp-rec and ffmpeg, and ffprobe on the result.
const runs = janusNetnsAvailable('class recording through Janus (network namespace)');
const tools = { ppRec: '/usr/bin/janus-pp-rec', ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe', timeoutMs: 60_000 };

describe.runIf(runs)('recording through Janus', () => {
  let j: JanusInNetns;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-rec-'));

  beforeAll(async () => {
    j = await startJanusInNetns();
  });
  afterAll(async () => {
    await j?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  describeOnOneBackend('a recorded class', ({ db }) => {
    const clock: Clock = { now: () => new Date('2026-12-01T12:00:00.000Z') };
    const logger = createLogger('silent');
    const pubs: WrtcPublisher[] = [];
    afterAll(async () => {
      for (const p of pubs) await p.stop();
    });

    it('records the teacher into one WebM with video and audio of the recorded length; a learner left out has no files', async () => {
      const service = createRecordingsService({ repo: createRecordingsRepo(db().database.db), clock, logger, sfu: j.janus.api, root, retentionMs: 86_400_000, tools });
      const secret = randomBytes(12).toString('base64url');
      const pin = randomBytes(6).toString('base64url');
      const tokens = [randomBytes(12).toString('base64url'), randomBytes(12).toString('base64url')];
      const sfuRoom = randomInt(1, 2 ** 40);
      expect((await j.janus.api.createRoom({ room: sfuRoom, secret, pin, tokens, recordDir: service.recordDirFor(sfuRoom) })).ok).toBe(true);
      const teacher = await publishWithWrtc(j.janus.api, { room: sfuRoom, pin, token: tokens[0]!, display: 'teacher', simulcast: false, hostAddress: j.hostAddress });
      const learner = await publishWithWrtc(j.janus.api, { room: sfuRoom, pin, token: tokens[1]!, display: 'learner', simulcast: false, hostAddress: j.hostAddress });
      pubs.push(teacher, learner);
      // No guardian consent on file: the classroom leaves this learner out before recording starts.
      expect((await j.janus.api.excludeFromRecording(learner.peer, true)).ok).toBe(true);

      expect(await service.start({ roomRef: 'class-a', sfuRoom, secret: 'wrong', ownerId: randomUUID() })).toEqual({ ok: false, reason: 'unauthorized' });
      const started = await service.start({ roomRef: 'class-a', sfuRoom, secret, ownerId: randomUUID() });
      if (!started.ok) throw new Error(started.reason);
      const id = started.value.id;
      const raw = service.recordDirFor(sfuRoom);
      expect(await service.start({ roomRef: 'class-a', sfuRoom, secret, ownerId: randomUUID() })).toMatchObject({ ok: false, reason: 'refused' });
      await waitFor('the teacher’s recording files', () => fs.readdirSync(raw).filter((f) => f.startsWith(`${id}-feed-${teacher.feed}-`)).length === 2);
      const t0 = performance.now();
      await waitFor('about 4 s of recorded media', () => performance.now() - t0 >= 4000, 10_000);
      expect(await service.stop(id, secret)).toEqual({ ok: true, value: undefined });
      expect(fs.readdirSync(raw).some((f) => f.includes(`-feed-${learner.feed}-`))).toBe(false);

      const runner = createJobRunner({ db: db().database.db, clock, logger, pollMs: 60_000 });
      runner.register(CONVERT_QUEUE, async ({ recordingId }) => void (await service.convert(recordingId)));
      await runner.drain();
      const row = await service.get(id);
      expect(row).toMatchObject({ status: 'ready', error: null });
      expect(row!.files.map((f) => f.feed)).toEqual([teacher.feed]);
      const info = await probe(tools, path.join(root, id, row!.files[0]!.file));
      if (!info.ok) throw new Error(JSON.stringify(info));
      console.log(`recorded ${info.value.durationMs} ms, video ${info.value.video}, audio ${info.value.audio}`);
      expect(info.value).toMatchObject({ video: true, audio: true });
      expect(info.value.durationMs).toBeGreaterThanOrEqual(3000);
      expect(info.value.durationMs).toBeLessThanOrEqual(6000);
      // The .mjr files are gone once converted; nothing of the learner anywhere.
      expect(fs.readdirSync(raw).filter((f) => f.startsWith(id))).toEqual([]);
      expect(fs.readdirSync(path.join(root, id))).toEqual([`feed-${teacher.feed}.webm`]);
      await teacher.stop();
      await learner.stop();
      expect((await j.janus.api.destroyRoom(sfuRoom, secret)).ok).toBe(true);
    });
  });
});
