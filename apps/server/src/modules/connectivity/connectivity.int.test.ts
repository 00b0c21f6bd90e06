import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/db';
import { adminClient, Client, leaksInternals, relaxedLogin, signUpStudent, startTestApp, type TestApp } from '../../../test/app';

const secret = 'check-turn-shared-secret-TEST-7d2e';
const ice = {
  stunUrls: ['stun:turn.example.test:3478'],
  turnUrls: ['turn:turn.example.test:3478?transport=udp', 'turn:turn.example.test:3478?transport=tcp'],
  turnSecret: secret,
  turnTtlSeconds: 3600,
  transportPolicy: 'all' as const,
};
const MB = 1024 * 1024;
const idPattern = /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;

const report = {
  camera: { status: 'pass', detail: 'Camera works (640×480).' },
  microphone: { status: 'pass', detail: 'We heard you.', peakLevel: 0.42 },
  speaker: { status: 'pass', detail: 'You heard the tone.' },
  stun: { status: 'warn', detail: 'Only a local address.', publicAddressSeen: false, ms: 35 },
  turnUdp: { status: 'pass', detail: 'Relay over UDP works.', ms: 120 },
  turnTcp: { status: 'pass', detail: 'Relay over TCP works.', ms: 180 },
  uploadKbps: 2400,
  downloadKbps: 9100,
  diagnostics: { browser: 'Chrome 140', os: 'Android 14', device: 'phone', userAgent: 'Mozilla/5.0 (Linux; Android 14) Chrome/140' },
};

