import pg from 'pg';

/**
 * pg's Pool, except that a transaction whose BEGIN fails still gives its client back. drizzle-orm (0.45) sends BEGIN
 * before its try/finally that releases the client, so a connection cut at that moment (pg_terminate_backend, a
 * failover) was never released: each such cut took one connection from the pool for good, and `pool.end()` at
 * shutdown then waited for it forever. The first statement of a checkout made with `connect()` (no callback, which is
 * how drizzle opens a transaction) is watched: if it is a BEGIN and fails, the client is released with the error, so the
 * pool discards it. Every later statement goes straight through.
 */
export class ReleasingPool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    // pool.query() checks out with a callback and releases by itself.
    if (callback) return super.connect(callback);
    return super.connect().then(releaseOnFailedBegin);
  }
}

const isBegin = (args: unknown[]) => {
  const first = args[0] as string | { text?: unknown } | undefined;
  const text = typeof first === 'string' ? first : typeof first?.text === 'string' ? first.text : '';
  return /^\s*begin\b/i.test(text);
};

function releaseOnFailedBegin(client: pg.PoolClient): pg.PoolClient {
  const watched = client as unknown as { query: (...args: unknown[]) => unknown };
  watched.query = (...args: unknown[]) => {
    // Only the first statement: the own property goes, and the prototype's query serves the rest of this checkout.
    delete (watched as Partial<typeof watched>).query;
    const result = watched.query(...args);
    if (!isBegin(args) || !(result instanceof Promise)) return result;
    return result.catch((err: unknown) => {
      client.release(err instanceof Error ? err : true);
      throw err;
    });
  };
  return client;
}
