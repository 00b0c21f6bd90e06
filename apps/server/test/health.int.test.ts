import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './db';
import { startTestApp, type TestApp } from './app';

describeEachBackend('health, readiness and metrics', ({ db, backend }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db().database);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers /healthz and /readyz with the database kind', async () => {
    expect(await (await fetch(`${t.baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: backend });
  });

  it('exposes Prometheus metrics with per-route latency, sockets and process metrics', async () => {
    await fetch(`${t.baseUrl}/api/subjects`);
    const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/subjects"/);
    expect(text).toContain('realtime_connected_sockets');
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});
