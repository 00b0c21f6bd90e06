import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './app';
import { describeEachBackend } from './db';

describeEachBackend('the test clock (CLOCK_CONTROL)', ({ db }) => {
  let moved: TestApp;
  let plain: TestApp;
  beforeAll(async () => {
    moved = await startTestApp(db().database, { clockControl: true });
    plain = await startTestApp(db().database);
  });
  afterAll(async () => {
    await moved?.close();
    await plain?.close();
  });

  it('moves the server clock forward and keeps it flowing, and logs the move', async () => {
    const target = new Date(Date.now() + 3 * 86_400_000);
    const res = await fetch(`${moved.baseUrl}/dev/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ at: target.toISOString() }) });
    expect(res.status).toBe(200);
    const read = (await (await fetch(`${moved.baseUrl}/dev/clock`)).json()) as { now: string; offsetMs: number };
    expect(new Date(read.now).getTime()).toBeGreaterThanOrEqual(target.getTime());
    expect(new Date(read.now).getTime() - target.getTime()).toBeLessThan(60_000);
    expect(read.offsetMs).toBeGreaterThan(2 * 86_400_000);
    expect(moved.logs()).toContain('"event":"clock_moved"');
    // The web app reads the server's time from the Date header of any response.
    const header = new Date((await fetch(`${moved.baseUrl}/api/subjects`)).headers.get('date')!);
    expect(Math.abs(header.getTime() - target.getTime())).toBeLessThan(60_000);
  });

  it('refuses a bad time and is absent without CLOCK_CONTROL', async () => {
    const bad = await fetch(`${moved.baseUrl}/dev/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ at: 'tomorrow' }) });
    expect(bad.status).toBe(400);
    expect((await fetch(`${plain.baseUrl}/dev/clock`)).status).toBe(404);
  });
});
