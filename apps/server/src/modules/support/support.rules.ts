import type { CallEvent, TicketSessionSummary, TicketStatus } from '@tutorline/contracts';

/**
 * A ticket's status (#18): open (support's turn), waiting (the user's turn, after a reply), solved. The table says
 * what each happening does to each status; a happening missing from a row is refused.
 */
export type TicketHappening = 'user_message' | 'staff_reply' | 'staff_note';

export const ticketTransitions: Record<TicketStatus, Record<TicketHappening, TicketStatus>> = {
  open: { user_message: 'open', staff_reply: 'waiting', staff_note: 'open' },
  waiting: { user_message: 'open', staff_reply: 'waiting', staff_note: 'waiting' },
  // A message on a solved ticket reopens it: the user is not told to start again.
  solved: { user_message: 'open', staff_reply: 'waiting', staff_note: 'solved' },
};

export function nextStatus(status: TicketStatus, happening: TicketHappening): TicketStatus {
  return ticketTransitions[status][happening];
}

/** Support sets a status by hand: any other status, with the same one refused (nothing would change). */
export function setStatus(from: TicketStatus, to: TicketStatus): { ok: true; status: TicketStatus } | { ok: false; reason: 'same_status' } {
  return from === to ? { ok: false, reason: 'same_status' } : { ok: true, status: to };
}

// Crockford's base 32 without I, L, O and U: nothing a parent could misread on the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short reference the user can quote ("T-4K7Q2M"), from random bytes the caller supplies. */
export function ticketRef(random: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 6; i++) out += ALPHABET[random[i]! % 32];
  return `T-${out}`;
}

/**
 * What support needs first from a call's timeline: how long the two were connected, how often it reconnected or failed,
 * which candidate types carried it (host, srflx, relay), the last quality sample, and each side's browser.
 */
export function summariseSession(sessionId: string, connectedSeconds: number, events: CallEvent[]): TicketSessionSummary {
  const candidateTypes = new Set<string>();
  let reconnects = 0;
  let mediaFailures = 0;
  let lastQuality: Record<string, unknown> | null = null;
  const diagnostics = new Map<string | null, Record<string, unknown>>();
  for (const e of events) {
    if (e.type === 'reconnecting') reconnects++;
    else if (e.type === 'media-failed') mediaFailures++;
    else if (e.type === 'quality') lastQuality = (e.data.sample as Record<string, unknown> | undefined) ?? e.data;
    else if (e.type === 'diagnostics') diagnostics.set(e.userId, (e.data.diagnostics as Record<string, unknown> | undefined) ?? e.data);
    else if (e.type === 'media-connected') {
      for (const k of ['localCandidateType', 'remoteCandidateType']) if (typeof e.data[k] === 'string') candidateTypes.add(e.data[k]);
    }
  }
  return {
    sessionId,
    connectedSeconds,
    reconnects,
    mediaFailures,
    candidateTypes: [...candidateTypes].sort(),
    lastQuality,
    participants: [...diagnostics].map(([userId, d]) => ({ userId, diagnostics: d })),
  };
}
