import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '@tutorline/contracts';
import { io, type Socket } from 'socket.io-client';

/**
 * Load that keeps going while a cluster's nodes restart (#19, a rolling restart): `concurrency` loops each calling
 * `request` again as soon as it answers. Every answer that is not 200, and every request that threw (connection reset,
 * timeout), is kept as a failure with what it was.
 */
export function startRequestLoad(request: () => Promise<{ status: number; text?: string }>, concurrency: number) {
  let running = true;
  const failures: string[] = [];
  let answered = 0;
  const loop = async () => {
    while (running) {
      try {
        const res = await request();
        if (res.status === 200) answered++;
        else failures.push(`${res.status} ${res.text?.slice(0, 200) ?? ''}`);
      } catch (err) {
        failures.push(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      }
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    answered: () => answered,
    failures,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

type Ack = { ok: boolean; error?: { code: string }; messages?: ChatMessage[] };

/**
 * A participant's socket as the room page keeps it: through HAProxy, reconnecting by itself, and joining the room again
 * on every `session:ready` (a node that goes away takes its sockets with it; the next node knows nothing of them).
 */
export function roomSocket(url: string, cookie: string, sessionId: string) {
  const socket = io(url, { transports: ['websocket'], extraHeaders: { cookie }, forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 500, timeout: 10_000 }) as unknown as Socket;
  const live: ChatMessage[] = [];
  let joins = 0;
  let lastJoin: Promise<Ack> = Promise.resolve({ ok: false });
  socket.on('room:chat', (m: ChatMessage) => live.push(m));
  socket.on('session:ready', () => {
    lastJoin = (socket.timeout(10_000).emitWithAck('room:join', { sessionId }) as Promise<Ack>).then(
      (ack) => {
        if (ack.ok) joins++;
        return ack;
      },
      () => ({ ok: false }) as Ack,
    );
  });
  return {
    socket,
    live,
    joins: () => joins,
    joined: () => lastJoin,
    /**
     * Sends one chat message and resends it (same clientId: the same message) until a node has stored it: while the
     * socket is between nodes an emit times out or finds the room not joined yet.
     */
    async say(text: string, deadlineMs = 60_000): Promise<string> {
      const clientId = randomUUID();
      const until = Date.now() + deadlineMs;
      while (Date.now() < until) {
        const ack = (await (socket.timeout(3_000).emitWithAck('room:chat', { sessionId, clientId, text }) as Promise<Ack>).catch(() => null)) ?? null;
        if (ack?.ok) return clientId;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`"${text}" was not stored within ${deadlineMs} ms`);
    },
    /** The room's chat as a fresh join reads it from the database. */
    async history(): Promise<ChatMessage[]> {
      const ack = (await socket.timeout(10_000).emitWithAck('room:join', { sessionId })) as Ack;
      if (!ack.ok) throw new Error(`room:join refused: ${ack.error?.code}`);
      return ack.messages ?? [];
    },
    close: () => socket.disconnect(),
  };
}
