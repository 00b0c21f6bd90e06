import type { SessionRecAck, SessionRecState } from '@tutorline/contracts';
import type { AppSocket } from '../../lib/socket';

export interface RecordingSnapshot {
  state: SessionRecState;
  /** The server's words for the last refusal (media server down, no guardian consent, …); null when none. */
  error: string | null;
  pending: boolean;
}

type Loose = { on(e: string, l: (p: never) => void): void; off(e: string, l: (p: never) => void): void; timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<unknown> } };

/**
 * A 1:1 session's recording (decision 056) as the page sees it: the state from the server (`room:rec`, and asked for
 * on every connect, so a reload shows it too), and the asks, answers and stops, whose refusals come back in words.
 */
export class SessionRecording {
  private snap: RecordingSnapshot = { state: { status: 'off', sfu: false }, error: null, pending: false };
  private readonly listeners = new Set<() => void>();
  private readonly off: (() => void)[] = [];

  constructor(
    private readonly socket: AppSocket,
    readonly sessionId: string,
  ) {
    const s = socket as unknown as Loose;
    const onState = (p: { sessionId: string; recording: SessionRecState }) => {
      if (p.sessionId === sessionId) this.update({ state: p.recording });
    };
    const onConnect = () => void this.refresh();
    s.on('room:rec', onState);
    s.on('connect', onConnect);
    this.off.push(() => s.off('room:rec', onState), () => s.off('connect', onConnect));
    if (socket.connected) void this.refresh();
  }

  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  };
  getSnapshot = () => this.snap;

  private update(patch: Partial<RecordingSnapshot>) {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l();
  }

  private async send(event: string, payload: object): Promise<void> {
    this.update({ pending: true, error: null });
    try {
      const r = (await (this.socket as unknown as Loose).timeout(10_000).emitWithAck(event, { sessionId: this.sessionId, ...payload })) as SessionRecAck<{ recording: SessionRecState }>;
      this.update(r.ok ? { pending: false, state: r.recording } : { pending: false, error: r.error.message });
    } catch {
      this.update({ pending: false, error: 'No answer from the server. Try again.' });
    }
  }

  /** The state now (the room joined before this existed, or a reconnect). */
  async refresh(): Promise<void> {
    try {
      const r = (await (this.socket as unknown as Loose).timeout(10_000).emitWithAck('room:rec:state', { sessionId: this.sessionId })) as SessionRecAck<{ recording: SessionRecState }>;
      if (r.ok) this.update({ state: r.recording });
    } catch {
      // The next room:rec brings it.
    }
  }
  ask = () => this.send('room:rec:ask', {});
  answer = (agree: boolean) => this.send('room:rec:answer', { agree });
  stop = () => this.send('room:rec:stop', {});
  dismissError = () => this.update({ error: null });

  close() {
    for (const f of this.off.splice(0)) f();
    this.listeners.clear();
  }
}
