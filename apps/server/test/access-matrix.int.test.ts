import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Client, relaxedLogin, startTestApp, type TestApp } from './app';
import { type Actor, actors, type Expected, expectedFor, routeAccess } from './access-matrix.routes';
import { makeMatrixWorld, type MatrixWorld } from './access-matrix.objects';
import { describeEachBackend } from './db';
import { helpConfig, jpegBytes, makeDataDir, removeDir } from './help';
import { SocketPool } from './sockets';

/** A path parameter that names an object: {id}, {sessionId}, {tutorId}... ({token} and {file} are secrets, not ids). */
const idParam = /^(id|[a-z]+Id)$/;
const writes = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Operation {
  key: string;
  method: string;
  path: string;
}

/** Every operation of the OpenAPI document whose path names an object by id: reads first, then writes. */
function idOperations(doc: { paths: Record<string, Record<string, unknown>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    if (!params.some((p) => idParam.test(p))) continue;
    for (const method of Object.keys(methods)) ops.push({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path });
  }
  return ops.sort((a, b) => Number(writes.has(a.method)) - Number(writes.has(b.method)));
}

/** A multipart POST of one small JPEG as `client`. */
async function uploadAs(client: Client, url: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(await jpegBytes())], { type: 'image/jpeg' }), 'photo.jpg');
  const res = await fetch(client.baseUrl + url, { method: 'POST', body: form, headers: client.cookie ? { cookie: client.cookie } : {} });
  return { status: res.status, text: await res.text() };
}

const matches = (expected: Expected, status: number) => (expected === 'ok' ? status >= 200 && status < 300 : status === expected);

/**
 * Issue #20: every route of the OpenAPI document that names an object by id, tried as the object's owner, the other
 * party, another student, another tutor, each staff role, an admin and a logged-out visitor, against the answer
 * declared for it in access-matrix.routes.ts. One app and one set of objects per backend.
 */
describeEachBackend('the access matrix: every route with an object id, as every kind of caller', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  let world: MatrixWorld;
  let ops: Operation[];
  const sockets = new SocketPool();

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, { ...helpConfig(dataDir), login: relaxedLogin, payments: { provider: 'fake', stripe: null, razorpay: null } });
    world = await makeMatrixWorld(t, sockets);
    ops = idOperations((await world.actors.anon.get('/api/docs')).json);
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
    removeDir(dataDir);
  });

  it('declares every such route, and only routes that exist', () => {
    expect(ops.length).toBeGreaterThan(60);
    const inDocument = new Set(ops.map((o) => o.key));
    expect(ops.map((o) => o.key).filter((key) => !routeAccess[key]), 'routes with an object id and no declaration in access-matrix.routes.ts').toEqual([]);
    expect(Object.keys(routeAccess).filter((key) => !inDocument.has(key)), 'declarations for routes that are not in the OpenAPI document').toEqual([]);
  });

  it('answers each caller as declared: the owner and the party, others 404, roles without the power 403, logged out 401', async () => {
    const wrong: string[] = [];
    const seen: Record<string, Partial<Record<Actor, number>>> = {};
    for (const op of ops) {
      const rule = routeAccess[op.key];
      if (!rule) continue;
      const object = world.objects[rule.object];
      let first = true;
      const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
        if (!idParam.test(name)) return '1';
        if (first) {
          first = false;
          return object.id;
        }
        return world.photoId;
      });
      const url = rule.query ? `${path}?${rule.query}` : path;
      seen[op.key] = {};
      const declared = typeof rule.body === 'function' ? (rule.body as (ids: MatrixWorld['staffIds']) => unknown)(world.staffIds) : rule.body;
      const body = writes.has(op.method) ? (declared ?? (op.method === 'DELETE' ? undefined : {})) : undefined;
      const tryAs = async (actor: Actor) => {
        const client = actor === 'owner' ? object.owner : actor === 'party' ? object.party : world.actors[actor];
        if (!client) return;
        const res = rule.upload ? await uploadAs(client, url) : await client.request(op.method, url, body);
        seen[op.key]![actor] = res.status;
        const expected = expectedFor(rule, actor);
        if (!matches(expected, res.status)) wrong.push(`${op.key} as ${actor}: expected ${expected}, got ${res.status} ${res.text.slice(0, 100)}`);
      };
      // Reads change nothing, so their callers go at once; writes go one by one, the owner last.
      if (writes.has(op.method)) for (const actor of actors) await tryAs(actor);
      else await Promise.all(actors.map(tryAs));
    }
    // ACCESS_MATRIX_RECORD=<file> writes what every caller got, to review a new route's line against.
    if (process.env.ACCESS_MATRIX_RECORD) fs.writeFileSync(process.env.ACCESS_MATRIX_RECORD, JSON.stringify(seen, null, 1));
    expect(wrong, 'answers that differ from access-matrix.routes.ts').toEqual([]);
  });
});
