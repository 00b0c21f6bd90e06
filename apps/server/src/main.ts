import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig, startupWarnings } from './config';
import { DataDirLockedError } from './platform/db/lock';

// Boot only: load config, build the app, listen, and shut down gracefully.
async function main() {
  const config = loadConfig();
  // The app (every module, Fastify, the database drivers) is loaded only once the configuration is good: a bad one is
  // refused in well under a second instead of after seconds of loading.
  const [{ buildApp }, { isDatabaseUnavailable }, { demoLogins }] = await Promise.all([import('./app'), import('./platform/db'), import('./seed/demo')]);
  const app = await buildApp(config);
  let fatal: unknown;
  let closing = false;
  // The grace covers the drain too: a node behind a load balancer first drains, then closes within SHUTDOWN_GRACE_MS.
  const closer = closeWithGrace({ delay: config.drainDelayMs + config.shutdownGraceMs, skip: ['uncaughtException', 'unhandledRejection'] }, async ({ signal }) => {
    closing = true;
    if (fatal) app.logger.error({ err: fatal }, 'shutting down after an error');
    else if (config.drainDelayMs > 0) {
      // /readyz answers 503 at once; requests are served until the balancer's health check has taken the node out.
      app.drain();
      app.logger.info({ event: 'draining', signal, drainDelayMs: config.drainDelayMs }, `draining for ${config.drainDelayMs} ms before shutting down`);
      await new Promise((resolve) => setTimeout(resolve, config.drainDelayMs));
      app.logger.info({ event: 'shutdown', signal }, 'shutting down');
    } else app.logger.info({ event: 'shutdown', signal }, 'shutting down');
    await app.close();
    if (fatal) process.exit(1);
  });
  // A stray failure because the database went away (a failover, a killed connection) fails what it was part of, not
  // the process: every other request and every other node's work goes on. Anything else is a bug: shut down.
  const onFatal = (err: unknown) => {
    if (isDatabaseUnavailable(err)) {
      app.logger.error({ err, event: 'database_unavailable', unhandled: true }, 'an unhandled database failure; the server keeps running');
      return;
    }
    // A second error, or one while already shutting down: no more grace.
    if (closing || fatal) {
      app.logger.error({ err }, 'another error while shutting down');
      process.exit(1);
    }
    fatal = err;
    void closer.close();
  };
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  const address = await app.listen();
  for (const w of startupWarnings(config)) app.logger.warn({ event: w.event }, w.message);
  // The demo password is public (README): printed only where demo data may exist at all.
  if (config.env === 'development' && config.seedDemo) {
    app.logger.info({ event: 'demo_logins', ...demoLogins }, `Demo logins (password "${demoLogins.password}"): ${demoLogins.admin}, ${demoLogins.staff}, ${demoLogins.tutors}, ${demoLogins.students}`);
  }
  app.logger.info({ event: 'listening', address, database: app.database.kind, redis: Boolean(config.redisUrl) }, `Tutorline is running at ${config.publicUrl}`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    process.stderr.write(`\n${err.message}\n\n`);
    process.exit(78);
  }
  process.stderr.write(`Tutorline failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
