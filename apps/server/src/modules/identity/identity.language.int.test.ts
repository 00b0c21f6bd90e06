import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, signUpStudent, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';

// The interface language is remembered on the account (issue #21): chosen at sign-up, changed in settings.
describeEachBackend('identity: the interface language', ({ db }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db().database);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is English unless chosen at sign-up, and Hindi when chosen', async () => {
    const plain = new Client(t.baseUrl);
    await signUpStudent(plain);
    expect((await plain.get('/api/me')).json).toMatchObject({ language: 'en' });

    const hindi = new Client(t.baseUrl);
    const s = await signUpStudent(hindi, { language: 'hi' });
    expect(s.user).toMatchObject({ language: 'hi' });
    expect((await hindi.get('/api/me')).json).toMatchObject({ language: 'hi' });
  });

  it('is changed in settings; a language the interface does not speak is refused and changes nothing', async () => {
    const client = new Client(t.baseUrl);
    await signUpStudent(client, { language: 'hi' });
    const bad = await client.patch('/api/me', { language: 'xx' });
    expect(bad.status).toBe(400);
    expect((await client.get('/api/me')).json).toMatchObject({ language: 'hi' });

    const changed = await client.patch('/api/me', { language: 'en' });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ language: 'en' });
    expect((await client.get('/api/me')).json).toMatchObject({ language: 'en' });
  });

  it('refuses an unknown language at sign-up', async () => {
    const client = new Client(t.baseUrl);
    const res = await client.post('/api/auth/signup', { role: 'student', email: 'lang-bad@example.test', password: 'correct horse battery staple 9', displayName: 'S', birthDate: '2000-01-01', language: 'fr' });
    expect(res.status).toBe(400);
  });
});
