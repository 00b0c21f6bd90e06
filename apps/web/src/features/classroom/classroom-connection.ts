import { breakoutGroupOf, type BreakoutView } from '@tutorline/contracts';
import type { ClassAck, ClassChatMessage, ClassCommand, ClassError, ClassInfo, ClassJoined, ClassParticipant, ClassReaction, ClassRole, ClassState, HandEntry, LobbyEntry, PollView } from '@tutorline/contracts';
import * as Y from 'yjs';
import type { AppSocket } from '../../lib/socket';

export type ClassroomStatus = 'joining' | 'waiting' | 'joined' | 'refused' | 'removed' | 'ended' | 'lobby-refused';

export interface ClassroomSnapshot {
  status: ClassroomStatus;
  error: ClassError | null;
  info: ClassInfo | null;
  self: { userId: string; role: ClassRole } | null;
  state: ClassState | null;
  participants: ClassParticipant[];
  hands: HandEntry[];
  lobby: LobbyEntry[];
  messages: ClassChatMessage[];
  polls: PollView[];
  reactions: { userId: string; reaction: ClassReaction; at: number }[];
  /** The last refusal of something this user did (shown next to the control). */
  notice: ClassError | null;
  /** Breakout rooms now (null: none), and the group whose board and chat this user shares (null: the main room). */
  breakout: BreakoutView | null;
  groupId: string | null;
  /** Bumped when the board is swapped for another group's: the canvas remounts on it. */
  boardGeneration: number;
}

const empty: ClassroomSnapshot = { status: 'joining', error: null, info: null, self: null, state: null, participants: [], hands: [], lobby: [], messages: [], polls: [], reactions: [], notice: null, breakout: null, groupId: null, boardGeneration: 0 };

/**
 * One class's room over the app's socket, framework-free (read with useSyncExternalStore, like PeerCall): joins on every
 * (re)connect with the last chat id and the board's state vector, and merges the server's events into one snapshot.
 */
export class ClassroomConnection {
  /** The board of the scope this user is in: the class's, or their breakout group's (a new doc when that changes). */
  board = new Y.Doc();
  private snap: ClassroomSnapshot = empty;
  private readonly listeners = new Set<() => void>();
  private closed = false;
  private joinTries = 0;
  private joinRetry: ReturnType<typeof setTimeout> | undefined;
  private readonly off: (() => void)[] = [];

  constructor(
    private readonly socket: AppSocket,
    readonly classId: string,
  ) {
    const on = <T>(event: string, fn: (p: T & { classId?: string }) => void) => {
      type L = (p: T & { classId?: string }) => void;
      const s = socket as unknown as { on(e: string, l: L): void; off(e: string, l: L): void };
      const l = (p: T & { classId?: string }) => {
        // connect carries no payload; class events name their class.
        const named = (p as { classId?: string } | undefined)?.classId;
        if (named === undefined || named === classId) fn(p);
      };
      s.on(event, l);
      this.off.push(() => s.off(event, l));
    };
    on('connect', () => void this.join());
    on<{ state: ClassState }>('class:state', ({ state }) => this.set({ state }));
    on<{ participant: ClassParticipant }>('class:participant', ({ participant }) => {
      const rest = this.snap.participants.filter((p) => p.userId !== participant.userId);
      this.set({ participants: participant.removed ? rest : [...rest, participant].sort(byRole) });
    });
    on<{ hands: HandEntry[] }>('class:hands', ({ hands }) => this.set({ hands }));
    on<{ waiting: LobbyEntry[] }>('class:lobby', ({ waiting }) => this.set({ lobby: waiting }));
    on('class:admitted', () => void this.join());
    on('class:refused', () => this.set({ status: 'lobby-refused' }));
    on('class:removed', () => this.set({ status: 'removed' }));
    on('class:ended', () => this.set({ status: 'ended' }));
    on<ClassChatMessage>('class:chat', (m) => this.set({ messages: mergeById(this.snap.messages, [m]) }));
    on<{ update: Uint8Array }>('class:board', ({ update }) => Y.applyUpdate(this.board, new Uint8Array(update), 'remote'));
    on<{ userId: string; reaction: ClassReaction }>('class:reaction', (r) => this.set({ reactions: [...this.snap.reactions.slice(-9), { ...r, at: performance.now() }] }));
    on<{ userId: string; speaking: boolean }>('class:speaking', ({ userId, speaking }) => this.set({ participants: this.snap.participants.map((p) => (p.userId === userId ? { ...p, speaking } : p)) }));
    on<{ poll: PollView }>('class:poll', ({ poll }) => {
      const old = this.snap.polls.find((p) => p.id === poll.id);
      const merged = { ...poll, voted: poll.voted || (old?.voted ?? false) };
      this.set({ polls: old ? this.snap.polls.map((p) => (p.id === poll.id ? merged : p)) : [...this.snap.polls, merged] });
    });
    on<{ breakout: BreakoutView | null }>('class:breakout', ({ breakout }) => this.breakoutChanged(breakout));
    on<{ text: string; sentAt: string }>('class:breakout:broadcast', ({ text, sentAt }) => {
      const b = this.snap.breakout;
      if (b) this.set({ breakout: { ...b, broadcast: { text, sentAt } } });
    });
    this.board.on('update', this.onBoardUpdate);
    this.off.push(() => this.board.off('update', this.onBoardUpdate));
    if (socket.connected) void this.join();
  }

