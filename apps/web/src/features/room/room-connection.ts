import type {
  ChatMessage,
  PeerState,
  RoomAck,
  RoomError,
  RoomEventInput,
  RoomJoined,
  RoomParticipant,
  RoomServerEvents,
  RTCIceCandidateLike,
  RTCSessionDescriptionLike,
} from '@tutorline/contracts';
import { ROOM_LIMITS } from '@tutorline/contracts/plain';
import * as Y from 'yjs';
import type { AppSocket } from '../../lib/socket';

/**
 * One tutoring room over the app's Socket.IO connection: joining (and re-joining after every reconnect), signaling for
 * the call, peer state, call events, chat with at-most-once delivery, and the shared board as a Yjs document.
 *
 * Socket drop: when Socket.IO recovers the connection, nothing was lost; otherwise the room is joined again with the
 * last chat id and the board's state vector, and whatever the server lacks from our side (board edits, unacked chat)
 * is sent again. Framework-free; React reads it through useSyncExternalStore (see use-room.ts).
 */

export type RoomStatus = 'joining' | 'joined' | 'rejoining' | 'offline' | 'ended' | 'error';

export interface PendingChat {
  clientId: string;
  text: string | null;
  photo: ChatMessage['photo'];
  /** 'sending' until the server acknowledged it; 'failed' when it refused it (the reason is in error). */
  status: 'sending' | 'failed';
  error?: string;
}

export interface RoomSnapshot {
  status: RoomStatus;
  error: RoomError | null;
  joined: Omit<RoomJoined, 'messages' | 'board' | 'boardStateVector' | 'participants' | 'lastReadMessageId'> | null;
  participants: RoomParticipant[];
  /** Acknowledged messages, ordered by id. */
  messages: ChatMessage[];
  /** Ours, not yet acknowledged, in the order sent. */
  pending: PendingChat[];
  /** How many times the room has been (re)joined; the call engine renegotiates when this changes without recovery. */
  joinCount: number;
  endedBy: string | null;
  /** The newest chat message this user has read here, on any device (kept by the server); null before the first. */
  lastReadMessageId: number | null;
  /** The read mark the server confirmed it stored. */
  savedReadMessageId: number | null;
  /** The server hid contact details in one of our messages (a student under 18, #20): what it told us, shown under it. */
  chatWarning: { messageId: number; text: string } | null;
  /** The server found contact details in this side's board text, in a session with a minor (#20); shown until dismissed. */
  boardWarning: string | null;
}

export interface SignalIn {
  from: string;
  description?: RTCSessionDescriptionLike;
  candidate?: RTCIceCandidateLike | null;
}

type Listener = () => void;

/** Origin for board changes that came from the server, so they are not sent back. */
export const REMOTE_ORIGIN = Symbol('remote');

const ACK_TIMEOUT_MS = 8_000;
/** Signals kept while nobody listens yet (an offer and its candidates are a few dozen). */
const MAX_EARLY_SIGNALS = 200;

export class RoomConnection {
  readonly board = new Y.Doc();
  private snapshot: RoomSnapshot = { status: 'joining', error: null, joined: null, participants: [], messages: [], pending: [], joinCount: 0, endedBy: null, lastReadMessageId: null, savedReadMessageId: null, chatWarning: null, boardWarning: null };
  private listeners = new Set<Listener>();
  private signalHandlers = new Set<(s: SignalIn) => void>();
  private rejoinHandlers = new Set<(info: { recovered: boolean; joinCount: number }) => void>();
  private closed = false;
  private detach: (() => void)[] = [];
  private pendingPhotos = new Map<string, string | undefined>();
  private earlySignals: SignalIn[] = [];

