import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fail, ok, type Fail, type Result } from '../../platform/result';

/** The programs a conversion runs, by path (never through a shell), and how long each may take. */
export interface ConvertTools {
  ppRec: string;
  ffmpeg: string;
  ffprobe: string;
  /** Per program run; a run past it is killed and the conversion fails. */
  timeoutMs: number;
}

export interface ConvertedFile {
  feed: number;
  /** Relative to the recording's folder. */
  file: string;
  bytes: number;
  durationMs: number;
  tracks: { video: boolean; audio: boolean };
}

export type ConvertFail = Fail<'nothing_recorded'> | Fail<'tool_failed', { tool: string; message: string }>;

/** A program's stdout, or why it failed (missing, timed out, non-zero exit) in words an operator can act on. */
function run(tool: string, args: string[], timeoutMs: number): Promise<Result<string, ConvertFail>> {
  return new Promise((resolve) => {
    execFile(tool, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 8 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve(ok(stdout));
      const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
      const message =
        e.code === 'ENOENT'
          ? `${tool} was not found (install janus-tools and ffmpeg, or set the recording tool paths)`
          : e.code === 'EACCES'
            ? `${tool} is not executable`
            : e.killed
              ? `${path.basename(tool)} took longer than ${timeoutMs} ms and was stopped`
              : `${path.basename(tool)} exited with ${String(e.code)}: ${stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 400)}`;
      resolve(fail('tool_failed', { tool: path.basename(tool), message }));
    });
  });
}

/** What ffprobe says about a media file: its duration and which kinds of track it has. */
export async function probe(tools: ConvertTools, file: string): Promise<Result<{ durationMs: number; video: boolean; audio: boolean }, ConvertFail>> {
  const out = await run(tools.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], tools.timeoutMs);
  if (!out.ok) return out;
  const info = JSON.parse(out.value) as { format?: { duration?: string }; streams?: { codec_type?: string }[] };
  const kinds = new Set((info.streams ?? []).map((s) => s.codec_type));
  return ok({ durationMs: Math.round(Number(info.format?.duration ?? 0) * 1000), video: kinds.has('video'), audio: kinds.has('audio') });
}

/** Janus's file for one stream of a feed: `<name>-feed-<feed>-<kind>-<n>.mjr`. */
const mjrName = /^(.+)-feed-(\d+)-(audio|video)-\d+\.mjr$/;

/**
 * Converts one recording: for each recorded feed, `janus-pp-rec` turns its video `.mjr` into WebM (VP8) and its audio
 * `.mjr` into Ogg (Opus), and `ffmpeg` muxes the two without re-encoding into `feed-<feed>.webm` in `outDir`. The
 * intermediate files are removed; the `.mjr` files are left to the caller.
 */
export async function convertRecording(req: { rawDir: string; name: string; outDir: string; tools: ConvertTools }): Promise<Result<ConvertedFile[], ConvertFail>> {
  const { rawDir, name, outDir, tools } = req;
  const byFeed = new Map<number, { audio?: string; video?: string }>();
  for (const f of await fs.readdir(rawDir).catch(() => [] as string[])) {
    const m = mjrName.exec(f);
    if (!m || m[1] !== name) continue;
    const feed = Number(m[2]);
    const entry = byFeed.get(feed) ?? {};
    entry[m[3] as 'audio' | 'video'] ??= path.join(rawDir, f);
    byFeed.set(feed, entry);
  }
  if (!byFeed.size) return fail('nothing_recorded');
  await fs.mkdir(outDir, { recursive: true });
  const files: ConvertedFile[] = [];
  for (const [feed, src] of [...byFeed].sort((a, b) => a[0] - b[0])) {
    const parts: string[] = [];
    for (const [kind, mjr] of [['video', src.video], ['audio', src.audio]] as const) {
      if (!mjr) continue;
      const part = path.join(outDir, `feed-${feed}.${kind === 'video' ? 'video.webm' : 'audio.opus'}`);
      const r = await run(tools.ppRec, [mjr, part], tools.timeoutMs);
      if (!r.ok) return r;
      parts.push(part);
    }
    const file = `feed-${feed}.webm`;
    const target = path.join(outDir, file);
    const maps = parts.flatMap((_, i) => ['-map', `${i}:0`]);
    const muxed = await run(tools.ffmpeg, ['-nostdin', '-loglevel', 'error', '-y', ...parts.flatMap((p) => ['-i', p]), ...maps, '-c', 'copy', '-f', 'webm', target], tools.timeoutMs);
    for (const p of parts) await fs.rm(p, { force: true });
    if (!muxed.ok) return muxed;
    const info = await probe(tools, target);
    if (!info.ok) return info;
    const { size } = await fs.stat(target);
    files.push({ feed, file, bytes: size, durationMs: info.value.durationMs, tracks: { video: info.value.video, audio: info.value.audio } });
  }
  return ok(files);
}
