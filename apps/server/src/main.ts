import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { ConfigError, loadConfig, startupWarnings } from './config';
import { DataDirLockedError } from './platform/db/lock';
import { demoLogins } from './seed/demo';

// Boot only: load config, build the app, listen, and shut down gracefully.
async function main() {
  const config = loadConfig();
  const app = await buildApp(config);
  closeWithGrace({ delay: config.shutdownGraceMs }, async ({ signal, err }) => {
    if (err) app.logger.error({ err }, 'shutting down after an error');
    else app.logger.info({ event: 'shutdown', signal }, 'shutting down');
    await app.close();
  });
  const address = await app.listen();
  for (const w of startupWarnings(config)) app.logger.warn({ event: w.event }, w.message);
  // The demo password is public (README): printed only where demo data may exist at all.
  if (config.env === 'development' && config.seedDemo) {
    app.logger.info({ event: 'demo_logins', ...demoLogins }, `Demo logins (password "${demoLogins.password}"): ${demoLogins.admin}, ${demoLogins.tutors}, ${demoLogins.students}`);
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
