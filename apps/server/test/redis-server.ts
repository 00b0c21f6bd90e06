import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { freePort } from './net';

/** The machine's Redis for tests that share one (REDIS_URL; tests under src/ may not read process.env). */
export const sharedRedisUrl: string | undefined = process.env.REDIS_URL;

/**
 * A redis-server of the test's own on a free loopback port, for fault tests (Redis down). Never the machine's
 * Redis on 6379, which other tests share. Stopped by its pid.
 */
export interface RedisServer {
  port: number;
  url: string;
  pid: number;
  /** SIGKILLs it and waits until it is gone (Redis "crashing"). */
  kill(): Promise<void>;
  /** Starts a new, empty redis-server on the same port (after kill()): Redis restarted. */
  restart(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let current = await spawnRedis(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return current.child.pid!;
    },
    kill: () => current.kill(),
    async restart() {
      await current.kill();
      current = await spawnRedis(port);
    },
  };
}

async function spawnRedis(port: number) {
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cleanup = () => child.kill('SIGKILL');
  process.once('exit', cleanup);
  const deadline = Date.now() + 10_000;
  while (!(await answers(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    child,
    async kill() {
      process.removeListener('exit', cleanup);
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid!, 'SIGKILL');
        await exited;
      }
    },
  };
}

/** Whether something answers PING on the port. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(String(d).startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
