import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { ltiCourseBookings, ltiDeepLinks, ltiPlacedItems } from './lti.schema';

export type DeepLinkRow = typeof ltiDeepLinks.$inferSelect;
export type PlacedItemRow = typeof ltiPlacedItems.$inferSelect;

/** The deep-link requests waiting for a pick and the items placed by them (tables of lti.schema.ts). */
export function createDeepLinkRepo(db: Db) {
  return {
    async insertDeepLink(q: Db | Tx, values: typeof ltiDeepLinks.$inferInsert): Promise<void> {
      await q.insert(ltiDeepLinks).values(values);
    },

    async findDeepLink(tokenHash: string): Promise<DeepLinkRow | undefined> {
      const [row] = await db.select().from(ltiDeepLinks).where(eq(ltiDeepLinks.tokenHash, tokenHash)).limit(1);
      return row;
    },

    /** Uses a deep-link request once, while fresh: true for exactly one caller. */
    async useDeepLink(q: Db | Tx, tokenHash: string, now: Date): Promise<boolean> {
      const rows = await q
        .update(ltiDeepLinks)
        .set({ usedAt: now })
        .where(and(eq(ltiDeepLinks.tokenHash, tokenHash), isNull(ltiDeepLinks.usedAt), gt(ltiDeepLinks.expiresAt, now)))
        .returning({ t: ltiDeepLinks.tokenHash });
      return rows.length === 1;
    },

    async insertPlacedItem(q: Db | Tx, values: typeof ltiPlacedItems.$inferInsert): Promise<PlacedItemRow> {
      const [row] = await q.insert(ltiPlacedItems).values(values).returning();
      return row!;
    },

    /** A placed item of this registration (an id from another school's registration is unknown here). */
    async placedItem(id: string, registrationId: string): Promise<PlacedItemRow | undefined> {
      if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
      const [row] = await db
        .select()
        .from(ltiPlacedItems)
        .where(and(eq(ltiPlacedItems.id, id), eq(ltiPlacedItems.registrationId, registrationId)))
        .limit(1);
      return row;
    },

    async bookingsOfCourse(courseId: string): Promise<string[]> {
      const rows = await db.select({ b: ltiCourseBookings.bookingId }).from(ltiCourseBookings).where(eq(ltiCourseBookings.courseId, courseId));
      return rows.map((r) => r.b);
    },

    async countDeepLinkRows() {
      const n = async (t: typeof ltiDeepLinks | typeof ltiPlacedItems) => Number((await db.select({ n: sql<number>`count(*)` }).from(t))[0]?.n ?? 0);
      return { deepLinks: await n(ltiDeepLinks), placedItems: await n(ltiPlacedItems) };
    },
  };
}
export type DeepLinkRepo = ReturnType<typeof createDeepLinkRepo>;
