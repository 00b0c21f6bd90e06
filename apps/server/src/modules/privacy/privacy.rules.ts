/** Pure decisions for data exports (issue #20): when one may be asked for, how long its link lasts, what the link signs. */

export const EXPORT_LINK_TTL_MS = 7 * 86_400_000;
/** One export per user per day (a failed one does not count: the user may ask again at once). */
export const EXPORT_COOLDOWN_MS = 86_400_000;
export const EXPORT_LINK_PURPOSE = 'data-export';

export type ExportStatus = 'pending' | 'ready' | 'failed' | 'expired';

export interface ExportFacts {
  status: ExportStatus;
  requestedAt: Date;
}

export type RequestVerdict = { ok: true } | { ok: false; reason: 'export_pending' } | { ok: false; reason: 'too_soon'; retryAt: Date };

/** Whether a new export may be asked for, given this user's exports (any order) and the time. */
export function mayRequestExport(previous: readonly ExportFacts[], now: Date): RequestVerdict {
  if (previous.some((e) => e.status === 'pending')) return { ok: false, reason: 'export_pending' };
  const counted = previous.filter((e) => e.status !== 'failed').map((e) => e.requestedAt.getTime());
  const last = counted.length ? Math.max(...counted) : null;
  if (last !== null && now.getTime() - last < EXPORT_COOLDOWN_MS) return { ok: false, reason: 'too_soon', retryAt: new Date(last + EXPORT_COOLDOWN_MS) };
  return { ok: true };
}

/** What a download link signs: whose data and which export, so a link never opens another user's or another export. */
export const exportLinkValue = (userId: string, exportId: string) => `${userId}:${exportId}`;

export const exportExpiresAt = (readyAt: Date) => new Date(readyAt.getTime() + EXPORT_LINK_TTL_MS);

/** Why a download is refused, in the order checked: a bad signature says nothing about the export. */
export type DownloadVerdict = { ok: true } | { ok: false; reason: 'bad_link' | 'expired' | 'not_yours' };

export function downloadVerdict(input: {
  signatureValid: boolean;
  linkExpiresAt: Date;
  now: Date;
  exportRow: { userId: string; requestedBy: string; status: ExportStatus } | null;
  linkUserId: string;
  /** The logged-in caller: the export's user, or the guardian who asked for it and is still linked. */
  callerAllowed: boolean;
}): DownloadVerdict {
  if (!input.signatureValid || !input.exportRow || input.exportRow.userId !== input.linkUserId) return { ok: false, reason: 'bad_link' };
  if (input.linkExpiresAt.getTime() <= input.now.getTime() || input.exportRow.status !== 'ready') return { ok: false, reason: 'expired' };
  if (!input.callerAllowed) return { ok: false, reason: 'not_yours' };
  return { ok: true };
}

/** The ZIP's entry for a JSON document. */
export const jsonEntryName = (kind: string) => `${kind}.json`;

/** A ZIP entry name is ours (never user input) but is checked anyway: no absolute paths, no climbing out. */
export const safeEntryName = (name: string) => /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.-]+)*$/.test(name) && !name.split('/').some((s) => s === '..' || s === '.');