  private readonly onBoardUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') void this.ask('class:board', { classId: this.classId, update });
  };

  /** Which group this user is in under `b`. */
  private groupIn(b: BreakoutView | null): string | null {
    return this.snap.self ? (breakoutGroupOf(b, this.snap.self.userId, this.snap.self.role)?.id ?? null) : null;
  }

  /** Breakout rooms started, changed or closed: when this user's group changed, load that group's board and chat. */
  private breakoutChanged(breakout: BreakoutView | null) {
    const groupId = this.groupIn(breakout);
    if (groupId === this.snap.groupId) return this.set({ breakout });
    this.board.off('update', this.onBoardUpdate);
    this.board = new Y.Doc();
    this.board.on('update', this.onBoardUpdate);
    this.set({ breakout, groupId, messages: [], boardGeneration: this.snap.boardGeneration + 1 });
    void this.join();
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  getSnapshot = () => this.snap;

  private set(patch: Partial<ClassroomSnapshot>) {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l();
  }

  private async ask<T = object>(event: string, payload: unknown): Promise<ClassAck<T>> {
    try {
      const reply = (await (this.socket as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<ClassAck<T>> } }).timeout(10_000).emitWithAck(event, payload)) as ClassAck<T>;
      if (!reply.ok) this.set({ notice: reply.error });
      return reply;
    } catch {
      const error: ClassError = { code: 'internal_error', message: 'No answer from the server. Check your connection.' };
      this.set({ notice: error });
      return { ok: false, error };
    }
  }

  async join() {
    const last = this.snap.messages.at(-1)?.id ?? null;
    const reply = await this.ask<ClassJoined>('class:join', { classId: this.classId, afterMessageId: last, boardStateVector: Y.encodeStateVector(this.board) });
    if (!reply.ok && reply.error.code === 'internal_error' && !this.closed && this.joinTries < JOIN_RETRIES) {
      // No answer (a busy server or a dropped packet): joining is idempotent, so ask again rather than show a dead end.
      this.joinTries += 1;
      this.set({ notice: null });
      this.joinRetry = setTimeout(() => void this.join(), Math.min(1_000 * 2 ** this.joinTries, 10_000));
      return;
    }
    this.joinTries = 0;
    if (!reply.ok) {
      const status = reply.error.code === 'removed' ? 'removed' : reply.error.code === 'class_ended' ? 'ended' : reply.error.code === 'lobby_refused' ? 'lobby-refused' : 'refused';
      return this.set({ status, error: reply.error, notice: null });
    }
    if (reply.status === 'waiting') return this.set({ status: 'waiting', info: reply.class, self: reply.self, error: null });
    // Joined into another scope than the board we hold (a reload during breakout, the split changed meanwhile): start afresh.
    const groupId = breakoutGroupOf(reply.breakout, reply.self.userId, reply.self.role)?.id ?? null;
    if (groupId !== this.snap.groupId) {
      this.board.off('update', this.onBoardUpdate);
      this.board = new Y.Doc();
      this.board.on('update', this.onBoardUpdate);
      this.set({ groupId, messages: [], boardGeneration: this.snap.boardGeneration + 1 });
    }
    Y.applyUpdate(this.board, new Uint8Array(reply.board), 'remote');
    this.set({ status: 'joined', error: null, info: reply.class, self: reply.self, state: reply.state, participants: reply.participants, hands: reply.hands, lobby: reply.lobby, messages: mergeById(this.snap.messages, reply.messages), polls: reply.polls, breakout: reply.breakout });
  }

  command = (command: ClassCommand) => this.ask('class:control', { classId: this.classId, command });
  setMedia = (audioMuted: boolean, videoStopped: boolean) => this.ask('class:media', { classId: this.classId, audioMuted, videoStopped });
  setHand = (raised: boolean) => this.ask('class:hand', { classId: this.classId, raised });
  react = (reaction: ClassReaction) => this.ask('class:react', { classId: this.classId, reaction });
  chat = (text: string, toTeacher: boolean) => this.ask('class:chat', { classId: this.classId, clientId: crypto.randomUUID(), text, toTeacher });
  async vote(pollId: string, choices: number[]) {
    const r = await this.ask('class:vote', { classId: this.classId, pollId, choices });
    if (r.ok || (!r.ok && r.error.code === 'already_voted')) this.set({ polls: this.snap.polls.map((p) => (p.id === pollId ? { ...p, voted: true } : p)) });
    return r;
  }
  dismissNotice = () => this.set({ notice: null });

  close() {
    this.closed = true;
    clearTimeout(this.joinRetry);
    for (const f of this.off.splice(0)) f();
    if (this.snap.status === 'joined') this.socket.emit('class:leave', { classId: this.classId });
  }
}

/** How many times an unanswered join is asked again (waits 2, 4, 8, 10, 10 … seconds) before the page says so. */
const JOIN_RETRIES = 6;

const order: Record<ClassRole, number> = { teacher: 0, learner: 1, observer: 2 };
const byRole = (a: ClassParticipant, b: ClassParticipant) => order[a.role] - order[b.role] || a.displayName.localeCompare(b.displayName);
const mergeById = (a: ClassChatMessage[], b: ClassChatMessage[]) => [...new Map([...a, ...b].map((m) => [m.id, m])).values()].sort((x, y) => x.id - y.id);
