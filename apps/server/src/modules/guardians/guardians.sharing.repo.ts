import { and, desc, inArray, ne } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { guardianLinks, guardianSharingConsents } from './guardians.schema';

type SharingRow = typeof guardianSharingConsents.$inferSelect;

/** The newest sharing decision per child, and the children with a guardian's main consent standing. */
export async function sharingFacts(q: Db | Tx, studentIds: readonly string[]) {
  if (!studentIds.length) return { latest: new Map<string, SharingRow>(), consented: new Set<string>(), linked: new Set<string>() };
  const rows = await q.select().from(guardianSharingConsents).where(inArray(guardianSharingConsents.studentId, [...studentIds])).orderBy(desc(guardianSharingConsents.at), desc(guardianSharingConsents.id));
  const latest = new Map<string, SharingRow>();
  for (const r of rows) if (!latest.has(r.studentId)) latest.set(r.studentId, r);
  const links = await q.select().from(guardianLinks).where(and(inArray(guardianLinks.studentId, [...studentIds]), ne(guardianLinks.status, 'revoked')));
  return { latest, consented: new Set(links.filter((l) => l.status === 'consented').map((l) => l.studentId)), linked: new Set(links.map((l) => l.studentId)) };
}


export async function insertSharing(q: Db | Tx, values: typeof guardianSharingConsents.$inferInsert): Promise<SharingRow> {
  const [row] = await q.insert(guardianSharingConsents).values(values).returning();
  return row!;
}
