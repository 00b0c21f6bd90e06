/**
 * LTI 1.3 launches per second through the real routes (issue #16), as a ratio to our ordinary password log-in in the
 * same run. The app (bench/lti-app.ts) runs in its own process on in-memory PGlite;
 * this process is the platform: it serves its JWKS on loopback and signs each id_token with the nonce the tool sent.
 *
 * One launch = POST /lti/login (third-party login initiation; the tool stores state and nonce, sets the state cookie
 * and redirects) → the platform signs an RS256 id_token for that nonce → POST /lti/launch (form_post: state and cookie
 * checked, signature and every claim validated, nonce consumed once, account, course and membership written, a session
 * created) → 302 with the session cookie. The baseline is POST /api/auth/login (argon2id) → 200 with the session cookie.
 * Learners relaunch (a pool of BENCH_LTI_USERS, created by a warm-up pass that takes each one's first launch through
 * "Continue as a new user", decision 057), as students do every day.
 *
 * Both run closed-loop with BENCH_CONCURRENCY requests in flight for BENCH_SECONDS each, alternating twice; the
 * figure is the median of the rounds. The tool limits /lti/login and /lti/launch to 300 a minute per address, so the
 * clients spread over 127.0.0.2–127.0.0.65 (loopback) and the limits stay on. Target: ratio ≥ 0.5, better 'higher'.
 * ok also needs every answer of both to be the expected success.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { envInt, freePort, machineInfo, median, onCleanup, ratio, report, round, runBench, startChildServer } from './lib';

const NAME = 'lti';
const TARGET = 0.5;
const MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function main() {
  const machine = machineInfo();
  const seconds = envInt('BENCH_SECONDS', 8);
  const concurrency = envInt('BENCH_CONCURRENCY', 8);
  const nUsers = envInt('BENCH_LTI_USERS', 200);
  console.log(`lti: ${machine.cpus} × ${machine.cpuModel}, ${machine.node}, load ${machine.loadAvg.join(' ')}; this process (the platform and the clients) and the app share the CPUs.`);

  // The platform: its key and JWKS on loopback.
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const kid = 'bench-platform-key';
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] });
  const platform = http.createServer((req, res) => (req.url === '/jwks' ? res.writeHead(200, { 'content-type': 'application/json' }).end(jwks) : res.writeHead(404).end()));
  await new Promise<void>((r) => platform.listen(0, '127.0.0.1', r));
  onCleanup(() => new Promise<void>((r) => platform.close(() => r())));
  const issuer = `http://127.0.0.1:${(platform.address() as AddressInfo).port}`;
  const clientId = 'bench-client';
  const deploymentId = 'bench-deployment';

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const email = 'bench.student@example.test';
  const password = 'correct horse battery staple bench';
  const app = await startChildServer('lti-app', 'lti-app.ts', {
    startTimeoutMs: 600_000,
    env: {
      PORT: String(port),
      BENCH_LTI_PLATFORM: JSON.stringify({ name: 'Bench LMS', issuer, clientId, deploymentIds: [deploymentId], authLoginUrl: `${issuer}/auth`, accessTokenUrl: `${issuer}/token`, keysetUrl: `${issuer}/jwks` }),
      BENCH_LOGIN_EMAIL: email,
      BENCH_LOGIN_PASSWORD: password,
    },
  });
  if (app.url !== base) throw new Error(`app listens on ${app.url}, expected ${base}`);

  // One keep-alive agent per loopback source address.
  const agents = Array.from({ length: 64 }, (_, i) => new http.Agent({ keepAlive: true, localAddress: `127.0.0.${i + 2}` }));
  onCleanup(() => agents.forEach((a) => a.destroy()));
  let next = 0;
  const send = (method: string, path: string, headers: Record<string, string>, body: string) =>
    new Promise<Answer>((resolve, reject) => {
      const agent = agents[next++ % agents.length]!;
      const req = http.request({ agent, host: '127.0.0.1', port, method, path, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      });
      req.setTimeout(30_000, () => req.destroy(new Error('timeout after 30 s')));
      req.on('error', reject);
      req.end(body);
    });
  const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
  const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };

  /** The OIDC login initiation and the form post of one launch; null when the login initiation itself failed. */
  const launchRequest = async (user: number) => {
    const sub = `bench-learner-${user}`;
    const login = await send('POST', '/lti/login', formHeaders, form({ iss: issuer, login_hint: sub, target_link_uri: `${base}/lti/launch`, client_id: clientId, lti_deployment_id: deploymentId }));
    if (login.status !== 302) return null;
    const auth = new URL(String(login.headers.location));
    const stateCookie = (login.headers['set-cookie'] ?? []).find((c) => c.startsWith('tl_lti_'))?.split(';')[0];
    const nonce = auth.searchParams.get('nonce');
    const state = auth.searchParams.get('state');
    if (!stateCookie || !nonce || !state) return null;
    const now = Math.floor(Date.now() / 1000);
    const idToken = await new SignJWT({
      nonce,
      name: `Learner ${user}`,
      'https://purl.imsglobal.org/spec/lti/claim/deployment_id': deploymentId,
      'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiResourceLinkRequest',
      'https://purl.imsglobal.org/spec/lti/claim/version': '1.3.0',
      'https://purl.imsglobal.org/spec/lti/claim/target_link_uri': `${base}/lti/launch`,
      'https://purl.imsglobal.org/spec/lti/claim/roles': [`${MEMBERSHIP}#Learner`],
      'https://purl.imsglobal.org/spec/lti/claim/context': { id: 'bench-course', title: 'Bench course', label: 'BENCH' },
      'https://purl.imsglobal.org/spec/lti/claim/resource_link': { id: 'bench-link', title: 'Tutorline' },
    })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setSubject(sub)
      .setAudience(clientId)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(privateKey);
    return send('POST', '/lti/launch', { ...formHeaders, cookie: stateCookie, origin: 'null' }, form({ id_token: idToken, state }));
  };
  const landedInCourse = (done: Awaited<ReturnType<typeof send>>) =>
    done.status === 302 && String(done.headers.location).startsWith('/courses/') && (done.headers['set-cookie'] ?? []).some((c) => c.startsWith('tl_session=') && !c.startsWith('tl_session=;'));
  /** A returning learner's launch: straight into the course with a session (what is timed). */
  const launch = async (user: number): Promise<boolean> => {
    const done = await launchRequest(user);
    return done !== null && landedInCourse(done);
  };
  /**
   * A learner's first launch (decision 057): the tool creates nothing and offers "I already have an account" or
   * "Continue as a new user"; the warm-up takes the second, which creates the account, link and membership.
   */
  const firstLaunch = async (user: number): Promise<boolean> => {
    const offer = await launchRequest(user);
    const token = offer?.status === 200 ? /name="token" value="([^"]+)"/.exec(offer.body)?.[1] : undefined;
    if (!token) return false;
    return landedInCourse(await send('POST', '/lti/link/new', { ...formHeaders, origin: 'null' }, form({ token })));
  };
  const passwordLogin = async (): Promise<boolean> => {
    const r = await send('POST', '/api/auth/login', { 'content-type': 'application/json' }, JSON.stringify({ email, password }));
    return r.status === 200 && (r.headers['set-cookie'] ?? []).some((c) => c.startsWith('tl_session='));
  };

  /** Closed loop: `concurrency` workers, each starting its next request when its last one answers, for `seconds`. */
  const run = async (label: string, one: (i: number) => Promise<boolean>) => {
    let okCount = 0;
    let bad = 0;
    let i = 0;
    const deadline = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const good = await one(i++ % nUsers).catch(() => false);
          if (good) okCount += 1;
          else bad += 1;
        }
      }),
    );
    const rps = round(okCount / ((performance.now() - t0) / 1000), 1);
    console.log(`${label.padEnd(24)} ${String(rps).padStart(7)} per second  (${okCount} ok, ${bad} failed)`);
    return { rps, ok: okCount, bad };
  };

  // Warm-up: every learner's first launch (creates the account, link and membership), and a few log-ins.
  let warm = 0;
  for (let u = 0; u < nUsers; u += concurrency) warm += (await Promise.all(Array.from({ length: Math.min(concurrency, nUsers - u) }, (_, k) => firstLaunch(u + k)))).filter(Boolean).length;
  for (let k = 0; k < 4; k++) await passwordLogin();
  console.log(`warm-up: ${warm}/${nUsers} first launches created their accounts`);

  const rounds: { login: Awaited<ReturnType<typeof run>>; lti: Awaited<ReturnType<typeof run>> }[] = [];
  for (let r = 0; r < 2; r++) {
    const login = await run(`password log-in (${r + 1})`, () => passwordLogin());
    const lti = await run(`LTI launch (${r + 1})`, (u) => launch(u));
    rounds.push({ login, lti });
  }
  const loginRps = median(rounds.map((r) => r.login.rps));
  const ltiRps = median(rounds.map((r) => r.lti.rps));
  const failures = rounds.reduce((s, r) => s + r.login.bad + r.lti.bad, 0) + (nUsers - warm);
  const headline = ratio(ltiRps, loginRps);
  console.log(`launches ${ltiRps}/s vs password log-ins ${loginRps}/s: ratio ${headline}`);
  report({
    bench: NAME,
    ratio: headline,
    better: 'higher',
    target: TARGET,
    ok: failures === 0,
    launchesPerSecond: ltiRps,
    passwordLoginsPerSecond: loginRps,
    failures,
    rounds: rounds.map((r) => ({ loginRps: r.login.rps, ltiRps: r.lti.rps })),
    seconds,
    concurrency,
    learners: nUsers,
    database: 'pglite-memory',
    machine,
  });
}

await runBench(NAME, main);
