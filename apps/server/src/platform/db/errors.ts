import { DrizzleQueryError } from 'drizzle-orm';

/**
 * SQLSTATEs that mean the connection (or the whole server) went away, not that the statement was wrong:
 * class 08 (connection exception), 57P01 admin_shutdown (pg_terminate_backend, a fast shutdown), 57P02 crash_shutdown,
 * 57P03 cannot_connect_now (starting up or shutting down), 53300 too_many_connections.
 */
const unavailableStates = new Set(['57P01', '57P02', '57P03', '53300']);
/** Socket-level failures reaching or talking to the server. */
const socketCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** node-postgres and pg-pool say these in words only (each message starts so). */
const lostMessages = [
  'Connection terminated',
  'Client was closed and is not queryable',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'Cannot use a pool after calling end on the pool',
];

/**
 * Whether an error means the database could not be reached or dropped the connection mid-request (a failover,
 * a restart, pg_terminate_backend), so the request may succeed if simply tried again. Looks inside Drizzle's
 * DrizzleQueryError (its `cause` is the driver's error) and AggregateError (a refused connect on several addresses),
 * and nowhere else: a `fetch failed` whose cause is ECONNREFUSED is a provider being down, not the database.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof e.code === 'string') {
    if (/^08[0-9A-Z]{3}$/.test(e.code)) return true;
    if (unavailableStates.has(e.code) || socketCodes.has(e.code)) return true;
  }
  if (typeof e.message === 'string' && lostMessages.some((m) => (e.message as string).startsWith(m))) return true;
  if (err instanceof AggregateError) return err.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1));
  if (err instanceof DrizzleQueryError) return isDatabaseUnavailable(e.cause, depth + 1);
  return false;
}
