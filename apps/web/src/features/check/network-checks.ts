import { CHECK_LIMITS } from '@tutorline/contracts/plain';
import { type CheckOutcome, passed, problem, skipped } from './check-problems';
import { formatKbps, speedVerdict } from './check-steps';

const clampMs = (ms: number) => Math.min(120_000, Math.max(0, Math.round(ms)));
const candidateType = (c: RTCIceCandidate) => c.type ?? / typ (\w+)/.exec(c.candidate)?.[1] ?? null;

/**
 * Gathers candidates against STUN alone. A server-reflexive (srflx) candidate means the STUN server saw our public
 * address, so a direct call may work. Only host candidates is a warning (e.g. a loopback-only test machine), not a crash.
 */
export async function checkStun(stunUrls: string[], timeoutMs = 8000): Promise<CheckOutcome & { publicAddressSeen: boolean; ms: number | null }> {
  if (!stunUrls.length) return { ...skipped('This site has no STUN server set up.', true), publicAddressSeen: false, ms: null };
  if (typeof RTCPeerConnection === 'undefined') return noWebRtc();
  const started = performance.now();
  const pc = new RTCPeerConnection({ iceServers: [{ urls: stunUrls }] });
  try {
    const types = new Set<string>();
    const srflxMs = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      pc.onicecandidate = (event) => {
        if (!event.candidate) {
          clearTimeout(timer);
          return resolve(null);
        }
        const type = candidateType(event.candidate);
        if (type) types.add(type);
        if (type === 'srflx') {
          clearTimeout(timer);
          resolve(performance.now() - started);
        }
      };
      pc.createDataChannel('stun-check');
      pc.createOffer()
        .then((offer) => pc.setLocalDescription(offer))
        .catch(() => {
          clearTimeout(timer);
          resolve(null);
        });
    });
    if (srflxMs !== null) return { ...passed('Your public address was found, so calls can connect directly.'), publicAddressSeen: true, ms: clampMs(srflxMs) };
    // Its tip depends on whether our relay gets through: settled after the relay rows (directOutcome).
    if (types.size) return { ...problem('directBlocked'), publicAddressSeen: false, ms: null };
    return { ...problem('noAddress'), publicAddressSeen: false, ms: null };
  } finally {
    pc.close();
  }
}

function noWebRtc() {
  return { ...problem('noWebRtc'), publicAddressSeen: false, ms: null };
}

export interface RelayResult {
  ok: boolean;
  ms: number | null;
  /** Why it failed, in plain words for support. */
  reason: string | null;
}

/**
 * Connects two peer connections in this page to each other only through the TURN relay (iceTransportPolicy 'relay')
 * and bounces a data channel message between them. Passes only when the selected pair is relay-to-relay over `transport`.
 */
export async function checkRelay(urls: string[], username: string, credential: string, transport: 'udp' | 'tcp', timeoutMs = 12_000): Promise<RelayResult> {
  if (typeof RTCPeerConnection === 'undefined') return { ok: false, ms: null, reason: 'no WebRTC in this browser' };
  const config: RTCConfiguration = { iceServers: [{ urls, username, credential }], iceTransportPolicy: 'relay' };
  const started = performance.now();
  const a = new RTCPeerConnection(config);
  const b = new RTCPeerConnection(config);
  let relayCandidates = 0;
  try {
    a.onicecandidate = (e) => {
      if (e.candidate) relayCandidates++;
      if (e.candidate) void b.addIceCandidate(e.candidate).catch(() => undefined);
    };
    b.onicecandidate = (e) => {
      if (e.candidate) void a.addIceCandidate(e.candidate).catch(() => undefined);
    };
    b.ondatachannel = (e) => {
      e.channel.onmessage = (m) => e.channel.send(m.data as string);
    };
    const channel = a.createDataChannel('relay-check');
    const echoed = new Promise<number>((resolve, reject) => {
      channel.onopen = () => channel.send(`ping ${Date.now()}`);
      channel.onmessage = () => resolve(performance.now() - started);
      a.onconnectionstatechange = () => {
        if (a.connectionState === 'failed') reject(new Error('failed'));
      };
    });
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription!);

    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    });
    let ms: number;
    try {
      ms = await Promise.race([echoed, timeout]);
    } catch {
      const reason = relayCandidates === 0 ? 'the relay server could not be reached (no relay address was given)' : 'a relay address was given, but no data got through';
      return { ok: false, ms: null, reason };
    } finally {
      clearTimeout(timer);
    }
    const pair = await selectedPair(a);
    if (!pair || pair.localType !== 'relay' || pair.remoteType !== 'relay') return { ok: false, ms: null, reason: 'the call did not go through the relay' };
    if (pair.relayProtocol && pair.relayProtocol !== transport) return { ok: false, ms: null, reason: `the relay was reached over ${pair.relayProtocol}, not ${transport}` };
    return { ok: true, ms: clampMs(ms), reason: null };
  } catch {
    return { ok: false, ms: null, reason: 'the browser could not set up the test call' };
  } finally {
    a.close();
    b.close();
  }
}

async function selectedPair(pc: RTCPeerConnection): Promise<{ localType?: string; remoteType?: string; relayProtocol?: string } | null> {
  const stats = await pc.getStats();
  let pairId: string | undefined;
  stats.forEach((s: { type: string; selectedCandidatePairId?: string }) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
  });
  if (!pairId) {
    stats.forEach((s: { type: string; id: string; state?: string; nominated?: boolean }) => {
      if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) pairId = s.id;
    });
  }
  const pair = pairId ? (stats.get(pairId) as { localCandidateId: string; remoteCandidateId: string } | undefined) : undefined;
  if (!pair) return null;
  const local = stats.get(pair.localCandidateId) as { candidateType?: string; relayProtocol?: string } | undefined;
  const remote = stats.get(pair.remoteCandidateId) as { candidateType?: string } | undefined;
  return { localType: local?.candidateType, remoteType: remote?.candidateType, relayProtocol: local?.relayProtocol };
}

