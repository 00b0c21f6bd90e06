import { customType } from 'drizzle-orm/pg-core';

/** Raw bytes as received (webhook bodies, recordings' metadata): PostgreSQL `bytea`. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });
