/* global window, document, XMLHttpRequest */
/**
 * Injected by bench/call-setup.bench.ts (context.addInitScript) into every page of BOTH the app and the baseline, before
 * any of their scripts run. It changes nothing they do; it only timestamps, on the page's Date.now() (the system wall
 * clock, which the bench's Node process reads too):
 *   - every RTCPeerConnection: creation, set{Local,Remote}Description (type, call and resolve), ICE/connection/gathering
 *     states, local candidates, remote tracks;
 *   - the FIRST DECODED REMOTE VIDEO FRAME: from a video track's arrival, a getStats() loop every ~10 ms until
 *     inbound-rtp video framesDecoded > 0 (also the first inbound video byte); window.__bench.firstFrame;
 *   - getUserMedia calls; WebSocket creation/open and the names of messages sent and received (Socket.IO event and ack
 *     names, or the baseline's JSON `type`), and the same for Socket.IO's long-polling XHRs;
 *   - a few DOM states every 10 ms (the room's stage and status, the call view, the remote video becoming visible);
 *   - long tasks (main thread busy > 50 ms).
 * The bench reads window.__bench and the Resource/Navigation Timing entries afterwards.
 */
(() => {
  if (window.top !== window || window.__bench) return;
  const events = [];
  const bench = { events, firstFrame: null, longTasks: [] };
  window.__bench = bench;
  const mark = (name, detail) => events.push(detail === undefined ? { name, t: Date.now() } : { name, t: Date.now(), detail });
  const seen = new Set();
  const markOnce = (name, detail) => {
    if (seen.has(name)) return;
    seen.add(name);
    mark(name, detail);
  };

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.longTasks.push({ start: performance.timeOrigin + e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no long-task timing in this browser
  }

  // ---- getUserMedia
  const md = navigator.mediaDevices;
  if (md && md.getUserMedia) {
    const gum = md.getUserMedia.bind(md);
    md.getUserMedia = (constraints) => {
      mark('gum-call', { audio: Boolean(constraints && constraints.audio), video: Boolean(constraints && constraints.video) });
      return gum(constraints).then(
        (s) => (mark('gum-done'), s),
        (e) => {
          mark('gum-fail', String(e && e.name));
          throw e;
        },
      );
    };
  }

  // ---- message names: Socket.IO over Engine.IO v4 ("42[...]" event, "43N[...]" ack, "40" connect), or baseline JSON
  const ackNames = new Map();
  const names = (data, sending) => {
    if (typeof data !== 'string') return [];
    if (data[0] === '{') {
      try {
        const t = JSON.parse(data).type;
        return typeof t === 'string' ? [t] : [];
      } catch {
        return [];
      }
    }
    const out = [];
    for (const packet of data.split('\x1e')) {
      if (packet === '2probe' || packet === '3probe') out.push(`eio-${packet}`);
      else if (packet === '5') out.push('eio-upgrade');
      else if (packet[0] === '0') out.push('eio-open');
      // 4 = Engine.IO message; then the Socket.IO type (5/6: binary event/ack, with "<attachments>-"), ack id, payload
      const m = /^4([0-6])(?:\d+-)?(\d*)([\s\S]*)$/.exec(packet);
      if (!m) continue;
      if (m[1] === '0') out.push(sending ? 'sio-connect' : 'sio-connected');
      else if (m[1] === '2' || m[1] === '5') {
        try {
          const name = String(JSON.parse(m[3])[0]);
          if (m[2] && sending) ackNames.set(m[2], name);
          out.push(name);
        } catch {
          out.push('event');
        }
      } else if (m[1] === '3' || m[1] === '6') out.push(`ack:${ackNames.get(m[2]) ?? m[2]}`);
    }
    return out;
  };

  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      const path = String(url).replace(/^wss?:\/\/[^/]+/, '').replace(/\?.*/, '');
      mark('ws-new', { path });
      this.addEventListener('open', () => mark('ws-open', { path }));
      this.addEventListener('message', (e) => {
        for (const n of names(e.data, false)) mark(`recv:${n}`, { via: 'ws' });
      });
    }
    send(data) {
      for (const n of names(data, true)) mark(`send:${n}`, { via: 'ws' });
      return super.send(data);
    }
  };

  const xhrOpen = XMLHttpRequest.prototype.open;
  const xhrSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.__benchPoll = /\/socket\.io\//.test(String(url));
    return xhrOpen.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (body) {
    if (this.__benchPoll) {
      for (const n of names(body, true)) mark(`send:${n}`, { via: 'poll' });
      this.addEventListener('load', () => {
        for (const n of names(this.responseText, false)) mark(`recv:${n}`, { via: 'poll' });
      });
    }
    return xhrSend.call(this, body);
  };

  // ---- RTCPeerConnection
  const NativePc = window.RTCPeerConnection;
  const ids = new WeakMap();
  let pcCount = 0;
  const watchFrames = (pc, id) => {
    let bytes = false;
    const tick = async () => {
      if (bench.firstFrame !== null || pc.signalingState === 'closed') return;
      try {
        const stats = await pc.getStats();
        let frames = 0;
        let received = 0;
        stats.forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') {
            frames += s.framesDecoded || 0;
            received += s.bytesReceived || 0;
          }
        });
        if (received > 0 && !bytes) {
          bytes = true;
          markOnce('first-video-bytes', { pc: id });
        }
        if (frames > 0) {
          if (bench.firstFrame === null) {
            bench.firstFrame = Date.now();
            mark('first-frame', { pc: id });
          }
          return;
        }
      } catch {
        // a closed or replaced connection
      }
      window.setTimeout(tick, 10);
    };
    void tick();
  };
  window.RTCPeerConnection = class extends NativePc {
    constructor(...args) {
      super(...args);
      const id = ++pcCount;
      ids.set(this, id);
      mark('pc-created', { pc: id });
      this.addEventListener('iceconnectionstatechange', () => mark(`ice-${this.iceConnectionState}`, { pc: id }));
      this.addEventListener('connectionstatechange', () => mark(`conn-${this.connectionState}`, { pc: id }));
      this.addEventListener('icegatheringstatechange', () => mark(`gathering-${this.iceGatheringState}`, { pc: id }));
      this.addEventListener('signalingstatechange', () => mark(`signaling-${this.signalingState}`, { pc: id }));
      this.addEventListener('icecandidate', (e) => mark(e.candidate ? 'local-candidate' : 'local-candidates-end', { pc: id }));
      this.addEventListener('track', (e) => {
        mark(`track-${e.track.kind}`, { pc: id });
        if (e.track.kind === 'video') watchFrames(this, id);
      });
    }
    setLocalDescription(...args) {
      const id = ids.get(this);
      mark('sld-call', { pc: id });
      return super.setLocalDescription(...args).then((r) => (mark(`sld-${this.localDescription && this.localDescription.type}`, { pc: id }), r));
    }
    setRemoteDescription(description, ...rest) {
      const id = ids.get(this);
      const type = description && description.type;
      mark(`srd-call-${type}`, { pc: id });
      return super.setRemoteDescription(description, ...rest).then((r) => (mark(`srd-${type}`, { pc: id }), r));
    }
    addIceCandidate(...args) {
      markOnce('first-remote-candidate', { pc: ids.get(this) });
      return super.addIceCandidate(...args);
    }
  };

  // ---- DOM states, every 10 ms until the remote video is visible (or 60 s)
  const states = [
    ['app-rendered', '#root > *'],
    ['stage-prejoin', '[data-testid="room"][data-stage="prejoin"]'],
    ['stage-in-room', '[data-testid="room"][data-stage="in-room"]'],
    ['room-joined', '[data-testid="room"][data-room-status="joined"]'],
    ['call-view', '[data-testid="call-view"]'],
    ['call-connected', '[data-testid="call-view"][data-state="connected"]'],
  ];
  const started = Date.now();
  const poll = window.setInterval(() => {
    for (const [name, selector] of states) if (!seen.has(name) && document.querySelector(selector)) markOnce(name);
    const video = document.querySelector('[data-testid="remote-video"]');
    if (video && !video.hidden && video.videoWidth > 0) markOnce('video-shown');
    if (seen.has('video-shown') || Date.now() - started > 60_000) window.clearInterval(poll);
  }, 10);
})();
