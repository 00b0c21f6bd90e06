import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What a Janus configuration is rendered from (the templates beside this file). */
export interface JanusConfigOptions {
  /** Where the rendered configuration and its plugin/transport folders go (created; emptied first). */
  dir: string;
  /** The address the WebSocket API listens on: 127.0.0.1 in production, a namespace's address in tests. */
  apiIp: string;
  wsPort: number;
  /** "min-max" UDP ports for media. */
  rtpPortRange: string;
  /** Every API request carries it; random when not given. */
  apiSecret?: string;
  /** The videoroom plugin's admin_key (needed to create rooms); random when not given. */
  adminKey?: string;
  /** Janus's own modules (…/janus with plugins/ and transports/); found from the usual places when not given. */
  libDir?: string;
  /** Interfaces or address prefixes ICE may gather on (Janus's ice_enforce_list); all but loopback when not given. */
  iceEnforceList?: string;
  debugLevel?: number;
  /**
   * Janus's `event_loops`: handles share this many media threads instead of one thread each. One thread per handle
   * costs Janus about 3× the CPU per forwarded packet (every packet wakes one thread per subscriber; decision 055).
   * Default: one per core, at most 8.
   */
  eventLoops?: number;
}

/** One media loop per core (at most 8): enough to use the machine, few enough that a wake-up carries many packets. */
export function defaultEventLoops(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 8));
}

export interface JanusConfig {
  dir: string;
  /** The file to pass to `janus -C`. */
  mainFile: string;
  /** ws://ip:port, the API's address. */
  apiUrl: string;
  apiSecret: string;
  adminKey: string;
}

const templates = path.join(import.meta.dirname, 'templates');
const rangePattern = /^(\d{1,5})-(\d{1,5})$/;

/** Writes Janus's configuration from the repository's templates: only videoroom and WebSocket can load. */
export function writeJanusConfig(opts: JanusConfigOptions): JanusConfig {
  const range = rangePattern.exec(opts.rtpPortRange);
  if (!range || Number(range[1]) >= Number(range[2]) || Number(range[2]) > 65_535) throw new Error(`rtp port range must look like 20000-20200, got "${opts.rtpPortRange}"`);
  const libDir = opts.libDir ?? findJanusLibDir();
  if (!libDir) throw new Error('the Janus plugins folder was not found (looked for …/janus/plugins/libjanus_videoroom.so)');
  const eventLoops = opts.eventLoops ?? defaultEventLoops();
  if (!Number.isInteger(eventLoops) || eventLoops < 1 || eventLoops > 64) throw new Error(`event loops must be a whole number from 1 to 64, got ${eventLoops}`);
  const apiSecret = opts.apiSecret ?? randomBytes(24).toString('base64url');
  const adminKey = opts.adminKey ?? randomBytes(24).toString('base64url');
  for (const v of [opts.apiIp, apiSecret, adminKey, opts.iceEnforceList ?? '']) {
    if (/["\\\n]/.test(v)) throw new Error('Janus configuration values may not contain quotes, backslashes or newlines');
  }

  fs.rmSync(opts.dir, { recursive: true, force: true });
  const folders = { plugins: path.join(opts.dir, 'plugins'), transports: path.join(opts.dir, 'transports'), events: path.join(opts.dir, 'events'), loggers: path.join(opts.dir, 'loggers') };
  for (const f of Object.values(folders)) fs.mkdirSync(f, { recursive: true });
  // Janus loads every module in its folders: each folder holds only the one we allow.
  fs.symlinkSync(path.join(libDir, 'plugins', 'libjanus_videoroom.so'), path.join(folders.plugins, 'libjanus_videoroom.so'));
  fs.symlinkSync(path.join(libDir, 'transports', 'libjanus_websockets.so'), path.join(folders.transports, 'libjanus_websockets.so'));

  const values: Record<string, string> = {
    configsFolder: opts.dir,
    pluginsFolder: folders.plugins,
    transportsFolder: folders.transports,
    eventsFolder: folders.events,
    loggersFolder: folders.loggers,
    debugLevel: String(opts.debugLevel ?? 3),
    eventLoops: String(eventLoops),
    apiSecret,
    adminKey,
    rtpPortRange: opts.rtpPortRange,
    iceEnforceLine: opts.iceEnforceList ? `\tice_enforce_list = "${opts.iceEnforceList}"` : '',
    wsPort: String(opts.wsPort),
    apiIp: opts.apiIp,
  };
  for (const name of ['janus.jcfg', 'janus.plugin.videoroom.jcfg', 'janus.transport.websockets.jcfg']) {
    fs.writeFileSync(path.join(opts.dir, name), renderTemplate(fs.readFileSync(path.join(templates, name), 'utf8'), values), { mode: 0o600 });
  }
  const host = opts.apiIp.includes(':') ? `[${opts.apiIp}]` : opts.apiIp;
  return { dir: opts.dir, mainFile: path.join(opts.dir, 'janus.jcfg'), apiUrl: `ws://${host}:${opts.wsPort}`, apiSecret, adminKey };
}

/** Replaces every {{name}}; a placeholder without a value is an error, so a template and its caller cannot drift. */
export function renderTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`Janus template placeholder {{${name}}} has no value`);
    return v;
  });
}

/** Debian puts Janus's modules under /usr/lib/<triplet>/janus; source builds under /usr/local/lib or /opt/janus/lib. */
export function findJanusLibDir(): string | null {
  const candidates: string[] = [];
  try {
    for (const e of fs.readdirSync('/usr/lib')) candidates.push(path.join('/usr/lib', e, 'janus'));
  } catch {
    // no /usr/lib: fall through to the fixed places
  }
  candidates.push('/usr/lib/janus', '/usr/local/lib/janus', '/opt/janus/lib/janus');
  return candidates.find((c) => fs.existsSync(path.join(c, 'plugins', 'libjanus_videoroom.so')) && fs.existsSync(path.join(c, 'transports', 'libjanus_websockets.so'))) ?? null;
}
