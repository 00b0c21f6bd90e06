import net from 'node:net';

export interface TcpProxy {
  /** http://127.0.0.1:<port>: log a browser context in through this to route its HTTP and socket through the proxy. */
  baseUrl: string;
  port: number;
  /** Where connections go; set it before the first one arrives (the server may start after the proxy). */
  setTarget(port: number, host?: string): void;
  /** Drops every open connection now and refuses new ones for `ms`; resolves when connections are accepted again. */
  cut(ms: number): Promise<void>;
  /** Whether a cut is in progress. */
  readonly cutting: boolean;
  /** Connections accepted since start, and how many were destroyed by cuts. */
  stats(): { accepted: number; dropped: number };
  close(): Promise<void>;
}

/**
 * A small TCP proxy on a free 127.0.0.1 port that pipes every connection to the target: a "network" for one browser
 * context that a test can cut. During a cut, new connections are accepted and destroyed at once (a reset), the way a
 * dead uplink looks to a browser that keeps retrying.
 */
export async function startTcpProxy(target?: { port: number; host?: string }): Promise<TcpProxy> {
  let to = target ? { port: target.port, host: target.host ?? '127.0.0.1' } : null;
  const open = new Set<net.Socket>();
  let cutUntil = 0;
  let accepted = 0;
  let dropped = 0;

  const server = net.createServer((client) => {
    if (Date.now() < cutUntil || !to) {
      dropped++;
      client.resetAndDestroy();
      return;
    }
    accepted++;
    const upstream = net.connect({ port: to.port, host: to.host });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    open.add(client);
    open.add(upstream);
    const done = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', done).on('close', done);
    upstream.on('error', done).on('close', done);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    setTarget(p, host = '127.0.0.1') {
      to = { port: p, host };
    },
    get cutting() {
      return Date.now() < cutUntil;
    },
    async cut(ms) {
      cutUntil = Date.now() + ms;
      for (const s of [...open]) {
        dropped++;
        // A reset, not a FIN: the browser sees the connection die at once, as when the network goes away under it.
        s.resetAndDestroy();
        open.delete(s);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, cutUntil - Date.now())));
    },
    stats: () => ({ accepted, dropped }),
    async close() {
      for (const s of open) s.destroy();
      open.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
