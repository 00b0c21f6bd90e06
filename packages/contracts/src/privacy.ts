import { z } from 'zod';

/**
 * Privacy (#20): data exports. A user (or a guardian for their child) asks for one from settings; a job builds a ZIP
 * and a signed link that works for 7 days is sent when it is ready.
 */
export const dataExportStatuses = ['pending', 'ready', 'failed', 'expired'] as const;
export type DataExportStatus = (typeof dataExportStatuses)[number];

export const dataExportSchema = z.object({
  id: z.string(),
  /** Whose data it is. */
  userId: z.string(),
  status: z.enum(dataExportStatuses),
  requestedAt: z.string(),
  readyAt: z.string().nullable(),
  /** When the link stops working and the file is deleted. */
  expiresAt: z.string().nullable(),
  bytes: z.number().nullable(),
  /** The signed download path (on this site), while the export is ready. */
  downloadUrl: z.string().nullable(),
});
export type DataExport = z.infer<typeof dataExportSchema>;

export const dataExportStateSchema = z.object({
  /** The latest export, or null when none was asked for. */
  latest: dataExportSchema.nullable(),
  /** When another export may be asked for (null: now, unless one is pending). */
  nextAllowedAt: z.string().nullable(),
});
export type DataExportState = z.infer<typeof dataExportStateSchema>;

export const requestExportSchema = z.strictObject({
  /** Whose data: the caller's own when absent, or a child's (the caller must be their guardian). */
  userId: z.uuid('must be an id').optional(),
});
export type RequestExportBody = z.infer<typeof requestExportSchema>;

/** An erasure request as settings shows it (issue #20): pending during the 14-day grace period, then done. */
export const erasureRequestSchema = z.object({
  id: z.string(),
  userId: z.string(),
  status: z.enum(['pending', 'cancelled', 'done']),
  requestedAt: z.string(),
  /** When the account is erased (the end of the grace period). */
  effectiveAt: z.string(),
  cancelledAt: z.string().nullable(),
});
export type ErasureRequest = z.infer<typeof erasureRequestSchema>;

/** The erasure state of an account: the pending request, if any. */
export const erasureStateSchema = z.object({ pending: erasureRequestSchema.nullable() });
export type ErasureState = z.infer<typeof erasureStateSchema>;

/** Ask for erasure or cancel it, for my account or (guardian) my child's. */
export const erasureBodySchema = z.strictObject({
  userId: z.uuid('must be an id').optional(),
});
