import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './errors';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['57P01 admin_shutdown (pg_terminate_backend)', withCode('57P01', 'terminating connection due to administrator command')],
    ['57P02 crash_shutdown', withCode('57P02')],
    ['57P03 cannot_connect_now', withCode('57P03', 'the database system is starting up')],
    ['53300 too_many_connections', withCode('53300')],
    ['08006 connection_failure', withCode('08006')],
    ['08P01 protocol_violation', withCode('08P01')],
    ['ECONNREFUSED', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['ECONNRESET', withCode('ECONNRESET')],
    ["pg's lost connection", new Error('Connection terminated unexpectedly')],
    ["pg's connect timeout", new Error('Connection terminated due to connection timeout')],
    ["pg-pool's timeout", new Error('timeout exceeded when trying to connect')],
    ['a client that died earlier', new Error('Client was closed and is not queryable')],
    ['inside Drizzle', new DrizzleQueryError('rollback', [], new Error('Connection terminated unexpectedly'))],
    ['a refused connect on every address', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')])],
  ])('recognises %s', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a serialization failure', withCode('40001')],
    ['a syntax error inside Drizzle', new DrizzleQueryError('selec 1', [], withCode('42601'))],
    // The query's parameters are part of Drizzle's message: user text must not make a request look like an outage.
    ['user text that reads like an outage', new DrizzleQueryError('insert …', ['Connection terminated unexpectedly'], withCode('23505'))],
    // A provider being down is not the database being down.
    ['a fetch to a provider that refused', new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') })],
    ['nothing', undefined],
    ['a string', 'Connection terminated'],
  ])('does not take %s for an outage', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
