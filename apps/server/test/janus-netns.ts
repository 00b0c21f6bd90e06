import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { skipBecause } from '../../../scripts/skips';
import { findExecutable, JanusSupervisor } from '../src/integrations/janus';

/**
 * Janus in a network namespace of its own (Janus never gathers ICE candidates on loopback, shared/MACHINE.md): a fresh
 * namespace and veth pair with a /30 no other run uses, Janus inside it with its API on the namespace's address.
 * Clients on the host reach it over the veth. `stop()` kills Janus by pid and deletes the namespace and the pair.
 */
export interface JanusInNetns {
  janus: JanusSupervisor;
  /** The namespace's address (Janus's API and media) and the host's end of the pair. */
  nsAddress: string;
  hostAddress: string;
  name: string;
  stop(): Promise<void>;
}

const searchPath = process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin';

/** Whether this machine can run Janus in a namespace; outside CI a missing piece skips (recorded), in CI it fails. */
export function janusNetnsAvailable(suite: string): boolean {
  const missing =
    process.getuid?.() !== 0
      ? 'network namespaces need root'
      : !findExecutable('ip', searchPath)
        ? 'the ip command is missing (apt-get install iproute2)'
        : !findExecutable('janus', searchPath)
          ? 'janus is missing (apt-get install janus)'
          : null;
  if (!missing) return true;
  skipBecause(suite, missing);
  return false;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A /30 inside 10.77.0.0/16 that no interface on the host uses yet (parallel runs pick different ones). */
function freeSubnet(): { host: string; ns: string } {
  const used = ip('-o', '-4', 'addr');
  for (let i = 0; i < 50; i++) {
    const block = randomInt(1, 16_383) * 4;
    const base = `10.77.${block >> 8}.`;
    const host = `${base}${(block & 255) + 1}`;
    if (!used.includes(` ${host}/`)) return { host, ns: `${base}${(block & 255) + 2}` };
  }
  throw new Error('no free /30 in 10.77.0.0/16');
}

export async function startJanusInNetns(opts: { restartDelayMs?: number | null; logLevel?: pino.Level | 'silent' } = {}): Promise<JanusInNetns> {
  const id = randomBytes(3).toString('hex');
  const name = `tl-sfu-${process.pid}-${id}`;
  const hostIf = `tlh${id}`;
  const nsIf = `tls${id}`;
  const { host, ns } = freeSubnet();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-janus-'));
  const cleanup = () => {
    for (const args of [['link', 'del', hostIf], ['netns', 'del', name]]) {
      try {
        ip(...args);
      } catch {
        // already gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    ip('netns', 'add', name);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', name);
    ip('addr', 'add', `${host}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${ns}/30`, 'dev', nsIf);
    ip('netns', 'exec', name, 'ip', 'link', 'set', nsIf, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (err) {
    cleanup();
    throw err;
  }
  const logger = pino({ level: opts.logLevel ?? 'silent' });
  const janus = new JanusSupervisor({
    prefix: ['ip', 'netns', 'exec', name],
    searchPath,
    config: { dir: path.join(dir, 'config'), apiIp: ns, wsPort: 8188, rtpPortRange: '20000-20400', iceEnforceList: nsIf },
    logger,
    restartDelayMs: opts.restartDelayMs === undefined ? 200 : opts.restartDelayMs,
    startTimeoutMs: 20_000,
  });
  const status = await janus.start();
  if (!status.up) {
    const output = janus.lastOutput();
    await janus.stop();
    cleanup();
    throw new Error(`Janus did not start in ${name}: ${status.reason}\n${output}`);
  }
  return {
    janus,
    nsAddress: ns,
    hostAddress: host,
    name,
    stop: async () => {
      await janus.stop();
      cleanup();
    },
  };
}
