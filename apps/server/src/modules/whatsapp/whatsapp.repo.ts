import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { waContacts, waDeliveries, waInbox, waLinkAttempts, waLinkCodes, waMessages } from './whatsapp.schema';

export type ContactRow = typeof waContacts.$inferSelect;
export type InboxRow = typeof waInbox.$inferSelect;
export type WaMessageRow = typeof waMessages.$inferSelect;

/** Delivery statuses only move forward; 'failed' ends a message wherever it was. */
const statusRank: Record<WaMessageRow['status'], number> = { queued: 0, accepted: 1, sent: 2, delivered: 3, read: 4, failed: 5 };

export function createWhatsAppRepo(db: Db) {
  return {
    db,
    // ---- inbox ----
    /** A webhook POST's exact bytes; its events point at it. */
    async addDelivery(tx: Db | Tx, values: { provider: 'cloud' | 'gupshup'; rawBody: Uint8Array; skipped: number; receivedAt: Date }): Promise<number> {
      const [row] = await tx.insert(waDeliveries).values(values).returning({ id: waDeliveries.id });
      return row!.id;
    },
    async dropDelivery(tx: Db | Tx, id: number) {
      await tx.delete(waDeliveries).where(eq(waDeliveries.id, id));
    },
    /** Stores each event once; returns the new row's id, or null for a repeat. */
    async addToInbox(tx: Db | Tx, values: { provider: 'cloud' | 'gupshup'; dedupeKey: string; event: Record<string, unknown>; deliveryId: number | null; receivedAt: Date }): Promise<number | null> {
      const [row] = await tx.insert(waInbox).values(values).onConflictDoNothing({ target: waInbox.dedupeKey }).returning({ id: waInbox.id });
      return row?.id ?? null;
    },
    async inboxRow(id: number): Promise<InboxRow | undefined> {
      const [row] = await db.select().from(waInbox).where(eq(waInbox.id, id)).limit(1);
      return row;
    },
    async markProcessed(id: number, at: Date) {
      await db.update(waInbox).set({ processedAt: at }).where(eq(waInbox.id, id));
    },

    // ---- contacts ----
    async contact(waId: string): Promise<ContactRow | undefined> {
      const [row] = await db.select().from(waContacts).where(eq(waContacts.waId, waId)).limit(1);
      return row;
    },
    async setReportFlow(waId: string, flow: Record<string, unknown> | null): Promise<void> {
      await db.update(waContacts).set({ reportFlow: flow }).where(eq(waContacts.waId, waId));
    },
    async contactOfUser(userId: string): Promise<ContactRow | undefined> {
      const [row] = await db.select().from(waContacts).where(eq(waContacts.userId, userId)).limit(1);
      return row;
    },
    async contactsOfUsers(userIds: string[]): Promise<ContactRow[]> {
      if (!userIds.length) return [];
      return db.select().from(waContacts).where(inArray(waContacts.userId, userIds));
    },
    /** Creates the contact on its first message; records the service window and the profile name either way. */
    async touchContact(waId: string, values: { profileName: string | null; inboundAt: Date; now: Date }): Promise<ContactRow> {
      const [row] = await db
        .insert(waContacts)
        .values({ waId, profileName: values.profileName, lastInboundAt: values.inboundAt, createdAt: values.now, stateUpdatedAt: values.now })
        .onConflictDoUpdate({
          target: waContacts.waId,
          set: {
            profileName: sql`coalesce(${values.profileName}, ${waContacts.profileName})`,
            lastInboundAt: sql`greatest(${waContacts.lastInboundAt}, ${values.inboundAt.toISOString()}::timestamptz)`,
          },
        })
        .returning();
      return row!;
    },
    async linkUser(waId: string, userId: string | null, now: Date) {
      await db.insert(waContacts).values({ waId, userId, createdAt: now, stateUpdatedAt: now }).onConflictDoUpdate({ target: waContacts.waId, set: { userId } });
    },
    /** Saves a new conversation state if nobody changed it since `version`; false means reload and decide again. */
    async saveState(waId: string, version: number, state: Record<string, unknown>, at: Date): Promise<boolean> {
      const rows = await db
        .update(waContacts)
        .set({ state, stateUpdatedAt: at, version: version + 1 })
        .where(and(eq(waContacts.waId, waId), eq(waContacts.version, version)))
        .returning({ v: waContacts.version });
      return rows.length > 0;
    },

    // ---- outbound ----
    /** One row per logical message; a repeat of the key returns the existing row and created=false. */
    async addOutbound(tx: Db | Tx, values: { waId: string; idempotencyKey: string; kind: string; ref: string | null; body: Record<string, unknown> }, now: Date): Promise<{ row: WaMessageRow; created: boolean }> {
      const [row] = await tx.insert(waMessages).values({ ...values, createdAt: now, updatedAt: now }).onConflictDoNothing({ target: waMessages.idempotencyKey }).returning();
      if (row) return { row, created: true };
      const [existing] = await tx.select().from(waMessages).where(eq(waMessages.idempotencyKey, values.idempotencyKey)).limit(1);
      return { row: existing!, created: false };
    },
    async outbound(id: string): Promise<WaMessageRow | undefined> {
      const [row] = await db.select().from(waMessages).where(eq(waMessages.id, id)).limit(1);
      return row;
    },
    async markAccepted(id: string, providerMessageId: string, at: Date) {
      await db
        .update(waMessages)
        .set({ status: 'accepted', providerMessageId, updatedAt: at, attempts: sql`${waMessages.attempts} + 1` })
        .where(and(eq(waMessages.id, id), eq(waMessages.status, 'queued')));
    },
    async markAttemptFailed(id: string, error: Record<string, unknown>, final: boolean, at: Date) {
      await db
        .update(waMessages)
        .set({ attempts: sql`${waMessages.attempts} + 1`, error, updatedAt: at, ...(final ? { status: 'failed' as const } : {}) })
        .where(eq(waMessages.id, id));
    },
    /** A provider status: applied only if it moves the message forward (statuses arrive out of order). */
    async applyStatus(providerMessageId: string, status: 'sent' | 'delivered' | 'read' | 'failed', error: Record<string, unknown> | null, at: Date): Promise<'applied' | 'stale' | 'unknown'> {
      const [row] = await db.select().from(waMessages).where(eq(waMessages.providerMessageId, providerMessageId)).limit(1);
      if (!row) return 'unknown';
      if (statusRank[status] <= statusRank[row.status]) return 'stale';
      const ranks = Object.entries(statusRank).filter(([, r]) => r < statusRank[status]).map(([s]) => s) as WaMessageRow['status'][];
      const updated = await db
        .update(waMessages)
        .set({ status, updatedAt: at, ...(error ? { error } : {}) })
        .where(and(eq(waMessages.id, row.id), inArray(waMessages.status, ranks)))
        .returning({ id: waMessages.id });
      return updated.length ? 'applied' : 'stale';
    },
    /** Tutor alerts sent for a question, to tell their recipients when it is taken. */
    async alertedNumbers(questionId: string): Promise<string[]> {
      const rows = await db.selectDistinct({ waId: waMessages.waId }).from(waMessages).where(and(eq(waMessages.kind, 'tutor.alert'), eq(waMessages.ref, questionId)));
      return rows.map((r) => r.waId);
    },
    async failedMessages(limit: number) {
      return db.select().from(waMessages).where(eq(waMessages.status, 'failed')).orderBy(sql`${waMessages.updatedAt} desc`).limit(limit);
    },
    async messagesOf(waId: string, limit: number) {
      return db.select().from(waMessages).where(eq(waMessages.waId, waId)).orderBy(sql`${waMessages.createdAt} desc`).limit(limit);
    },

    // ---- link codes (stored only as keyed hashes) and the tries at them ----
    /**
     * Adds a code unless a live one has the same hash: an expired row there is replaced. False means a live code
     * collided, so the caller draws another.
     */
    async addLinkCode(values: { codeHash: string; origin: 'web' | 'whatsapp'; userId?: string; waId?: string; expiresAt: Date; createdAt: Date }): Promise<boolean> {
      const rows = await db
        .insert(waLinkCodes)
        .values({ userId: null, waId: null, ...values })
        .onConflictDoUpdate({
          target: waLinkCodes.codeHash,
          set: { origin: values.origin, userId: values.userId ?? null, waId: values.waId ?? null, expiresAt: values.expiresAt, createdAt: values.createdAt },
          setWhere: lte(waLinkCodes.expiresAt, values.createdAt),
        })
        .returning({ codeHash: waLinkCodes.codeHash });
      return rows.length > 0;
    },
    /** The codes a user (web) or a number (WhatsApp) was given before: one live code each, so a new one replaces them. */
    async dropLinkCodesOf(owner: { userId: string } | { waId: string }, origin: 'web' | 'whatsapp') {
      const who = 'userId' in owner ? eq(waLinkCodes.userId, owner.userId) : eq(waLinkCodes.waId, owner.waId);
      await db.delete(waLinkCodes).where(and(who, eq(waLinkCodes.origin, origin)));
    },
    /** Takes the code with this hash out of the table (used once, or expired: gone either way). */
    async takeLinkCode(codeHash: string): Promise<typeof waLinkCodes.$inferSelect | undefined> {
      const [row] = await db.delete(waLinkCodes).where(eq(waLinkCodes.codeHash, codeHash)).returning();
      return row;
    },
    /**
     * Counts one try under `key` in a fixed window: a window that ended starts again at `now`. Returns the tries in
     * the current window (this one included) and when it ends. One statement, so concurrent tries all count.
     */
    async countLinkAttempt(key: string, now: Date, windowMs: number): Promise<{ attempts: number; windowEndsAt: Date }> {
      const cutoff = new Date(now.getTime() - windowMs).toISOString();
      const over = sql`${waLinkAttempts.windowStartedAt} <= ${cutoff}::timestamptz`;
      const [row] = await db
        .insert(waLinkAttempts)
        .values({ key, windowStartedAt: now, attempts: 1 })
        .onConflictDoUpdate({
          target: waLinkAttempts.key,
          set: {
            attempts: sql`case when ${over} then 1 else ${waLinkAttempts.attempts} + 1 end`,
            windowStartedAt: sql`case when ${over} then ${now.toISOString()}::timestamptz else ${waLinkAttempts.windowStartedAt} end`,
          },
        })
        .returning();
      return { attempts: row!.attempts, windowEndsAt: new Date(row!.windowStartedAt.getTime() + windowMs) };
    },
    /** The sweep: expired codes, and windows that ended. */
    async sweepLinkCodes(now: Date, windowMs: number): Promise<{ codes: number; attempts: number }> {
      const codes = await db.delete(waLinkCodes).where(lte(waLinkCodes.expiresAt, now)).returning({ h: waLinkCodes.codeHash });
      const attempts = await db
        .delete(waLinkAttempts)
        .where(lte(waLinkAttempts.windowStartedAt, new Date(now.getTime() - windowMs)))
        .returning({ k: waLinkAttempts.key });
      return { codes: codes.length, attempts: attempts.length };
    },
  };
}
export type WhatsAppRepo = ReturnType<typeof createWhatsAppRepo>;