describeEachBackend('connectivity self-test', ({ db }) => {
  let t: TestApp;
  let admin: Client;

  beforeAll(async () => {
    t = await startTestApp(db().database, { ice, login: relaxedLogin });
    admin = (await adminClient(t)).client;
  });
  afterAll(async () => {
    await t?.close();
  });

  const raw = (path: string, init?: RequestInit) => fetch(t.baseUrl + path, init);

  describe('ICE servers', () => {
    it('gives STUN and an anonymous ten-minute TURN credential, split by transport, never cached, never the secret', async () => {
      const anon = new Client(t.baseUrl);
      const before = Math.floor(Date.now() / 1000);
      const res = await anon.get('/api/check/ice-servers');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.text).not.toContain(secret);
      expect(res.json.stunUrls).toEqual(ice.stunUrls);
      expect(res.json.turnUnavailable).toBeNull();
      const turn = res.json.turn;
      expect(turn.udpUrls).toEqual(['turn:turn.example.test:3478?transport=udp']);
      expect(turn.tcpUrls).toEqual(['turn:turn.example.test:3478?transport=tcp']);
      const [expiry, who] = turn.username.split(':');
      expect(who).toMatch(/^check-[0-9a-f]{12}$/);
      expect(Number(expiry)).toBeGreaterThanOrEqual(before + 600);
      expect(Number(expiry)).toBeLessThanOrEqual(before + 600 + 5);
      expect(turn.credential).toBe(createHmac('sha1', secret).update(turn.username).digest('base64'));
      expect(new Date(turn.expiresAt).getTime()).toBe(Number(expiry) * 1000);

      const again = await anon.get('/api/check/ice-servers');
      expect(again.json.turn.username.split(':')[1]).not.toBe(who);
      expect(t.logs()).toContain('"event":"check_turn_credential_issued"');
    });
  });

  describe('reports', () => {
    it('stores an anonymous report under a short id, computes the verdict itself, and an admin reads it back', async () => {
      const res = await new Client(t.baseUrl).post('/api/check/reports', report);
      expect(res.status).toBe(201);
      expect(res.json.id).toMatch(idPattern);
      expect(res.json.userId).toBeNull();
      // STUN saw no public address, but the relay works: a warning, not a failure.
      expect(res.json.overall).toBe('warn');
      expect(res.json.turnTcp).toEqual(report.turnTcp);

      const read = await admin.get(`/api/check/reports/${res.json.id}`);
      expect(read.status).toBe(200);
      expect(read.json).toEqual(res.json);
      expect(read.json).not.toHaveProperty('ip');

      const line = t.logs().split('\n').find((l) => l.includes(`"reportId":"${res.json.id}"`));
      expect(line).toBeDefined();
      expect(JSON.parse(line!)).toMatchObject({ event: 'connectivity_report_saved', overall: 'warn', userId: null });
    });

    it('remembers the logged-in user who ran the test', async () => {
      const student = new Client(t.baseUrl);
      const { user } = await signUpStudent(student);
      const res = await student.post('/api/check/reports', report);
      expect(res.status).toBe(201);
      expect(res.json.userId).toBe(user.id);
      expect((await admin.get(`/api/check/reports/${res.json.id}`)).json.userId).toBe(user.id);
    });

    it('fails the test when neither camera nor microphone works, or nothing can carry media', async () => {
      const noDevices = { ...report, camera: { status: 'fail', detail: 'Blocked' }, microphone: { status: 'fail', detail: 'Blocked', peakLevel: null } };
      expect((await new Client(t.baseUrl).post('/api/check/reports', noDevices)).json.overall).toBe('fail');
      const noPath = { ...report, stun: { ...report.stun, status: 'fail' }, turnUdp: { ...report.turnUdp, status: 'fail', ms: null }, turnTcp: { ...report.turnTcp, status: 'fail', ms: null } };
      expect((await new Client(t.baseUrl).post('/api/check/reports', noPath)).json.overall).toBe('fail');
      const allGood = { ...report, stun: { ...report.stun, status: 'pass', publicAddressSeen: true } };
      expect((await new Client(t.baseUrl).post('/api/check/reports', allGood)).json.overall).toBe('pass');
    });

    it('lets only admins read a report: 401 logged out, 403 for others, 404 for an unknown id', async () => {
      const { json } = await new Client(t.baseUrl).post('/api/check/reports', report);
      expect((await new Client(t.baseUrl).get(`/api/check/reports/${json.id}`)).status).toBe(401);
      const student = new Client(t.baseUrl);
      await signUpStudent(student);
      const forbidden = await student.get(`/api/check/reports/${json.id}`);
      expect(forbidden.status).toBe(403);
      expect(forbidden.text).not.toContain(json.id);
      const missing = await admin.get('/api/check/reports/2222-2222');
      expect(missing.status).toBe(404);
      expect(missing.json.error.code).toBe('not_found');
      expect((await admin.get('/api/check/reports/not-a-report-id')).status).toBe(404);
      expect((await admin.get(`/api/check/reports/${'A'.repeat(40)}`)).status).toBe(400);
    });

    it('finds a report whatever the case and with or without the dash', async () => {
      const { json } = await new Client(t.baseUrl).post('/api/check/reports', report);
      const id: string = json.id;
      for (const variant of [id.toLowerCase(), id.replace('-', ''), id.replace('-', '').toLowerCase(), ` ${id} `.replace(/ /g, '%20')]) {
        const res = await admin.get(`/api/check/reports/${variant}`);
        expect(res.status, variant).toBe(200);
        expect(res.json.id).toBe(id);
      }
    });

    it('refuses wrong types, unknown fields, a client-chosen verdict and oversized input with a clear 400', async () => {
      const anon = new Client(t.baseUrl);
      const cases: [unknown, RegExp][] = [
        [{ ...report, camera: { status: 'great', detail: '' } }, /body\.camera\.status/],
        [{ ...report, uploadKbps: 'fast' }, /body\.uploadKbps/],
        [{ ...report, microphone: { ...report.microphone, peakLevel: 3 } }, /body\.microphone\.peakLevel/],
        [{ ...report, overall: 'pass' }, /unknown field\(s\): overall/],
        [{ ...report, camera: { ...report.camera, secret: 1 } }, /unknown field\(s\): secret/],
        [{ ...report, camera: { status: 'pass', detail: 'x'.repeat(301) } }, /body\.camera\.detail/],
        [{ ...report, diagnostics: { ...report.diagnostics, userAgent: 'x'.repeat(513) } }, /body\.diagnostics\.userAgent/],
        [{ ...report, diagnostics: undefined }, /body\.diagnostics/],
        [[], /body/],
      ];
      for (const [body, message] of cases) {
        const res = await anon.post('/api/check/reports', body);
        expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(res.json.error.code).toBe('validation_failed');
        expect(res.json.error.message).toMatch(message);
        expect(leaksInternals(res.text)).toBe(false);
      }
      const notJson = await anon.post('/api/check/reports', '{"camera":');
      expect(notJson.status).toBe(400);
      expect(notJson.json.error.code).toBe('invalid_json');
      const huge = await anon.post('/api/check/reports', { ...report, padding: 'x'.repeat(2 * MB) });
      expect(huge.status).toBe(413);
      expect(leaksInternals(huge.text)).toBe(false);
    });
  });

  describe('bandwidth', () => {
    const octets = (n: number) => new Uint8Array(n);

    it('counts and drops an upload of up to 2 MB', async () => {
      for (const n of [1, MB, 2 * MB]) {
        const res = await raw('/api/check/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: octets(n) });
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(await res.json()).toEqual({ bytes: n });
      }
    });

    it('refuses an upload over 2 MB, declared or streamed, and anything but octet-stream', async () => {
      const declared = await raw('/api/check/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: octets(2 * MB + 1) });
      expect(declared.status).toBe(413);
      expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');

      // Chunked, with no Content-Length: the limit holds while the bytes arrive.
      const chunk = octets(256 * 1024);
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= 3 * MB) return controller.close();
          sent += chunk.length;
          controller.enqueue(chunk);
        },
      });
      const streamed = await raw('/api/check/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: stream, duplex: 'half' } as RequestInit);
      expect(streamed.status).toBe(413);

      const json = await new Client(t.baseUrl).post('/api/check/upload', { bytes: 5 });
      expect(json.status).toBe(415);
      expect(json.json.error.message).toMatch(/application\/octet-stream/);
      expect((await raw('/api/check/upload', { method: 'POST' })).status).toBe(415);
    });

    it('sends N random bytes, never cached', async () => {
      const res = await raw('/api/check/download?bytes=100000');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(bytes.length).toBe(100_000);
      // Random, so incompressible: every byte value turns up.
      expect(new Set(bytes).size).toBe(256);
      expect((await (await raw(`/api/check/download?bytes=${2 * MB}`)).arrayBuffer()).byteLength).toBe(2 * MB);
    });

    it('answers a bad size with a clear 400', async () => {
      for (const query of [`bytes=${2 * MB + 1}`, 'bytes=0', 'bytes=-5', 'bytes=1.5', 'bytes=lots', '', 'bytes=10&extra=1']) {
        const res = await raw(`/api/check/download?${query}`);
        expect(res.status, query).toBe(400);
        const text = await res.text();
        expect(JSON.parse(text).error.code, query).toBe('validation_failed');
        expect(leaksInternals(text)).toBe(false);
      }
    });
  });
});

