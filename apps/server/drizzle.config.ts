import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  // Each module owns its tables in modules/<module>/<module>.schema.ts; the jobs table is the platform's.
  schema: ['./apps/server/src/modules/*/*.schema.ts', './apps/server/src/platform/jobs.schema.ts'],
  out: './apps/server/drizzle',
});
