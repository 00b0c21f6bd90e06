import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderTemplate, writeJanusConfig } from './janus.config';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function fakeLibDir(): string {
  const lib = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-lib-'));
  dirs.push(lib);
  fs.mkdirSync(path.join(lib, 'plugins'));
  fs.mkdirSync(path.join(lib, 'transports'));
  for (const f of ['plugins/libjanus_videoroom.so', 'plugins/libjanus_echotest.so', 'transports/libjanus_websockets.so', 'transports/libjanus_http.so']) fs.writeFileSync(path.join(lib, f), '');
  return lib;
}

describe('Janus configuration', () => {
  it('enables only videoroom and WebSocket, with the API on the given address, a secret and no admin API', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'janus-cfg-')), 'out');
    dirs.push(path.dirname(dir));
    const c = writeJanusConfig({ dir, apiIp: '10.77.0.2', wsPort: 8188, rtpPortRange: '20000-20200', libDir: fakeLibDir() });
    expect(c.apiUrl).toBe('ws://10.77.0.2:8188');
    expect(fs.readdirSync(path.join(dir, 'plugins'))).toEqual(['libjanus_videoroom.so']);
    expect(fs.readdirSync(path.join(dir, 'transports'))).toEqual(['libjanus_websockets.so']);
    expect(fs.readdirSync(path.join(dir, 'loggers'))).toEqual([]);
    const main = fs.readFileSync(c.mainFile, 'utf8');
    expect(main).toContain(`api_secret = "${c.apiSecret}"`);
    expect(main).toContain('rtp_port_range = "20000-20200"');
    expect(main).not.toMatch(/^\s*admin_secret/m);
    // Handles share media loops, one per core (at most 8): a thread per handle costs about 3x the CPU (decision 055).
    expect(main).toMatch(new RegExp(`^\\s*event_loops = ${Math.min(os.availableParallelism(), 8)}$`, 'm'));
    const ws = fs.readFileSync(path.join(dir, 'janus.transport.websockets.jcfg'), 'utf8');
    expect(ws).toContain('ws_ip = "10.77.0.2"');
    expect(ws).toMatch(/admin_ws = false/);
    expect(fs.readFileSync(path.join(dir, 'janus.plugin.videoroom.jcfg'), 'utf8')).toContain(`admin_key = "${c.adminKey}"`);
    expect(c.apiSecret).not.toBe(c.adminKey);
  });

  it('refuses a bad port range, quotes in values, and a placeholder without a value', () => {
    const base = { dir: path.join(os.tmpdir(), 'janus-never'), apiIp: '127.0.0.1', wsPort: 8188, libDir: fakeLibDir() };
    expect(() => writeJanusConfig({ ...base, rtpPortRange: '20200-20000' })).toThrow(/rtp port range/);
    expect(() => writeJanusConfig({ ...base, rtpPortRange: '20000-20200', apiSecret: 'a"b' })).toThrow(/quotes/);
    expect(() => renderTemplate('x = {{missing}}', {})).toThrow(/missing/);
    expect(() => writeJanusConfig({ ...base, rtpPortRange: '20000-20200', eventLoops: 0 })).toThrow(/event loops/);
  });

  it('sets the media loops it is given', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'janus-cfg-')), 'out');
    dirs.push(path.dirname(dir));
    const c = writeJanusConfig({ dir, apiIp: '127.0.0.1', wsPort: 8188, rtpPortRange: '20000-20200', libDir: fakeLibDir(), eventLoops: 3 });
    expect(fs.readFileSync(c.mainFile, 'utf8')).toMatch(/^\s*event_loops = 3$/m);
  });
});
