/** A redis-server of the bench's own on a free loopback port (never the machine's), stopped by pid at the end. */
import { spawn } from 'node:child_process';
import { freePort } from './processes';
import { liveChildren, onCleanup } from './run';

export interface RedisServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `redis-server` without persistence on 127.0.0.1 and resolves once it accepts connections. */
export async function startRedisServer(name: string, timeoutMs = 15_000): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'notice'], { stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => liveChildren.delete(child));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(child.pid!, 'SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
    }, 5_000);
    await exited;
    clearTimeout(timer);
  };
  onCleanup(stop);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} (redis-server :${port}) was not ready within ${timeoutMs} ms\n${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not start redis-server: ${err.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} (redis-server :${port}) exited with code ${code}\n${out}`));
    });
  });
  // Keep draining its output so it never blocks on a full pipe.
  child.stdout!.removeAllListeners('data');
  child.stderr!.removeAllListeners('data');
  child.stdout!.resume();
  child.stderr!.resume();
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid!, stop };
}