/** About 1 MB: long enough to measure on a good line, and capped in time on a bad one. */
const TRANSFER_BYTES = Math.min(1024 * 1024, CHECK_LIMITS.maxTransferBytes);
const TRANSFER_TIMEOUT_MS = 20_000;

export type SpeedOutcome = CheckOutcome & { kbps: number | null };

function speedOutcome(direction: 'upload' | 'download', bytes: number, ms: number): SpeedOutcome {
  const kbps = Math.round((bytes * 8) / Math.max(ms, 1));
  const detail = `About ${formatKbps(kbps)}.`;
  const verdict = speedVerdict(kbps);
  if (verdict === 'pass') return { ...passed(detail), kbps };
  const kind = direction === 'upload' ? (verdict === 'warn' ? 'uploadSlow' : 'uploadTooSlow') : verdict === 'warn' ? 'downloadSlow' : 'downloadTooSlow';
  return { ...problem(kind, detail), kbps };
}

function speedFailure(direction: 'upload' | 'download'): SpeedOutcome {
  return { ...problem(direction === 'upload' ? 'uploadFailed' : 'downloadFailed'), kbps: null };
}

function noise(bytes: number): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(bytes);
  // getRandomValues fills at most 64 KiB per call. Random bytes cannot be compressed on the way.
  for (let i = 0; i < bytes; i += 65_536) crypto.getRandomValues(data.subarray(i, Math.min(bytes, i + 65_536)));
  return data;
}

/** Times a POST of about 1 MB (XHR, for upload progress). On timeout, the estimate uses what was sent so far. */
export function measureUpload(onProgress: (fraction: number) => void): Promise<SpeedOutcome> {
  const body = noise(TRANSFER_BYTES);
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    let started = 0;
    let sent = 0;
    xhr.open('POST', '/api/check/upload');
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.timeout = TRANSFER_TIMEOUT_MS;
    xhr.upload.onprogress = (e) => {
      sent = e.loaded;
      onProgress(e.loaded / TRANSFER_BYTES);
    };
    xhr.onload = () => {
      if (xhr.status !== 200) return resolve(speedFailure('upload'));
      onProgress(1);
      resolve(speedOutcome('upload', TRANSFER_BYTES, performance.now() - (started || performance.now())));
    };
    xhr.ontimeout = () => resolve(sent > 0 ? speedOutcome('upload', sent, TRANSFER_TIMEOUT_MS) : speedFailure('upload'));
    xhr.onerror = () => resolve(speedFailure('upload'));
    started = performance.now();
    xhr.send(body);
  });
}

/** Times a GET of about 1 MB of random bytes, read as a stream for progress. On timeout, uses what arrived. */
export async function measureDownload(onProgress: (fraction: number) => void): Promise<SpeedOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TRANSFER_TIMEOUT_MS);
  const started = performance.now();
  let received = 0;
  try {
    const res = await fetch(`/api/check/download?bytes=${TRANSFER_BYTES}`, { cache: 'no-store', signal: controller.signal });
    if (!res.ok || !res.body) return speedFailure('download');
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      onProgress(received / TRANSFER_BYTES);
    }
    return speedOutcome('download', received, performance.now() - started);
  } catch {
    return controller.signal.aborted && received > 0 ? speedOutcome('download', received, TRANSFER_TIMEOUT_MS) : speedFailure('download');
  } finally {
    clearTimeout(timer);
  }
}

/** A short description of this browser and device for support. */
export function describeDevice(): { browser: string; os: string; device: 'phone' | 'tablet' | 'desktop' | 'unknown'; userAgent: string } {
  const ua = navigator.userAgent;
  const browser =
    /SamsungBrowser\/(\d+)/.exec(ua)?.[0].replace('/', ' ') ??
    /Edg\/(\d+)/.exec(ua)?.[1]?.replace(/^/, 'Edge ') ??
    /OPR\/(\d+)/.exec(ua)?.[1]?.replace(/^/, 'Opera ') ??
    /Firefox\/(\d+)/.exec(ua)?.[1]?.replace(/^/, 'Firefox ') ??
    /Chrom(?:e|ium)\/(\d+)/.exec(ua)?.[1]?.replace(/^/, 'Chrome ') ??
    (/Version\/(\d+).*Safari/.exec(ua)?.[1]?.replace(/^/, 'Safari ') || 'Unknown');
  const os =
    /Android [\d.]+/.exec(ua)?.[0] ??
    /(?:iPhone|CPU) OS (\d+)/.exec(ua)?.[1]?.replace(/^/, 'iOS ') ??
    (/Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /CrOS/.test(ua) ? 'ChromeOS' : /Linux/.test(ua) ? 'Linux' : 'Unknown');
  const device = /iPad|Tablet/.test(ua) || (/Android/.test(ua) && !/Mobile/.test(ua)) ? 'tablet' : /Mobi|iPhone|Android/.test(ua) ? 'phone' : /Windows|Macintosh|Linux|CrOS/.test(ua) ? 'desktop' : 'unknown';
  return { browser: browser.slice(0, 64), os: os.slice(0, 64), device, userAgent: ua.slice(0, 512) };
}
