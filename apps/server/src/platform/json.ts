import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { AppError } from './errors';

/**
 * How deep arrays and objects may nest in a request body. Nothing we accept comes near it (a WhatsApp Cloud
 * delivery is about 8 levels, a Stripe event about 10); V8's JSON.parse copes with any depth, but every recursive
 * walk after it (JSON.stringify for jsonb, zod, a log serialiser) overflows the stack on 300,000 levels.
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * True when JSON text nests arrays/objects more than `max` deep: one linear pass counting brackets outside strings,
 * before anything parses it. Works on the bytes too (UTF-8 never puts these ASCII bytes inside a multi-byte character).
 * Malformed input is not judged here; the parser refuses it afterwards.
 */
export function jsonNestingExceeds(input: string | Uint8Array, max = MAX_JSON_DEPTH): boolean {
  const text = typeof input === 'string';
  const n = input.length;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < n; i++) {
    const c = text ? (input as string).charCodeAt(i) : (input as Uint8Array)[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
  }
  return false;
}

export const jsonTooDeep = (max = MAX_JSON_DEPTH) => new AppError(400, 'json_too_deep', `The request body nests arrays or objects more than ${max} levels deep.`);

/**
 * Parses JSON bytes the way Fastify parses bodies (secure-json-parse: `__proto__` and `constructor.prototype` keys
 * are refused), after the depth check. Throws AppError 400 (`json_too_deep`, `invalid_json`).
 */
export function parseJsonBytes(raw: Buffer | string, max = MAX_JSON_DEPTH): unknown {
  if (jsonNestingExceeds(raw, max)) throw jsonTooDeep(max);
  try {
    return secureJson.parse(typeof raw === 'string' ? raw : raw.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new AppError(400, 'invalid_json', 'The request body is not valid JSON.');
  }
}

/**
 * In this scope, JSON bodies arrive as their exact bytes (webhook signatures are over them), with the depth checked
 * before any handler sees them: a body nested too deep is a 400 whoever sent it.
 */
export function acceptRawJson(scope: FastifyInstance, bodyLimit: number) {
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => {
    if (jsonNestingExceeds(body as Buffer)) return done(jsonTooDeep(), undefined);
    done(null, body);
  });
}

/**
 * Every other JSON body: Fastify's own parser (secure-json-parse with the instance's proto-poisoning settings, its
 * empty-body and syntax errors) behind the same depth check.
 */
export function guardJsonDepth(app: FastifyInstance) {
  const fastifyJson = app.getDefaultJsonParser(app.initialConfig.onProtoPoisoning ?? 'error', app.initialConfig.onConstructorPoisoning ?? 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonNestingExceeds(body as string)) return done(jsonTooDeep(), undefined);
    return fastifyJson(request, body as string, done);
  });
}
