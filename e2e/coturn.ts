import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { skipBecause } from '../scripts/skips';
import { freePort } from './harness';

export interface RunningCoturn {
  stunUrl: string;
  turnUdpUrl: string;
  turnTcpUrl: string;
  /** The shared secret for TURN REST credentials (TURN_SECRET). */
  secret: string;
  output(): string;
  stop(): Promise<void>;
}

/** Whether `turnserver` is installed; outside CI a missing one skips the suite (recorded), in CI it fails. */
export function coturnAvailable(suite: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v turnserver'], { stdio: 'ignore' });
    return true;
  } catch {
    skipBecause(suite, 'turnserver is missing (apt-get install coturn)');
    return false;
  }
}

/** Relay ports below Linux's ephemeral range, 50 per listening port, so parallel runs rarely share one. */
function relayRange(listeningPort: number): { min: number; max: number } {
  const slot = listeningPort % 220;
  const min = 21_000 + slot * 50;
  return { min, max: min + 49 };
}

/**
 * Starts a real coturn on 127.0.0.1 with TURN REST credentials (flags from shared/MACHINE.md) and waits until it
 * answers STUN over UDP and accepts TCP. `--allow-loopback-peers` is for tests only: production must deny loopback peers.
 */
export async function startCoturn(): Promise<RunningCoturn> {
  const port = await freePort();
  const { min, max } = relayRange(port);
  const secret = randomBytes(18).toString('base64url');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-coturn-'));
  const child = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${min}`,
      `--max-port=${max}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=tutorline.test',
      '--no-tls',
      '--no-dtls',
      '--allow-loopback-peers',
      '--no-cli',
      '--fingerprint',
      '--log-file=stdout',
      '--simple-log',
      `--pidfile=${path.join(dir, 'turnserver.pid')}`,
      `--db=${path.join(dir, 'turndb')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  child.stderr?.on('data', (d) => (out += String(d)));
  const stop = () => stopProcess(child, dir);
  try {
    const deadline = Date.now() + 15_000;
    while (!((await answersStun(port)) && (await acceptsTcp(port)))) {
      if (child.exitCode !== null) throw new Error(`turnserver exited with ${child.exitCode}:\n${out}`);
      if (Date.now() > deadline) throw new Error(`turnserver did not start listening on ${port}:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    stunUrl: `stun:127.0.0.1:${port}`,
    turnUdpUrl: `turn:127.0.0.1:${port}?transport=udp`,
    turnTcpUrl: `turn:127.0.0.1:${port}?transport=tcp`,
    secret,
    output: () => out,
    stop,
  };
}

async function stopProcess(child: ChildProcess, dir: string) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Sends one STUN Binding request and waits briefly for a Binding success response. */
function answersStun(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const request = Buffer.alloc(20);
    request.writeUInt16BE(0x0001, 0);
    request.writeUInt16BE(0, 2);
    request.writeUInt32BE(0x2112a442, 4);
    randomBytes(12).copy(request, 8);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 300);
    socket.on('message', (msg) => done(msg.length >= 20 && msg.readUInt16BE(0) === 0x0101 && msg.subarray(8, 20).equals(request.subarray(8, 20))));
    socket.on('error', () => done(false));
    socket.send(request, port, '127.0.0.1');
  });
}

function acceptsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
