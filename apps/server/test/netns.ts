import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { skipBecause } from '../../../scripts/skips';

/**
 * Network namespaces for media tests (Janus never gathers ICE candidates on loopback, shared/MACHINE.md): a fresh
 * namespace joined to the host by a veth pair with a /30 in 10.77.0.0/16 that no other run uses. No Janus import here,
 * so the end-to-end tests (which start Janus through the built server) can use it too.
 */
export interface Netns {
  name: string;
  /** The namespace's end of the pair (Janus's ICE is enforced onto it) and its address; the host's address. */
  nsIf: string;
  nsAddress: string;
  hostAddress: string;
  /** Deletes the pair and the namespace (processes still inside are the caller's to stop, by pid: see pidsIn). */
  remove(): void;
}

const searchPath = process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin';

const onPath = (bin: string) =>
  searchPath.split(path.delimiter).some((d) => {
    try {
      fs.accessSync(path.join(d, bin), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

/** Whether this machine can make namespaces and has `programs`; outside CI a missing piece skips (recorded), in CI it fails. */
export function netnsAvailable(suite: string, programs: string[]): boolean {
  const missing =
    process.getuid?.() !== 0
      ? 'network namespaces need root'
      : !onPath('ip')
        ? 'the ip command is missing (apt-get install iproute2)'
        : (programs.filter((p) => !onPath(p)).map((p) => `${p} is missing (apt-get install ${p})`)[0] ?? null);
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

export function makeNetns(): Netns {
  const id = randomBytes(3).toString('hex');
  const name = `tl-sfu-${process.pid}-${id}`;
  const hostIf = `tlh${id}`;
  const nsIf = `tls${id}`;
  const { host, ns } = freeSubnet();
  const remove = () => {
    for (const args of [['link', 'del', hostIf], ['netns', 'del', name]]) {
      try {
        ip(...args);
      } catch {
        // already gone
      }
    }
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
    remove();
    throw err;
  }
  return { name, nsIf, nsAddress: ns, hostAddress: host, remove };
}

/** The pids of the processes still running inside a namespace (a safety net: each is killed by its pid). */
export function pidsIn(name: string): number[] {
  try {
    return ip('netns', 'pids', name).split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
