import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './app';
import { describeOnOneBackend } from './db';

// The web app's files as a phone gets them (#21, decision 089): the build writes .br and .gz next to each text file,
// and the server sends the smallest one the browser accepts; the app's index page is never cached, so a new version's
// page (which names new hashed files) is seen at once.

const script = `${'export const words = "a question, a photo, a tutor";\n'.repeat(200)}`;
const indexHtml = `<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head><body><div id="root"></div>${' '.repeat(2000)}</body></html>`;

function webDist(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-web-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  const write = (name: string, text: string, compressed: boolean) => {
    fs.writeFileSync(path.join(dir, name), text);
    if (!compressed) return;
    fs.writeFileSync(path.join(dir, `${name}.br`), zlib.brotliCompressSync(text));
    fs.writeFileSync(path.join(dir, `${name}.gz`), zlib.gzipSync(text));
  };
  write('index.html', indexHtml, true);
  write('assets/app-abc123.js', script, true);
  write('assets/tiny-def456.js', 'export {};\n', false);
  return dir;
}

async function get(url: string, headers: Record<string, string>) {
  const res = await fetch(url, { headers });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

describeOnOneBackend('the web app’s files: pre-compressed, and the index page never cached', ({ db }) => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = webDist();
    t = await startTestApp(db().database, { webDist: dir });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends brotli to a browser that accepts it, gzip to one that accepts only gzip, and the plain file otherwise', async () => {
    const url = `${t.baseUrl}/assets/app-abc123.js`;
    const br = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.res.status).toBe(200);
    expect(br.res.headers.get('content-encoding')).toBe('br');
    expect(br.res.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(br.res.headers.get('content-type')).toMatch(/javascript/);
    expect(br.res.headers.get('cache-control')).toBe('public, max-age=3600');
    // fetch() decodes the body; the size on the wire is the header's.
    expect(br.bytes.toString()).toBe(script);
    expect(Number(br.res.headers.get('content-length'))).toBeLessThan(script.length / 5);

    const gz = await get(url, { 'accept-encoding': 'gzip' });
    expect(gz.res.headers.get('content-encoding')).toBe('gzip');
    expect(gz.bytes.toString()).toBe(script);

    const plain = await get(url, { 'accept-encoding': 'identity' });
    expect(plain.res.headers.get('content-encoding')).toBeNull();
    expect(Number(plain.res.headers.get('content-length'))).toBe(Buffer.byteLength(script));
  });

  it('sends a file without compressed copies (too small to be worth it) as it is', async () => {
    const tiny = await get(`${t.baseUrl}/assets/tiny-def456.js`, { 'accept-encoding': 'br, gzip' });
    expect(tiny.res.status).toBe(200);
    expect(tiny.res.headers.get('content-encoding')).toBeNull();
    expect(tiny.bytes.toString()).toBe('export {};\n');
  });

  it('answers a client-side route with the index page, compressed, and marked no-cache rather than the files’ hour', async () => {
    for (const route of ['/student', '/student/ask', '/']) {
      const page = await get(`${t.baseUrl}${route}`, { accept: 'text/html', 'accept-encoding': 'br' });
      expect(page.res.status, route).toBe(200);
      expect(page.res.headers.get('content-type'), route).toMatch(/text\/html/);
      expect(page.res.headers.get('cache-control'), route).toBe('no-cache');
      expect(page.bytes.toString(), route).toBe(indexHtml);
    }
    const plain = await get(`${t.baseUrl}/student`, { accept: 'text/html', 'accept-encoding': 'identity' });
    expect(plain.res.headers.get('cache-control')).toBe('no-cache');
    expect(plain.res.headers.get('content-encoding')).toBeNull();
  });

  it('gives the compressed copies no routes of their own, and keeps the API’s JSON 404s', async () => {
    const copy = await get(`${t.baseUrl}/assets/app-abc123.js.br`, { accept: '*/*' });
    expect(copy.res.status).toBe(404);
    const api = await get(`${t.baseUrl}/api/no-such-thing`, { accept: 'text/html', 'accept-encoding': 'br' });
    expect(api.res.status).toBe(404);
    expect(api.res.headers.get('content-type')).toMatch(/json/);
  });
});
