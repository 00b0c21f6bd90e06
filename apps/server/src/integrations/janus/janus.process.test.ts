import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { JanusSupervisor, janusMissingReason } from './janus.process';

describe('Janus process', () => {
  it('without the binary: status down with a clear reason, every call sfu_down, nothing thrown', async () => {
    const janus = new JanusSupervisor({
      bin: 'janus-not-installed-here',
      searchPath: '/nonexistent',
      config: { dir: path.join(os.tmpdir(), 'janus-never-written'), apiIp: '127.0.0.1', wsPort: 8188, rtpPortRange: '20000-20200' },
      logger: pino({ level: 'silent' }),
    });
    expect(await janus.start()).toEqual({ up: false, reason: janusMissingReason });
    expect(janusMissingReason).toMatch(/^live classes need the media server \(janus\)/);
    expect(await janus.api.createRoom({ secret: 's', pin: 'p', tokens: [] })).toEqual({ ok: false, reason: 'sfu_down' });
    expect(await janus.api.join({ room: 1, pin: 'p', token: 't', display: 'd' })).toEqual({ ok: false, reason: 'sfu_down' });
    expect(await janus.api.trickle('1', null)).toEqual({ ok: false, reason: 'no_such_peer' });
    await janus.stop();
    expect(janus.pid()).toBeNull();
  });
});
