import { execFileSync } from 'node:child_process';
import { createECDH, createPublicKey, type ECDH, randomBytes, randomUUID, verify } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { decrypt } from 'http_ece';

/**
 * A push service on loopback for tests (#21): the receiving side of Web Push, as a browser vendor's service runs it.
 * RFC 8030: a push is a POST to the subscription's endpoint with a TTL header (required) and an optional Urgency and
 * Topic; it is answered 201 Created with a Location. RFC 8292: the Authorization header's VAPID JWT is checked (ES256
 * under the k= key, audience = this origin, expiry within 24 h). RFC 8291: the aes128gcm body is decrypted with the
 * subscription's own private key and auth secret, through http_ece (web-push-libs' implementation, the one web-push
 * encrypts with). A subscription can be made to answer 410 Gone, or a scripted status (5xx, 429) a number of times.
 * It speaks HTTPS, as every real push service does (web-push only posts over https), under a self-signed certificate
 * for 127.0.0.1 made with openssl: the app trusts it through `agent()` in-process, or NODE_EXTRA_CA_CERTS=`caFile`.
 */
export interface ReceivedPush {
  subscriptionId: string;
  ttl: number;
  urgency: string | null;
  topic: string | null;
  /** The VAPID public key that signed the request. */
  vapidKey: string;
  text: string;
  json: unknown;
}

export interface LocalSubscription {
  id: string;
  /** What a browser's PushSubscription.toJSON() gives, to register through the app's API. */
  json: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
  ecdh: ECDH;
}

export interface LocalPushService {
  url: string;
  /** The certificate (PEM) the service serves, to trust. */
  caFile: string;
  /** An agent that trusts the service's certificate, for the app's push sender. */
  agent(): https.Agent;
  subscribe(): LocalSubscription;
  /** The subscription is gone: every later push to it gets 410 Gone. */
  expire(id: string): void;
  /** The next `times` pushes to the subscription get `status` (a 500, a 429 with Retry-After…). */
  failNext(id: string, status: number, times: number): void;
  received(id?: string): ReceivedPush[];
  /** Every request that reached the service, with its answer, in order. */
  attempts(id?: string): { subscriptionId: string; status: number; why?: string }[];
  waitFor(id: string, count: number, timeoutMs?: number): Promise<ReceivedPush[]>;
  close(): Promise<void>;
}

const URGENCIES = new Set(['very-low', 'low', 'normal', 'high']);

/** Checks the VAPID Authorization header (RFC 8292 §2, §3): `vapid t=<jwt>, k=<p256 public key>`; returns the key or why not. */
function checkVapid(header: string | undefined, origin: string, nowSec: number): { ok: true; key: string } | { ok: false; why: string } {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!m) return { ok: false, why: 'no vapid authorization' };
  const [, jwt, k] = m as unknown as [string, string, string];
  const [h, p, s] = jwt.split('.');
  if (!h || !p || !s) return { ok: false, why: 'malformed jwt' };
  const head = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string };
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { aud?: string; exp?: number; sub?: string };
  if (head.alg !== 'ES256') return { ok: false, why: 'alg is not ES256' };
  const raw = Buffer.from(k, 'base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') }, format: 'jwk' });
  if (!verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))) return { ok: false, why: 'bad signature' };
  if (claims.aud !== origin) return { ok: false, why: `aud ${claims.aud} is not ${origin}` };
  if (!claims.exp || claims.exp <= nowSec || claims.exp > nowSec + 24 * 3600) return { ok: false, why: 'exp missing, past or beyond 24 h' };
  if (!claims.sub || !/^(mailto:|https:)/.test(claims.sub)) return { ok: false, why: 'sub is not mailto: or https:' };
  return { ok: true, key: k };
}

/** A throwaway self-signed P-256 certificate for 127.0.0.1, valid one day. */
function selfSignedCert(dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8'), certFile };
}

export async function startLocalPushService(): Promise<LocalPushService> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-push-service-'));
  const tls = selfSignedCert(dir);
  const subs = new Map<string, { ecdh: ECDH; auth: string; gone: boolean; scripted: number[] }>();
  const received: ReceivedPush[] = [];
  const attempts: { subscriptionId: string; status: number; why?: string }[] = [];
  let origin = '';

  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body = '', headers: Record<string, string> = {}) => {
        attempts.push({ subscriptionId: id, status, ...(status >= 400 && body ? { why: body } : {}) });
        res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(body);
      };
      const id = /^\/push\/([0-9a-f-]{36})$/.exec(req.url ?? '')?.[1] ?? '';
      const sub = subs.get(id);
      if (req.method !== 'POST') return answer(405);
      if (!sub) return answer(404, 'no such subscription');
      if (sub.gone) return answer(410, 'subscription expired');
      const scripted = sub.scripted.shift();
      if (scripted) return answer(scripted, 'scripted failure', scripted === 429 ? { 'retry-after': '1' } : {});
      const ttl = Number(req.headers.ttl);
      if (req.headers.ttl === undefined || !Number.isInteger(ttl) || ttl < 0) return answer(400, 'TTL header required (RFC 8030 §5.2)');
      const urgency = (req.headers.urgency as string | undefined) ?? null;
      if (urgency !== null && !URGENCIES.has(urgency)) return answer(400, 'bad Urgency');
      const vapid = checkVapid(req.headers.authorization, origin, Math.floor(Date.now() / 1000));
      if (!vapid.ok) return answer(401, vapid.why);
      if (req.headers['content-encoding'] !== 'aes128gcm') return answer(415, 'content-encoding must be aes128gcm');
      let text: string;
      try {
        text = decrypt(Buffer.concat(chunks), { version: 'aes128gcm', privateKey: sub.ecdh, authSecret: sub.auth }).toString('utf8');
      } catch (err) {
        return answer(400, `cannot decrypt: ${(err as Error).message}`);
      }
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        // a text payload stays text
      }
      received.push({ subscriptionId: id, ttl, urgency, topic: (req.headers.topic as string | undefined) ?? null, vapidKey: vapid.key, text, json });
      answer(201, '', { location: `${origin}/message/${randomUUID()}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const onlyFor = <T extends { subscriptionId: string }>(rows: T[], id?: string) => (id ? rows.filter((r) => r.subscriptionId === id) : [...rows]);
  return {
    url: origin,
    caFile: tls.certFile,
    agent: () => new https.Agent({ ca: tls.cert }),
    subscribe() {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const id = randomUUID();
      const auth = randomBytes(16).toString('base64url');
      subs.set(id, { ecdh, auth, gone: false, scripted: [] });
      return { id, ecdh, json: { endpoint: `${origin}/push/${id}`, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth } } };
    },
    expire(id) {
      subs.get(id)!.gone = true;
    },
    failNext(id, status, times) {
      subs.get(id)!.scripted.push(...Array.from({ length: times }, () => status));
    },
    received: (id) => onlyFor(received, id),
    attempts: (id) => onlyFor(attempts, id),
    async waitFor(id, count, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (onlyFor(received, id).length < count) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${count} push(es) to ${id}; got ${onlyFor(received, id).length}; attempts ${JSON.stringify(onlyFor(attempts, id))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return onlyFor(received, id);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
