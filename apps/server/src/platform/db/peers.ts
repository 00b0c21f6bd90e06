import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../logger';

/**
 * Messages between the server nodes that share one PostgreSQL database, through LISTEN/NOTIFY: how a node without
 * Redis tells the others that a user's sessions changed. A node does not hear its own messages.
 */
export interface Peers {
  /** Sends to every other node listening on the channel (after the current statement; outside any transaction). */
  publish(channel: string, payload: string): Promise<void>;
  /**
   * Listens on a channel. `onGap` runs after the listening connection was lost and came back: messages sent meanwhile
   * are gone, so whatever they would have invalidated must be dropped wholesale.
   */
  subscribe(channel: string, onMessage: (payload: string) => void, onGap?: () => void): void;
  close(): Promise<void>;
}

const channelName = /^[a-z_][a-z0-9_]{0,62}$/;

export function createPgPeers(opts: { url: string; publish(channel: string, payload: string): Promise<unknown>; logger?: Logger | undefined }): Peers {
  const nodeId = randomUUID();
  const subscribers = new Map<string, { onMessage(payload: string): void; onGap?: (() => void) | undefined }[]>();
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  let lost = false;
  let delayMs = 100;

  function deliver(msg: pg.Notification) {
    const text = msg.payload ?? '';
    const sep = text.indexOf(':');
    if (sep < 0 || text.slice(0, sep) === nodeId) return;
    for (const s of subscribers.get(msg.channel) ?? []) {
      try {
        s.onMessage(text.slice(sep + 1));
      } catch (err) {
        opts.logger?.error({ err, event: 'peer_message_failed', channel: msg.channel }, 'a peer message handler failed');
      }
    }
  }

  function scheduleReconnect() {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, delayMs);
    retry.unref();
    delayMs = Math.min(delayMs * 2, 5_000);
  }

  function onLost(c: pg.Client, err?: Error) {
    if (client !== c) return;
    client = null;
    lost = true;
    c.removeAllListeners('notification');
    c.end().catch(() => {});
    if (!closed) opts.logger?.warn({ err, event: 'peer_listener_lost' }, 'lost the LISTEN connection; reconnecting');
    scheduleReconnect();
  }

  function connect(): Promise<void> {
    if (closed || client || connecting) return connecting ?? Promise.resolve();
    const c = new pg.Client({ connectionString: opts.url, keepAlive: true, connectionTimeoutMillis: 5_000 });
    // Without a listener a dropped connection's 'error' would be an uncaught exception.
    c.on('error', (err) => onLost(c, err));
    c.on('end', () => onLost(c));
    c.on('notification', deliver);
    connecting = (async () => {
      try {
        await c.connect();
        for (const channel of subscribers.keys()) await c.query(`LISTEN ${channel}`);
        if (closed) {
          await c.end();
          return;
        }
        client = c;
        delayMs = 100;
        if (lost) {
          lost = false;
          opts.logger?.info({ event: 'peer_listener_restored' }, 'LISTEN connection restored');
          for (const list of subscribers.values()) for (const s of list) s.onGap?.();
        }
      } catch (err) {
        c.removeAllListeners('notification');
        await c.end().catch(() => {});
        lost = true;
        if (!closed) opts.logger?.warn({ err, event: 'peer_listener_failed' }, 'could not LISTEN; retrying');
        scheduleReconnect();
      } finally {
        connecting = null;
      }
    })();
    return connecting;
  }

  return {
    async publish(channel, payload) {
      await opts.publish(channel, `${nodeId}:${payload}`);
    },
    subscribe(channel, onMessage, onGap) {
      if (!channelName.test(channel)) throw new Error(`bad channel name ${channel}`);
      const list = subscribers.get(channel);
      if (list) list.push({ onMessage, onGap });
      else {
        subscribers.set(channel, [{ onMessage, onGap }]);
        const c = client;
        if (c) c.query(`LISTEN ${channel}`).catch((err: Error) => onLost(c, err));
      }
      void connect();
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await connecting?.catch(() => {});
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
