import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodToFastJsonSerializer } from './serializer';

const compile = (schema: unknown) => zodToFastJsonSerializer({ schema, method: 'GET', url: '/x', httpStatus: '200' });

describe('the response serializer', () => {
  const schema = z.object({ id: z.string(), count: z.number().int() });

  it('writes only the fields the schema lists', () => {
    expect(compile(schema)({ id: 'a', count: 2, passwordHash: 'secret' })).toBe('{"id":"a","count":2}');
  });

  it('compiles a schema once per process: an app built again reuses it (the integration tests build one per file)', () => {
    expect(compile(schema)).toBe(compile(schema));
    // Another schema object, even an equal one, is compiled on its own.
    const twin = z.object({ id: z.string(), count: z.number().int() });
    expect(compile(twin)).not.toBe(compile(schema));
  });
});
