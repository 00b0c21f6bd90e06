import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, countUsers, relaxedLogin, signUpStudent, startTestApp, type TestApp, testPassword, uniqueEmail } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';

/** Issue #13.7, decision 021: the password rule on sign-up and on a password change. */
describeEachBackend('identity: weak passwords are refused', ({ db }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin });
  });
  afterAll(async () => {
    await t?.close();
  });

  const signUp = (password: string, over: Record<string, string> = {}) =>
    new Client(t.baseUrl).post('/api/auth/signup', { role: 'student', email: uniqueEmail('weak'), password, displayName: 'Meera Iyer', birthDate: '2000-01-01', ...over });

  it.each([
    ['1234567890', /is one of the most common passwords/],
    ['password1', /^must be at least 10 characters\. \S/],
    ['qwertyuiop', /is one of the most common passwords/],
    ['aaaaaaaaaaaa', /is too easy to guess/],
  ])('refuses %j at sign-up with a 400 naming body.password and a hint, creating nothing', async (password, why) => {
    const before = await countUsers(t.app.database);
    // "password1" is 9 characters: the schema's length rule answers first, on the same field, with its own hint.
    const res = await signUp(password);
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    const [field] = res.json.error.details.fields;
    expect(field.path).toBe('body.password');
    expect(field.message).toMatch(why);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await countUsers(t.app.database)).toBe(before);
  });

  it('refuses a long common password ("password1234") as common, with a hint of what to do', async () => {
    const res = await signUp('password1234');
    expect(res.status).toBe(400);
    const [field] = res.json.error.details.fields;
    expect(field).toEqual({ path: 'body.password', message: expect.stringMatching(/^is one of the most common passwords\. \S.+/) });
    expect(res.json.error.message).toBe(`body.password ${field.message}`);
  });

  it("refuses the user's own email or name as their password", async () => {
    const email = uniqueEmail('meera.iyer');
    const own = await signUp(email, { email });
    expect(own.status).toBe(400);
    expect(own.json.error.details.fields[0]).toMatchObject({ path: 'body.password', message: expect.stringMatching(/^must not be your name or email\./) });

    const name = await signUp('Meera Lakshmi Iyer', { displayName: 'Meera Lakshmi Iyer' });
    expect(name.status).toBe(400);
    expect(name.json.error.details.fields[0].message).toMatch(/must not be your name or email/);
    const squashed = await signUp('meeralakshmiiyer', { displayName: 'Meera Lakshmi Iyer' });
    expect(squashed.status).toBe(400);
  });

  it('accepts a strong password (a few unrelated words)', async () => {
    const res = await signUp('violet kettle under the stairs');
    expect(res.status, res.text).toBe(201);
    expect((await signUp(testPassword)).status).toBe(201);
  });

  it('applies the same rule to a password change, naming body.newPassword, and changes nothing', async () => {
    const client = new Client(t.baseUrl);
    const { email } = await signUpStudent(client);
    const weak = await client.post('/api/me/password', { currentPassword: testPassword, newPassword: '1234567890' });
    expect(weak.status).toBe(400);
    expect(weak.json.error.details.fields[0]).toMatchObject({ path: 'body.newPassword', message: expect.stringMatching(/most common passwords/) });
    const ownEmail = await client.post('/api/me/password', { currentPassword: testPassword, newPassword: email });
    expect(ownEmail.json.error.details.fields[0]).toMatchObject({ path: 'body.newPassword', message: expect.stringMatching(/your name or email/) });
    // Nothing changed: the old password still logs in, and the session was not revoked.
    expect((await client.get('/api/me')).status).toBe(200);
    await new Client(t.baseUrl).logIn(email, testPassword);

    expect((await client.post('/api/me/password', { currentPassword: testPassword, newPassword: 'orange lantern by the river' })).status).toBe(204);
  });
});
