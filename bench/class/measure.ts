/** What the class bench reads from the machine: a process's CPU time and an interface's byte counters. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process (all its threads), in ms, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / clockTicks;
}

/** The host interface that holds an address (the host's end of the veth pair). */
export function interfaceWithAddress(address: string): string {
  const line = execFileSync('ip', ['-o', '-4', 'addr'], { encoding: 'utf8' })
    .split('\n')
    .find((l) => l.includes(` ${address}/`));
  const name = line?.split(/\s+/)[1];
  if (!name) throw new Error(`no interface holds ${address}`);
  return name.split('@')[0]!;
}

/** Byte counters of a host interface: on the host end of the veth, rx is what Janus sent, tx what it received. */
export function ifBytes(ifName: string): { rx: number; tx: number } {
  const read = (k: string) => Number(fs.readFileSync(`/sys/class/net/${ifName}/statistics/${k}`, 'utf8').trim());
  return { rx: read('rx_bytes'), tx: read('tx_bytes') };
}

export interface Window {
  seconds: number;
  /** Janus's egress and ingress over the veth, bytes/s. */
  egressBps: number;
  ingressBps: number;
  /** Janus's CPU, ms per second of wall time. */
  janusCpuMsPerS: number;
  /** RTP bytes/s received by each receiver, in order. */
  receiverBps: number[];
  videoBps: number[];
}

/** Measures over `seconds` of wall time; counters read at both ends. */
export async function measureWindow(o: { seconds: number; ifName: string; janusPid: number; receivers: { bytes: number; videoBytes: number }[] }): Promise<Window> {
  const t0 = performance.now();
  const net0 = ifBytes(o.ifName);
  const cpu0 = cpuMs(o.janusPid);
  const rx0 = o.receivers.map((r) => r.bytes);
  const video0 = o.receivers.map((r) => r.videoBytes);
  await new Promise((r) => setTimeout(r, o.seconds * 1000));
  const s = (performance.now() - t0) / 1000;
  const net1 = ifBytes(o.ifName);
  const cpu1 = cpuMs(o.janusPid);
  return {
    seconds: s,
    egressBps: (net1.rx - net0.rx) / s,
    ingressBps: (net1.tx - net0.tx) / s,
    janusCpuMsPerS: (cpu1 - cpu0) / s,
    receiverBps: o.receivers.map((r, i) => (r.bytes - rx0[i]!) / s),
    videoBps: o.receivers.map((r, i) => (r.videoBytes - video0[i]!) / s),
  };
}
