import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/db/columns';
import { users } from '../identity/identity.schema';

/** whatsapp: the tables this module owns. Only this module's *.repo.ts queries them; another module's schema may reference them for a foreign key. */

// whatsapp: numbers, their conversations, the durable inbox of provider deliveries and the outbound log

/** One row per WhatsApp number we have heard from (or linked): who it is, its conversation state, its service window. */
export const waContacts = pgTable('wa_contacts', {
  waId: text('wa_id').primaryKey(),
  userId: uuid('user_id').references(() => users.id),
  profileName: text('profile_name'),
  /** The conversation machine's state (modules/whatsapp/conversation/student.state.ts), as stored JSON. */
  state: jsonb('state').$type<Record<string, unknown>>().notNull().default({ name: 'idle' }),
  stateUpdatedAt: timestamp('state_updated_at', { withTimezone: true }).notNull(),
  /** Bumped on every state change: updates are conditional on it, so two deliveries at once cannot both move the state. */
  version: integer('version').notNull().default(0),
  /** A report being made from WhatsApp (#20, conversation/report.machine.ts), beside the role's conversation; null: none. */
  reportFlow: jsonb('report_flow').$type<Record<string, unknown>>(),
  /** The last message from the user: free-form replies are allowed for 24 hours after it. */
  lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [uniqueIndex('wa_contacts_user_key').on(t.userId)]);

/**
 * A webhook POST's body exactly as received (the bytes its signature covers), kept when it brought something new or
 * something we could not read; its events are wa_inbox rows pointing here.
 */
export const waDeliveries = pgTable('wa_deliveries', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  provider: text('provider', { enum: ['cloud', 'gupshup'] }).notNull(),
  rawBody: bytea('raw_body').notNull(),
  /** Messages or statuses in it that were malformed and skipped (the rest were stored). */
  skipped: integer('skipped').notNull().default(0),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
});

/** Every provider delivery we accepted, once per provider id (message) or per (id, status): repeats are dropped here. */
export const waInbox = pgTable(
  'wa_inbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    provider: text('provider', { enum: ['cloud', 'gupshup'] }).notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    /** The parsed event, its text cleaned (platform/clean-text.ts) so jsonb can hold it. */
    event: jsonb('event').$type<Record<string, unknown>>().notNull(),
    /** The POST it came in (null for rows stored before deliveries were kept). */
    deliveryId: bigint('delivery_id', { mode: 'number' }).references(() => waDeliveries.id),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('wa_inbox_dedupe_key').on(t.dedupeKey)],
);

/** Messages we send: one row per logical message (idempotency key), with the provider's delivery status. */
export const waMessages = pgTable(
  'wa_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    waId: text('wa_id').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    kind: text('kind').notNull(),
    /** What the message is about (a question id for tutor alerts), to find them again ("already taken"). */
    ref: text('ref'),
    body: jsonb('body').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['queued', 'accepted', 'sent', 'delivered', 'read', 'failed'] }).notNull().default('queued'),
    providerMessageId: text('provider_message_id'),
    attempts: integer('attempts').notNull().default(0),
    error: jsonb('error').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('wa_messages_idempotency_key').on(t.idempotencyKey),
    uniqueIndex('wa_messages_provider_id_key').on(t.providerMessageId),
    index('wa_messages_failed_idx').on(t.status, t.updatedAt),
    index('wa_messages_ref_idx').on(t.kind, t.ref),
    index('wa_messages_created_idx').on(t.createdAt),
  ],
);

/** One-time codes that link a WhatsApp number to a web account (sent on WhatsApp and typed on the web, or the other way). */
export const waLinkCodes = pgTable(
  'wa_link_codes',
  {
    /**
     * HMAC-SHA256 (under the server's signing secret) of "<origin>:<code>": codes are stored and looked up only as
     * this, so neither the table nor the index's timing says anything about a code. Deleted on use and by a sweep.
     */
    codeHash: text('code_hash').primaryKey(),
    /** 'web': made for a logged-in user, sent from WhatsApp. 'whatsapp': made for a number, typed on the web. */
    origin: text('origin', { enum: ['web', 'whatsapp'] }).notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    waId: text('wa_id'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('wa_link_codes_user_idx').on(t.userId), index('wa_link_codes_wa_idx').on(t.waId), index('wa_link_codes_expires_idx').on(t.expiresAt)],
);

/** Tries at a link code, counted per account, per client IP and per WhatsApp number in fixed windows (shared by every node). */
export const waLinkAttempts = pgTable('wa_link_attempts', {
  /** 'user:<id>', 'ip:<address>' or 'wa:<number>'. */
  key: text('key').primaryKey(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  attempts: integer('attempts').notNull(),
});
