import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema';
import { z } from 'zod';

/**
 * Response serializer: each route's zod response schema is turned into JSON Schema once, at start-up,
 * and compiled with fast-json-stringify. Only the fields a schema lists are ever written, so a row with
 * more columns (a password hash) cannot leak through a response; and no zod parse runs per response.
 */
export const zodToFastJsonSerializer: FastifySerializerCompiler<unknown> = ({ schema }) => {
  if (!(schema instanceof z.ZodType)) return (data) => JSON.stringify(data);
  let serialize = compiled.get(schema);
  if (!serialize) compiled.set(schema, (serialize = compile(schema)));
  return serialize;
};

/**
 * Serializers already compiled, by schema object. A schema is a module-level constant, so a process that builds its
 * app again (the integration tests build one per file and backend, in one module graph) reuses the serializer
 * instead of compiling it again: about 0.6 s of CPU per app. One app per process (production) compiles each once.
 */
const compiled = new WeakMap<z.ZodType, (data: unknown) => string>();

function compile(schema: z.ZodType): (data: unknown) => string {
  const jsonSchema = z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'any' });
  // Not strict: zod's JSON Schema for records carries `propertyNames`, which a serializer has no use for.
  return fastJson(jsonSchema as Parameters<typeof fastJson>[0], { ajv: { strict: false } });
}