  constructor(
    readonly sessionId: string,
    private readonly socket: AppSocket,
  ) {
    const on = <E extends keyof RoomServerEvents>(event: E, handler: RoomServerEvents[E]) => {
      const emitter = socket as unknown as { on(e: string, l: (...a: unknown[]) => void): void; off(e: string, l: (...a: unknown[]) => void): void };
      const listener = handler as unknown as (...a: unknown[]) => void;
      emitter.on(event, listener);
      this.detach.push(() => emitter.off(event, listener));
    };
    on('room:signal', (m) => {
      if (m.sessionId !== sessionId) return;
      const signal: SignalIn = { from: m.from, ...(m.description ? { description: m.description } : {}), ...(m.candidate !== undefined ? { candidate: m.candidate } : {}) };
      // The room is joined before the call starts (devices still opening): keep what arrives until it listens.
      if (!this.signalHandlers.size) {
        if (this.earlySignals.length < MAX_EARLY_SIGNALS) this.earlySignals.push(signal);
        return;
      }
      for (const h of this.signalHandlers) h(signal);
    });
    on('room:peer-state', (m) => {
      if (m.sessionId !== sessionId) return;
      this.update({ participants: this.snapshot.participants.map((p) => (p.userId === m.userId ? { ...p, state: m.state } : p)) });
    });
    on('room:presence', (m) => {
      if (m.sessionId !== sessionId) return;
      const others = this.snapshot.participants.filter((p) => p.userId !== m.participant.userId);
      // Observers who left are dropped; participants stay listed, as absent.
      const next = m.participant.role === 'observer' && !m.participant.present ? others : [...others, m.participant];
      this.update({ participants: next.sort(byRole) });
    });
    on('room:chat', (m) => {
      if (m.sessionId === sessionId) this.addMessages([m]);
    });
    on('room:board', (m) => {
      if (m.sessionId === sessionId) Y.applyUpdate(this.board, toBytes(m.update), REMOTE_ORIGIN);
    });
    on('room:ended', (m) => {
      if (m.sessionId === sessionId) this.update({ status: 'ended', endedBy: m.by });
    });
    // Read on another tab or device.
    on('room:read', (m) => {
      if (m.sessionId === sessionId) this.moveReadMark(m.lastReadMessageId);
    });

    const onConnect = () => {
      // A recovered connection kept its rooms and missed nothing; anything else needs a full join again.
      if ((socket as unknown as { recovered?: boolean }).recovered && this.snapshot.joined) {
        this.update({ status: 'joined' });
        for (const h of this.rejoinHandlers) h({ recovered: true, joinCount: this.snapshot.joinCount });
        this.flushPending();
        return;
      }
      void this.join();
    };
    const onDisconnect = () => {
      if (this.snapshot.status !== 'ended') this.update({ status: 'offline' });
    };
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    this.detach.push(() => socket.off('connect', onConnect), () => socket.off('disconnect', onDisconnect));

    const onBoardUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE_ORIGIN || !this.snapshot.joined) return;
      this.sendBoard(update);
    };
    this.board.on('update', onBoardUpdate);
    this.detach.push(() => this.board.off('update', onBoardUpdate));

    if (socket.connected) void this.join();
  }

  // ---- state for React ----
  getSnapshot = (): RoomSnapshot => this.snapshot;
  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  private update(patch: Partial<RoomSnapshot>) {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l();
  }

  // ---- joining ----
  private async join(): Promise<void> {
    if (this.closed) return;
    const first = this.snapshot.joinCount === 0;
    this.update({ status: first ? 'joining' : 'rejoining' });
    const last = this.snapshot.messages.at(-1)?.id ?? null;
    const reply = await this.request<RoomJoined>('room:join', { sessionId: this.sessionId, afterMessageId: last, boardStateVector: Y.encodeStateVector(this.board) });
    if (this.closed) return;
    if (!reply.ok) {
      if (reply.error.code === 'internal_error' || reply.error.code === 'rate_limited') {
        // Try again shortly; the socket stays up.
        setTimeout(() => void this.join(), 2_000);
        return;
      }
      this.update({ status: reply.error.code === 'session_ended' ? 'ended' : 'error', error: reply.error });
      return;
    }
    Y.applyUpdate(this.board, toBytes(reply.board), REMOTE_ORIGIN);
    // Edits made here while we were away: send what the server lacks.
    const missing = Y.encodeStateAsUpdate(this.board, toBytes(reply.boardStateVector));
    const { messages, board: _b, boardStateVector: _v, participants, lastReadMessageId, ...joined } = reply;
    this.update({
      status: reply.session.status === 'ended' ? 'ended' : 'joined',
      error: null,
      joined,
      participants: [...participants].sort(byRole),
      joinCount: this.snapshot.joinCount + 1,
      lastReadMessageId: Math.max(this.snapshot.lastReadMessageId ?? 0, lastReadMessageId ?? 0) || null,
      savedReadMessageId: Math.max(this.snapshot.savedReadMessageId ?? 0, lastReadMessageId ?? 0) || null,
    });
    this.addMessages(messages);
    if (missing.byteLength > 2) this.sendBoard(missing);
    for (const h of this.rejoinHandlers) h({ recovered: false, joinCount: this.snapshot.joinCount });
    this.flushPending();
  }

  private request<T>(event: string, payload: unknown): Promise<RoomAck<T>> {
    return new Promise((resolve) => {
      (this.socket.timeout(ACK_TIMEOUT_MS) as unknown as { emit(e: string, p: unknown, cb: (err: Error | null, reply: RoomAck<T>) => void): void }).emit(event, payload, (err, reply) => {
        if (err) resolve({ ok: false, error: { code: 'internal_error', message: 'The server did not answer in time.' } });
        else resolve(reply);
      });
    });
  }

  // ---- signaling and call state ----
  sendSignal(signal: { description?: RTCSessionDescriptionLike; candidate?: RTCIceCandidateLike | null }): void {
    (this.socket as unknown as { emit(e: string, p: unknown): void }).emit('room:signal', { sessionId: this.sessionId, ...signal });
  }
  onSignal(handler: (s: SignalIn) => void): () => void {
    this.signalHandlers.add(handler);
    for (const s of this.earlySignals.splice(0)) handler(s);
    return () => this.signalHandlers.delete(handler);
  }
  /** Called after every (re)join: recovered=false means the server saw us leave and join again. */
  onRejoined(handler: (info: { recovered: boolean; joinCount: number }) => void): () => void {
    this.rejoinHandlers.add(handler);
    return () => this.rejoinHandlers.delete(handler);
  }
  setPeerState(state: PeerState): void {
    (this.socket as unknown as { emit(e: string, p: unknown): void }).emit('room:peer-state', { sessionId: this.sessionId, ...state });
  }
  reportEvent(event: DistributiveOmit<RoomEventInput, 'sessionId'>): void {
    (this.socket as unknown as { emit(e: string, p: unknown): void }).emit('room:event', { sessionId: this.sessionId, ...event });
  }
  /** The other participant (student ↔ tutor), if known. */
  otherParticipant(): RoomParticipant | undefined {
    const self = this.snapshot.joined?.self;
    if (!self) return undefined;
    return this.snapshot.participants.find((p) => p.userId !== self.userId && p.role !== 'observer');
  }

  // ---- chat ----
  /** The chat was seen up to `messageId`: kept here at once, and on the server for reloads and other devices. */
  markRead(messageId: number): void {
    if (!this.moveReadMark(messageId) || !this.snapshot.joined) return;
    void this.request<{ lastReadMessageId: number }>('room:read', { sessionId: this.sessionId, messageId }).then((reply) => {
      if (reply.ok && reply.lastReadMessageId > (this.snapshot.savedReadMessageId ?? 0)) this.update({ savedReadMessageId: reply.lastReadMessageId });
    });
  }
  private moveReadMark(messageId: number): boolean {
    if (messageId <= (this.snapshot.lastReadMessageId ?? 0)) return false;
    this.update({ lastReadMessageId: messageId });
    return true;
  }
  /** Queues a message; it is sent now and again after every reconnect until the server acknowledges it. */
  sendChat(input: { text?: string; photo?: ChatMessage['photo'] }): string {
    const clientId = crypto.randomUUID();
    const text = input.text?.trim() ? input.text.trim().slice(0, ROOM_LIMITS.chatChars) : null;
    this.pendingPhotos.set(clientId, input.photo?.id);
    this.update({ pending: [...this.snapshot.pending, { clientId, text, photo: input.photo ?? null, status: 'sending' }] });
    void this.deliver(clientId);
    return clientId;
  }
  /** Sends a failed message again. */
  retryChat(clientId: string): void {
    this.update({ pending: this.snapshot.pending.map((p) => (p.clientId === clientId ? { ...p, status: 'sending', error: undefined } : p)) });
    void this.deliver(clientId);
  }
  private inFlight = new Set<string>();
  private async deliver(clientId: string) {
    const item = this.snapshot.pending.find((p) => p.clientId === clientId);
    if (!item || item.status !== 'sending' || this.inFlight.has(clientId) || !this.socket.connected || !this.snapshot.joined) return;
    this.inFlight.add(clientId);
    const photoId = this.pendingPhotos.get(clientId);
    const reply = await this.request<{ message: ChatMessage; warning?: string }>('room:chat', { sessionId: this.sessionId, clientId, ...(item.text ? { text: item.text } : {}), ...(photoId ? { photoId } : {}) });
    this.inFlight.delete(clientId);
    if (reply.ok) {
      this.addMessages([reply.message]);
      if (reply.warning) this.update({ chatWarning: { messageId: reply.message.id, text: reply.warning } });
      return;
    }
    // No answer: it stays 'sending' and goes again on the next connect. A refusal is shown.
    if (reply.error.code !== 'internal_error' && reply.error.code !== 'not_joined') {
      this.update({ pending: this.snapshot.pending.map((p) => (p.clientId === clientId ? { ...p, status: 'failed', error: reply.error.message } : p)) });
    }
  }
  private flushPending() {
    for (const p of this.snapshot.pending) if (p.status === 'sending') void this.deliver(p.clientId);
  }
  private addMessages(list: ChatMessage[]) {
    if (!list.length) return;
    const byId = new Map(this.snapshot.messages.map((m) => [m.id, m]));
    for (const m of list) byId.set(m.id, m);
    const messages = [...byId.values()].sort((a, b) => a.id - b.id);
    const delivered = new Set(list.map((m) => m.clientId));
    for (const id of delivered) this.pendingPhotos.delete(id);
    this.update({ messages, pending: this.snapshot.pending.filter((p) => !delivered.has(p.clientId)) });
  }

  // ---- board ----
  private sendBoard(update: Uint8Array) {
    if (update.byteLength > ROOM_LIMITS.boardUpdateBytes) {
      // Too big for one message (a huge offline edit): the server gets it on the next join's diff instead... which would
      // be the same size, so tell the user rather than fail silently.
      console.warn(`board update of ${update.byteLength} bytes is over the ${ROOM_LIMITS.boardUpdateBytes}-byte limit`);
      return;
    }
    (this.socket as unknown as { emit(e: string, p: unknown, ack: (r: { ok: boolean; warning?: string }) => void): void }).emit('room:board', { sessionId: this.sessionId, update }, (r) => {
      if (r?.ok && r.warning && r.warning !== this.snapshot.boardWarning) this.update({ boardWarning: r.warning });
    });
  }

  dismissBoardWarning(): void {
    this.update({ boardWarning: null });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.socket.connected) (this.socket as unknown as { emit(e: string, p: unknown): void }).emit('room:leave', { sessionId: this.sessionId });
    for (const d of this.detach) d();
    this.listeners.clear();
    this.signalHandlers.clear();
    this.rejoinHandlers.clear();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function toBytes(data: Uint8Array | ArrayBuffer): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

const roleOrder = { tutor: 0, student: 1, observer: 2 } as const;
function byRole(a: RoomParticipant, b: RoomParticipant) {
  return roleOrder[a.role] - roleOrder[b.role] || a.userId.localeCompare(b.userId);
}
