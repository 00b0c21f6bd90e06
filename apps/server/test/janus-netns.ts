import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { JanusSupervisor } from '../src/integrations/janus';
import { makeNetns, netnsAvailable } from './netns';

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
  return netnsAvailable(suite, ['janus']);
}

export async function startJanusInNetns(opts: { restartDelayMs?: number | null; logLevel?: pino.Level | 'silent' } = {}): Promise<JanusInNetns> {
  const netns = makeNetns();
  const { name, nsIf, nsAddress: ns, hostAddress: host } = netns;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-janus-'));
  const cleanup = () => {
    netns.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  };
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

/**
 * One Janus in a namespace for a whole test file: started before its tests when this machine can run it, stopped by
 * pid after them. `runs` says whether it can (the skip is recorded, and fails under CI); `janus()` is the running one.
 */
export function janusForThisFile(suite: string): { runs: boolean; janus(): JanusInNetns } {
  const runs = janusNetnsAvailable(suite);
  let started: JanusInNetns | undefined;
  beforeAll(async () => {
    if (runs) started = await startJanusInNetns();
  }, 30_000);
  afterAll(async () => started?.stop());
  return { runs, janus: () => started! };
}
