import type { FastifyInstance } from 'fastify';

/** The service worker and the Workbox runtime it imports (vite-plugin-pwa's output, decision 072). */
const workerScript = /^\/(sw|workbox-[\w-]+)\.js$/;

/**
 * A worker runs under the policy its script is served with: our own scripts and requests, nothing from elsewhere (the
 * API's `default-src 'none'` would stop it fetching anything).
 */
const workerCsp = "default-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'";

/**
 * Headers of the installable app's files: the service worker is revalidated on every check (`no-cache`), so a new
 * version is found at once and never held for the static files' hour; the manifest gets its registered type.
 */
export function installInstallableApp(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    const pathname = request.url.split('?')[0] ?? '';
    if (workerScript.test(pathname) && reply.statusCode === 200) {
      reply.header('cache-control', 'no-cache').header('content-security-policy', workerCsp).header('service-worker-allowed', '/');
    } else if (pathname === '/manifest.webmanifest' && reply.statusCode === 200) {
      reply.header('content-type', 'application/manifest+json; charset=utf-8').header('cache-control', 'no-cache');
    }
    done(null, payload);
  });
}
