import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../platform/logger';
import { type JanusConfig, type JanusConfigOptions, writeJanusConfig } from './janus.config';
import { JanusSfu } from './janus.sfu';
import type { Sfu, SfuStatus } from './sfu';

type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface JanusProcessOptions {
  /** The janus binary: a path, or a name looked up on PATH ("janus" by default). */
  bin?: string;
  /** The PATH to look it up on (config passes process's PATH). */
  searchPath?: string;
  config: JanusConfigOptions;
  /** Runs Janus through this command, e.g. ['ip', 'netns', 'exec', name] (which execs, so the pid stays Janus's). */
  prefix?: string[];
  logger: Log;
  startTimeoutMs?: number;
  /** After Janus dies, start it again after this long (doubling up to 30 s); null: stay down. */
  restartDelayMs?: number | null;
}

export const janusMissingReason = 'live classes need the media server (janus), which is not installed here (apt-get install janus)';

/** Finds an executable by name on a PATH, or checks a path; null when there is none. */
export function findExecutable(bin: string, searchPath: string): string | null {
  const candidates = bin.includes('/') ? [bin] : searchPath.split(path.delimiter).filter(Boolean).map((d) => path.join(d, bin));
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Runs Janus as a child process with a configuration generated at start, connects the Sfu to it, notices when it
 * dies (status down, `down` event), and starts it again (then `restarted`). Stopped by its pid on close.
 */
export class JanusSupervisor {
  readonly sfu: JanusSfu;
  private child: ChildProcess | null = null;
  private config: JanusConfig | null = null;
  private stopping = false;
  private starting: Promise<SfuStatus> | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private restartDelay: number;
  private everUp = false;
  private output = '';

  constructor(private readonly opts: JanusProcessOptions) {
    this.sfu = new JanusSfu({ logger: opts.logger });
    this.restartDelay = opts.restartDelayMs ?? 1000;
  }

  /** The Sfu the classroom uses (the same object across restarts). */
  get api(): Sfu {
    return this.sfu;
  }

  status(): SfuStatus {
    return this.sfu.status();
  }

  pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** The last lines Janus printed (for error reports). */
  lastOutput(): string {
    return this.output;
  }

  start(): Promise<SfuStatus> {
    this.stopping = false;
    this.starting ??= this.launch().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async launch(): Promise<SfuStatus> {
    if (this.child) return this.status();
    const bin = findExecutable(this.opts.bin ?? 'janus', this.opts.searchPath ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    if (!bin) {
      this.sfu.markDown(janusMissingReason);
      this.opts.logger.warn({ event: 'sfu_missing', bin: this.opts.bin ?? 'janus' }, janusMissingReason);
      return this.status();
    }
    try {
      this.config ??= writeJanusConfig(this.opts.config);
    } catch (err) {
      const reason = `live classes need the media server (janus), whose configuration could not be written: ${(err as Error).message}`;
      this.sfu.markDown(reason);
      this.opts.logger.error({ event: 'sfu_config_failed', err }, reason);
      return this.status();
    }
    const config = this.config;
    const [cmd, ...args] = [...(this.opts.prefix ?? []), bin, '-C', config.mainFile, '-F', config.dir, '-o', '-L', path.join(config.dir, 'janus.log')];
    const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.output = '';
    const keep = (d: Buffer) => {
      this.output = (this.output + String(d)).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exited = false;
    child.once('error', (err) => this.opts.logger.error({ event: 'sfu_spawn_failed', err }, 'the media server (janus) could not be started'));
    child.once('exit', (code, signal) => {
      exited = true;
      this.exited(child, code, signal);
    });
    this.opts.logger.info({ event: 'sfu_starting', janusPid: child.pid, apiUrl: config.apiUrl }, 'starting the media server (janus)');

    const deadline = performance.now() + (this.opts.startTimeoutMs ?? 15_000);
    let lastError = '';
    while (!exited && !this.stopping) {
      try {
        await this.sfu.connect({ apiUrl: config.apiUrl, apiSecret: config.apiSecret, adminKey: config.adminKey, pid: child.pid ?? null, restarted: this.everUp });
        this.everUp = true;
        this.restartDelay = this.opts.restartDelayMs ?? 1000;
        return this.status();
      } catch (err) {
        lastError = (err as Error).message;
      }
      if (performance.now() > deadline) {
        const reason = `live classes need the media server (janus), which did not answer at ${config.apiUrl}: ${lastError}`;
        this.opts.logger.error({ event: 'sfu_start_timeout', output: this.output }, reason);
        await this.kill(child);
        this.sfu.markDown(reason);
        return this.status();
      }
      await sleep(100);
    }
    return this.status();
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = null;
    if (this.stopping) return;
    const reason = `live classes need the media server (janus), which exited (${signal ?? `code ${code}`}); restarting`;
    this.opts.logger.error({ event: 'sfu_exited', code, signal, output: this.output.slice(-1000) }, reason);
    this.sfu.markDown(reason);
    if (this.opts.restartDelayMs === null) return;
    const delay = this.restartDelay;
    this.restartDelay = Math.min(this.restartDelay * 2, 30_000);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopping) void this.start();
    }, delay);
  }

  /** Stops Janus by its pid (TERM, then KILL after 5 s) and closes the API connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.starting?.catch(() => undefined);
    await this.sfu.close();
    if (this.child) await this.kill(this.child);
    this.child = null;
    this.opts.logger.info({ event: 'sfu_stopped' }, 'the media server (janus) stopped');
  }

  private async kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}