describeEachBackend('connectivity self-test without TURN', ({ db }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db().database, { ice: { stunUrls: ['stun:stun.example.test:3478'], turnUrls: [], turnSecret: undefined, turnTtlSeconds: 3600, transportPolicy: 'all' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('says why there is no relay to test', async () => {
    const res = await new Client(t.baseUrl).get('/api/check/ice-servers');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ stunUrls: ['stun:stun.example.test:3478'], turn: null });
    expect(res.json.turnUnavailable).toMatch(/relay/i);
  });

  it('limits each address to a few dozen credentials a minute', async () => {
    const anon = new Client(t.baseUrl);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await anon.get('/api/check/ice-servers')).status);
    expect(statuses.filter((s) => s === 200).length).toBe(29); // one was spent by the test above
    const limited = await anon.get('/api/check/ice-servers');
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('rate_limited');
  });
});

describeEachBackend('connectivity self-test on a site with no STUN or TURN', ({ db }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db().database, { ice: { stunUrls: [], turnUrls: [], turnSecret: undefined, turnTtlSeconds: 3600, transportPolicy: 'all' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("does not count the site's missing STUN and relay against the user: a report with nothing else wrong passes", async () => {
    const skipped = { status: 'skipped', detail: 'Not set up on this site.' };
    const body = { ...report, stun: { ...skipped, publicAddressSeen: false, ms: null }, turnUdp: { ...skipped, ms: null }, turnTcp: { ...skipped, ms: null } };
    const res = await new Client(t.baseUrl).post('/api/check/reports', body);
    expect(res.status, res.text).toBe(201);
    expect(res.json.overall).toBe('pass');
    const withProblem = await new Client(t.baseUrl).post('/api/check/reports', { ...body, speaker: { status: 'fail', detail: 'You did not hear the test sound.' } });
    expect(withProblem.json.overall).toBe('warn');
  });
});
