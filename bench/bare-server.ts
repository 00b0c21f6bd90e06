/**
 * The baseline for HTTP benchmarks: a bare Fastify 5 route with logging off, in its own process.
 * Prints `LISTENING <url>` once ready. PORT (default 0) picks the port; it always binds to 127.0.0.1.
 */
import Fastify from 'fastify';
import { serveUntilStopped } from './lib';

const app = Fastify({ logger: false });
app.get('/bare', async () => ({
  id: '0b6f1f2e-6a55-4d8a-9a57-3f7c1d2e4b10',
  role: 'student',
  email: 'student@example.test',
  displayName: 'Test Student',
}));

const url = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
serveUntilStopped(url, () => app.close());
