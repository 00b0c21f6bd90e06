import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { setLtiSessionCookie } from './lti.deeplink.routes';

/** Decision 057: an LTI session must work inside the LMS's iframe (a third-party context) on https. */
describe('the session cookie of an LTI launch', () => {
  async function cookieOf(secure: boolean) {
    const app = Fastify();
    await app.register(cookie);
    app.get('/', async (_request, reply) => {
      setLtiSessionCookie(reply, { token: 'tok', expiresAt: new Date('2030-01-01T00:00:00Z') }, secure);
      return reply.send('ok');
    });
    const res = await app.inject({ method: 'GET', url: '/' });
    await app.close();
    return String(res.headers['set-cookie']);
  }

  it('is SameSite=None; Secure; Partitioned on https', async () => {
    const c = await cookieOf(true);
    expect(c).toMatch(/^tl_session=tok;/);
    expect(c).toContain('SameSite=None');
    expect(c).toContain('Secure');
    expect(c).toContain('Partitioned');
    expect(c).toContain('HttpOnly');
  });

  it('stays Lax on plain http (the simulator on loopback, the same site as the tool)', async () => {
    const c = await cookieOf(false);
    expect(c).toContain('SameSite=Lax');
    expect(c).not.toContain('Partitioned');
  });
});
