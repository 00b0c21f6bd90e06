import type { Sfu, SfuEvent } from '../src/integrations/janus';

/**
 * A media server that is "up" and accepts every call, recording what was asked of it: for integration tests of the
 * control plane (consent, refusals, access) where no media flows. Media through the real Janus is tested in
 * network-namespace tests (janus-netns.ts).
 */
export function fakeSfu() {
  const calls: { op: string; args: unknown[] }[] = [];
  const listeners = new Set<(e: SfuEvent) => void>();
  let up = true;
  let next = 1;
  const log = (op: string, ...args: unknown[]) => void calls.push({ op, args });
  const okv = <T>(value: T) => ({ ok: true as const, value });
  const sfu: Sfu = {
    status: () => (up ? { up: true, apiUrl: 'ws://fake', pid: null } : { up: false, reason: 'the fake media server is down' }),
    onEvent(l) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    createRoom: async (spec) => (log('createRoom', spec), okv({ room: spec.room ?? next++ })),
    destroyRoom: async (room) => (log('destroyRoom', room), okv(undefined)),
    allowTokens: async (room, _s, tokens) => (log('allowTokens', room, tokens), okv(undefined)),
    disallowTokens: async (room, _s, tokens) => (log('disallowTokens', room, tokens), okv(undefined)),
    moderate: async () => okv(undefined),
    kick: async () => okv(undefined),
    join: async (req) => (log('join', req), okv({ peer: `peer-${next++}`, feed: next++, privateId: next++ })),
    publish: async (peer) => (log('publish', peer), okv({ answer: { type: 'answer' as const, sdp: 'v=0' } })),
    subscribe: async (req) => (log('subscribe', req), okv({ peer: `sub-${next++}`, offer: { type: 'offer' as const, sdp: 'v=0' }, streams: [] })),
    start: async () => okv(undefined),
    update: async () => okv({ offer: null, streams: [] }),
    configureSubscriber: async () => okv({ offer: null }),
    trickle: async () => okv(undefined),
    startRecording: async (room, _secret, name) => (log('startRecording', room, name), okv(undefined)),
    stopRecording: async (room) => (log('stopRecording', room), okv(undefined)),
    excludeFromRecording: async () => okv(undefined),
    leave: async (peer) => void log('leave', peer),
  };
  return {
    sfu,
    calls,
    ops: () => calls.map((c) => c.op),
    setUp(value: boolean) {
      up = value;
    },
    emit: (e: SfuEvent) => listeners.forEach((l) => l(e)),
  };
}
