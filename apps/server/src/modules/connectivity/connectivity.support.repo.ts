import { desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { connectivityReports } from './connectivity.schema';

/** The rows of a /check report, in the page's order. */
const ROWS = ['camera', 'microphone', 'speaker', 'stun', 'turnUdp', 'turnTcp'] as const;

/** A /check report a person ran, as support's timeline shows it (#18): the verdicts, the device, never the address. */
export interface TimelineCheckReport {
  code: string;
  overall: (typeof connectivityReports.$inferSelect)['overall'];
  /** Each row's verdict (camera, microphone, speaker, stun, turnUdp, turnTcp), where the report has it. */
  rows: { row: (typeof ROWS)[number]; status: string }[];
  /** The device class the page reported (phone, tablet, desktop), when it did; the page records no network type. */
  device: string | null;
  at: Date;
}

const field = (v: unknown, key: string): unknown => (v && typeof v === 'object' && key in v ? (v as Record<string, unknown>)[key] : undefined);

/** The person's newest /check reports, at most `limit`. */
export async function checkReportsForTimeline(q: Db | Tx, userId: string, limit: number): Promise<TimelineCheckReport[]> {
  const rows = await q
    .select({ id: connectivityReports.id, overall: connectivityReports.overall, results: connectivityReports.results, createdAt: connectivityReports.createdAt })
    .from(connectivityReports)
    .where(eq(connectivityReports.userId, userId))
    .orderBy(desc(connectivityReports.createdAt))
    .limit(limit);
  return rows.map((r) => {
    const device = field(field(r.results, 'diagnostics'), 'device');
    return {
      code: r.id,
      overall: r.overall,
      rows: ROWS.flatMap((row) => {
        const status = field(field(r.results, row), 'status');
        return typeof status === 'string' ? [{ row, status }] : [];
      }),
      device: typeof device === 'string' ? device : null,
      at: r.createdAt,
    };
  });
}
