import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors';
import { createLogger, serializeRequest } from './logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger('info', stream), text: () => lines.join('') };
}

/** Shaped like Drizzle's DrizzleQueryError: the parameters appear in the message and in `params`. */
function queryError(params: unknown[], cause: Error) {
  const err = new Error(`Failed query: insert into "users" ("email", "phone") values ($1, $2)\nparams: ${params}`, { cause });
  return Object.assign(err, { query: 'insert into "users" ("email", "phone") values ($1, $2)', params });
}

describe('logger', () => {
  it('redacts secrets and personal data by field name', () => {
    const { logger, text } = capture();
    logger.info({ password: 'p4ssw0rd!', user: { phone: '+919812345678', newPassword: 'n3w', token: 'tok' }, headers: { cookie: 'tl_session=abc' } }, 'x');
    expect(text()).not.toMatch(/p4ssw0rd|9812345678|n3w|"tok"|tl_session/);
    expect(text()).toContain('[redacted]');
  });

  it("keeps a failed query's SQL but not its parameters, nor the row quoted in a database error's detail", () => {
    const { logger, text } = capture();
    const cause = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505', detail: 'Key (phone)=(+919812345678) already exists.' });
    logger.error({ err: queryError(['a@b.test', '+919812345678'], cause) }, 'unhandled error');
    const line = JSON.parse(text()) as { err: { message: string; stack: string; params: unknown; query: string; cause?: { detail?: string } } };
    expect(text()).not.toMatch(/9812345678|a@b\.test/);
    expect(line.err.message).toContain('params: [redacted]');
    expect(line.err.stack).toContain('params: [redacted]');
    expect(line.err.params).toBe('[redacted]');
    expect(line.err.query).toContain('insert into "users"');
  });

  it('logs a request by its path, without the query string or any header', () => {
    const req = { id: 'r1', method: 'GET', url: '/api/me?token=abc', headers: { cookie: 'tl_session=abc' }, routeOptions: { url: '/api/me' } };
    expect(serializeRequest(req)).toEqual({ id: 'r1', method: 'GET', path: '/api/me', route: '/api/me' });
  });

  it('logs an expected business refusal (an AppError below 500) with its code and message, without a stack', () => {
    const { logger, text } = capture();
    logger.info({ err: new AppError(403, 'payment_required', 'You have no plan or question credits.') }, 'refused');
    const line = JSON.parse(text()) as { err: Record<string, unknown> };
    expect(line.err).toEqual({ type: 'AppError', code: 'payment_required', status: 403, message: 'You have no plan or question credits.' });
    expect(text()).not.toMatch(/stack|\n\s+at /);
    const { logger: l2, text: t2 } = capture();
    l2.error({ err: new AppError(503, 'service_unavailable', 'The payment provider did not answer.') }, 'failed');
    expect((JSON.parse(t2()) as { err: { stack: string } }).err.stack).toContain('provider');
  });

  it('logs ordinary errors with their message and stack', () => {
    const { logger, text } = capture();
    logger.error({ err: new Error('boom') }, 'failed');
    const line = JSON.parse(text()) as { err: { message: string; stack: string; type: string } };
    expect(line.err).toMatchObject({ type: 'Error', message: 'boom' });
    expect(line.err.stack).toContain('boom');
  });
});
