import { randomBytes } from 'node:crypto';

/**
 * The environment of a test cluster's nodes (cluster.int, cluster-faults.int): a test server with no demo data and no
 * SFU, fast waves, limits out of the way of many logins from one address, and one signing secret shared by the nodes.
 * `own` adds or overrides (the database, Redis, the data folder, drain and pool settings).
 */
export function clusterNodeEnv(own: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TZ: 'UTC',
    NODE_ENV: 'test',
    SEED_DEMO: 'false',
    SFU: 'off',
    LOG_LEVEL: 'info',
    HELP_FIRST_WAVE: '20',
    HELP_WAVE_SECONDS: '0.5',
    LOGIN_MAX_PER_IP: '10000',
    BILLING_ENFORCE_ENTITLEMENTS: 'false',
    SIGNING_SECRET: randomBytes(32).toString('base64url'),
    ...own,
  };
}
