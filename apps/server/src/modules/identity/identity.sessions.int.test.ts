import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { Client, relaxedLogin, signUpStudent, startTestApp, type TestApp, testPassword } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { heartbeat, nextEvent, SocketPool } from '../../../test/sockets';

const newPassword = 'a brand new passphrase';

describeEachBackend('identity: password change and log-out end live sessions', ({ db }) => {
  let t: TestApp;
  const sockets = new SocketPool();
  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin });
  });
  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
  });

  it('refuses a wrong current password with 401 and changes nothing', async () => {
    const client = new Client(t.baseUrl);
    const { email } = await signUpStudent(client);
    const res = await client.post('/api/me/password', { currentPassword: 'not my password', newPassword });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('invalid_credentials');
    expect((await client.get('/api/me')).status).toBe(200);
    await new Client(t.baseUrl).logIn(email, testPassword);
    expect((await new Client(t.baseUrl).post('/api/auth/login', { email, password: newPassword })).status).toBe(401);
  });

  it('refuses a new password that is too short, naming body.newPassword', async () => {
    const client = new Client(t.baseUrl);
    await signUpStudent(client);
    const res = await client.post('/api/me/password', { currentPassword: testPassword, newPassword: 'short' });
    expect(res.status).toBe(400);
    expect(res.json.error.details.fields[0].path).toBe('body.newPassword');
  });

  it('on success revokes every session of the user and disconnects their live socket', async () => {
    const client = new Client(t.baseUrl);
    const { email, user } = await signUpStudent(client);
    const second = new Client(t.baseUrl);
    await second.logIn(email, testPassword);
    const bystander = new Client(t.baseUrl);
    await signUpStudent(bystander);

    const { socket, ready } = await sockets.connect(t.baseUrl, second.cookie);
    expect(ready).toMatchObject({ userId: user.id, role: 'student', recovered: false });
    const { socket: bystanderSocket } = await sockets.connect(t.baseUrl, bystander.cookie);
    const revoked = nextEvent<{ reason: string }>(socket, 'session:revoked');
    const disconnected = nextEvent<string>(socket, 'disconnect');

    const oldCookie = client.cookie;
    const res = await client.post('/api/me/password', { currentPassword: testPassword, newPassword });
    expect(res.status).toBe(204);

    expect(await revoked).toEqual({ reason: 'password_changed' });
    expect(await disconnected).toBe('io server disconnect');

    client.cookie = oldCookie;
    for (const c of [client, second]) {
      const me = await c.get('/api/me');
      expect(me.status).toBe(401);
      expect(me.json.error.code).toBe('unauthenticated');
    }
    // A revoked cookie cannot open a new socket either.
    const retry = sockets.open(t.baseUrl, { cookie: second.cookie });
    expect((await nextEvent<Error>(retry, 'connect_error')).message).toBe('unauthenticated');

    // Someone else's socket is untouched.
    expect(bystanderSocket.connected).toBe(true);
    expect(await heartbeat(bystanderSocket)).toMatchObject({ ok: true });

    expect((await new Client(t.baseUrl).post('/api/auth/login', { email, password: testPassword })).status).toBe(401);
    const fresh = new Client(t.baseUrl);
    await fresh.logIn(email, newPassword);
    expect((await fresh.get('/api/me')).json.id).toBe(user.id);
  });

  it("log-out disconnects that session's socket but not the same user's other session", async () => {
    const laptop = new Client(t.baseUrl);
    const { email, user } = await signUpStudent(laptop);
    const phone = new Client(t.baseUrl);
    await phone.logIn(email, testPassword);

    const { socket: laptopSocket } = await sockets.connect(t.baseUrl, laptop.cookie);
    const { socket: phoneSocket, ready } = await sockets.connect(t.baseUrl, phone.cookie);
    expect(ready.userId).toBe(user.id);
    const revoked = nextEvent<{ reason: string }>(laptopSocket, 'session:revoked');
    const disconnected = nextEvent<string>(laptopSocket, 'disconnect');

    expect((await laptop.post('/api/auth/logout')).status).toBe(204);
    expect(await revoked).toEqual({ reason: 'logout' });
    expect(await disconnected).toBe('io server disconnect');

    // The revocation was delivered before we got here; the phone's socket still answers.
    expect(phoneSocket.connected).toBe(true);
    expect(await heartbeat(phoneSocket)).toMatchObject({ ok: true });
    expect((await phone.get('/api/me')).status).toBe(200);
    expect(t.app.realtime.localOnlineUserIds()).toContain(user.id);
  });
});
