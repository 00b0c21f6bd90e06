import type { CallEvent, SupportSessionPage } from '@tutorline/contracts';

type Side = SupportSessionPage['sides'][number];
export interface SessionPeople {
  student: { id: string; displayName: string };
  tutor: { id: string; displayName: string };
}

const asRecord = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/** Each side's call as its own events tell it: candidate types, reconnects, failures, last ICE state, device, quality. */
export function sessionSides(people: SessionPeople, events: readonly CallEvent[]): Side[] {
  return (['student', 'tutor'] as const).map((role) => {
    const who = people[role];
    const own = events.filter((e) => e.userId === who.id);
    const types = new Set<string>();
    let reconnects = 0;
    let mediaFailures = 0;
    let lastIceState: string | null = null;
    let diagnostics: Record<string, unknown> | null = null;
    let lastQuality: Record<string, unknown> | null = null;
    for (const e of own) {
      if (e.type === 'media-connected') {
        for (const k of ['localCandidateType', 'remoteCandidateType']) if (typeof e.data[k] === 'string') types.add(e.data[k]);
        lastIceState = 'connected';
      } else if (e.type === 'reconnecting') {
        reconnects++;
        lastIceState = e.data.cause === 'ice-failed' ? 'failed' : e.data.cause === 'ice-disconnected' ? 'disconnected' : lastIceState;
      } else if (e.type === 'reconnected') lastIceState = 'connected';
      else if (e.type === 'media-failed') {
        mediaFailures++;
        lastIceState = 'failed';
      } else if (e.type === 'diagnostics') diagnostics = asRecord(e.data.diagnostics) ?? e.data;
      else if (e.type === 'quality') lastQuality = asRecord(e.data.sample) ?? e.data;
    }
    return { userId: who.id, role, displayName: who.displayName, candidateTypes: [...types].sort(), reconnects, mediaFailures, lastIceState, diagnostics, lastQuality };
  });
}

/**
 * Why a call went wrong, in the words support would use with a parent: a side that never connected media, ICE that
 * failed, a call carried only through the relay (a strict firewall or NAT), repeated reconnects.
 */
export function sessionFindings(sides: readonly Side[], events: readonly CallEvent[]): string[] {
  const out: string[] = [];
  const joined = new Set(events.filter((e) => e.type === 'joined').map((e) => e.userId));
  for (const s of sides) {
    const name = `${s.displayName} (${s.role})`;
    const iceFailed = events.filter((e) => e.userId === s.userId && e.type === 'reconnecting' && e.data.cause === 'ice-failed').length;
    if (iceFailed) out.push(`${name}: ICE failed ${iceFailed === 1 ? 'once' : `${iceFailed} times`}, so the connection between the two could not be kept.`);
    for (const e of events.filter((x) => x.userId === s.userId && x.type === 'media-failed')) out.push(`${name}: the call failed (${String(e.data.reason ?? 'no reason given')}).`);
    if (joined.has(s.userId) && !s.candidateTypes.length) out.push(`${name}: joined the room but video and sound never connected.`);
    if (s.candidateTypes.length && s.candidateTypes.every((t) => t === 'relay')) {
      out.push(`${name}: only relay candidates worked — the network blocks direct connections (a strict firewall or NAT), so the call depends on the TURN relay.`);
    }
    if (s.reconnects >= 3) out.push(`${name}: reconnected ${s.reconnects} times — an unstable network.`);
  }
  return out;
}
