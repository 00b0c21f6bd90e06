import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors';
import { checkSecretParams } from './http';
import { createLogger, maskPhone, SecretPaths, serializeRequest } from './logger';

function capture(secretPaths?: SecretPaths) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger('info', stream, secretPaths), text: () => lines.join('') };
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

describe('secret path segments', () => {
  const paths = new SecretPaths();
  paths.register('/l/:token');
  paths.register('/cal/:file');
  paths.register('/webhooks/gupshup/:token');
  const token = 'Zq3xY9vB2nM5kL8pR1tW4sD7';
  const route = (url: string, secretParams?: string[]) => ({ url, config: secretParams ? { secretParams } : {} });

  it("replaces a matched route's declared params with [redacted], and keeps the rest of the path", () => {
    expect(paths.redact(`/l/${token}`, route('/l/:token', ['token']))).toBe('/l/[redacted]');
    expect(paths.redact(`/l/${token}/`, route('/l/:token', ['token']))).toBe('/l/[redacted]/');
    expect(paths.redact(`/cal/${token}.ics`, route('/cal/:file', ['file']))).toBe('/cal/[redacted]');
    expect(paths.redact('/api/things/42/secret/abc', route('/api/things/:id/secret/:secret', ['secret']))).toBe('/api/things/42/secret/[redacted]');
  });
  it('redacts everything after a secret route\'s static part when no route matched (404s, other methods, odd spellings)', () => {
    expect(paths.redact(`/l/${token}/extra`)).toBe('/l/[redacted]');
    expect(paths.redact(`//l/${token}`)).toBe('/l/[redacted]');
    expect(paths.redact(`/L/${token}`)).toBe('/l/[redacted]');
    expect(paths.redact(`/%6C/${token}`)).toBe('/l/[redacted]');
    expect(paths.redact(`/webhooks/gupshup/${token}/x`, route('/api/other'))).toBe('/webhooks/gupshup/[redacted]');
    expect(paths.redact('/l')).toBe('/l');
    expect(paths.redact('/login')).toBe('/login');
    expect(paths.redact('/api/me', route('/api/me'))).toBe('/api/me');
  });
  it('applies in the request serializer and in every line the logger writes', () => {
    const req = { id: 'r1', method: 'GET', url: `/l/${token}?x=1`, routeOptions: route('/l/:token', ['token']) };
    expect(serializeRequest(req, paths)).toEqual({ id: 'r1', method: 'GET', path: '/l/[redacted]', route: '/l/:token' });
    const { logger, text } = capture(paths);
    logger.info({ req: { id: 'r2', method: 'POST', url: `/l/${token}` } }, 'route not found');
    expect(text()).not.toContain(token);
    expect(text()).toContain('/l/[redacted]');
  });
});

describe('the secretParams declaration, checked when a route registers', () => {
  it('requires a declaration for a param that looks like a credential', () => {
    expect(() => checkSecretParams('GET', '/x/:token', undefined)).toThrow(/GET \/x\/:token has a path param that looks like a credential \(token\): declare config.secretParams/);
    expect(() => checkSecretParams('GET', '/x/:resetCode', undefined)).toThrow(/resetCode/);
    expect(() => checkSecretParams('GET', '/x/:token', ['token'])).not.toThrow();
    // Declared not secret on purpose.
    expect(() => checkSecretParams('GET', '/x/:apiKeyId', [])).not.toThrow();
    expect(() => checkSecretParams('GET', '/api/sessions/:id', undefined)).not.toThrow();
  });
  it('refuses a declaration naming a param the path does not have (a typo would leave the secret in the log)', () => {
    expect(() => checkSecretParams('GET', '/cal/:file', ['token'])).toThrow(/declares secretParams "token", which is not one of its path params/);
  });
});

describe('WhatsApp numbers in logs', () => {
  it('are masked to the country code and last four digits wherever a waId appears', () => {
    expect(maskPhone('919812343210')).toBe('+91******3210');
    expect(maskPhone('+919812343210')).toBe('+91******3210');
    expect(maskPhone('123')).toBe('[redacted]');
    const { logger, text } = capture();
    logger.info({ event: 'whatsapp_sent', waId: '919812343210' }, 'x');
    logger.info({ event: 'job', payload: { waId: '919812343210' } }, 'y');
    logger.child({ jobId: 1 }).warn({ event: 'whatsapp_transition', waId: '447700900123' }, 'z');
    expect(text()).not.toMatch(/9812343210|7700900123/);
    const lines = text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines.map((l) => l.waId ?? l.payload?.waId)).toEqual(['+91******3210', '+91******3210', '+44******0123']);
  });
});
