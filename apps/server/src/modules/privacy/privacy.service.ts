import { randomUUID } from 'node:crypto';
import type { DataExport, DataExportState } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { type Fail, fail, ok, type Result } from '../../platform/result';
import type { Signer } from '../../platform/signing';
import type { Storage } from '../../platform/storage';
import type { UserExportSource } from '../../platform/user-export';
import type { AuthUser } from '../identity';
import { BUILD_EXPORT_QUEUE } from './privacy.jobs';
import type { ExportRow, PrivacyRepo } from './privacy.repo';
import { downloadVerdict, EXPORT_COOLDOWN_MS, EXPORT_LINK_PURPOSE, exportExpiresAt, exportLinkValue, mayRequestExport } from './privacy.rules';
import { writeExportZip } from './privacy.zip';

export interface ExportNotice {
  kind: string;
  text: string;
  data: Record<string, unknown>;
  dedupeKey: string;
}

export interface PrivacyDeps {
  db: Db;
  repo: PrivacyRepo;
  clock: Clock;
  logger: Logger;
  storage: Storage;
  /** Signs download links; its longest life covers the 7-day link. */
  signer: Signer;
  publicUrl: string;
  /** Every module's share of an export (each reads its own tables). */
  sources: readonly UserExportSource[];
  /** Whether this caller is a (still linked) guardian of this child (guardians' index). */
  isGuardianOf(caller: AuthUser, childId: string): Promise<boolean>;
  /** In-app notice plus the outbox (email/WhatsApp where the user has them), in the same transaction. */
  notify(tx: Tx, userId: string, notice: ExportNotice): Promise<() => void>;
}

export type RequestFailure = Fail<'not_your_child'> | Fail<'export_pending'> | Fail<'too_soon', { retryAt: string }>;
export type DownloadFailure = Fail<'bad_link'> | Fail<'expired'> | Fail<'not_yours'> | Fail<'login_needed'>;
export interface DownloadLink {
  id: string;
  u: string;
  exp: number;
  sig: string;
}

/** Data exports (issue #20): ask, build by a job, a signed link that expires, the sweep that deletes old ZIPs. */
export function createPrivacyService(deps: PrivacyDeps) {
  const { db, repo, clock, logger, storage, signer } = deps;

  async function mayActFor(caller: AuthUser, userId: string) {
    return caller.id === userId || (await deps.isGuardianOf(caller, userId));
  }

  /** The signed download path (the app shows it on its own origin); messages get it absolute, under PUBLIC_URL. */
  function linkFor(row: ExportRow): string | null {
    if (row.status !== 'ready' || !row.expiresAt) return null;
    const { exp, sig } = signer.sign(EXPORT_LINK_PURPOSE, exportLinkValue(row.userId, row.id), row.expiresAt);
    return `/api/privacy/exports/${row.id}/download?u=${row.userId}&exp=${exp}&sig=${sig}`;
  }

  function view(row: ExportRow): DataExport {
    return {
      id: row.id,
      userId: row.userId,
      status: row.status,
      requestedAt: row.requestedAt.toISOString(),
      readyAt: row.readyAt?.toISOString() ?? null,
      expiresAt: row.expiresAt?.toISOString() ?? null,
      bytes: row.bytes ?? null,
      downloadUrl: row.expiresAt && row.expiresAt.getTime() > clock.now().getTime() ? linkFor(row) : null,
    };
  }

  function stateOf(rows: ExportRow[]): DataExportState {
    const verdict = mayRequestExport(rows, clock.now());
    return { latest: rows[0] ? view(rows[0]) : null, nextAllowedAt: !verdict.ok && verdict.reason === 'too_soon' ? verdict.retryAt.toISOString() : null };
  }

  return {
    /** The latest export of this user (the caller's own, or their child's) and when another may be asked for. */
    async state(caller: AuthUser, userId: string): Promise<Result<DataExportState, Fail<'not_your_child'>>> {
      if (!(await mayActFor(caller, userId))) return fail('not_your_child');
      return ok(stateOf(await repo.exportsOf(userId)));
    },

    /** Asks for an export: one pending per user, one a day; the build job is queued in the same transaction. */
    async requestExport(caller: AuthUser, userId: string): Promise<Result<DataExportState, RequestFailure>> {
      if (!(await mayActFor(caller, userId))) return fail('not_your_child');
      const now = clock.now();
      const verdict = mayRequestExport(await repo.exportsOf(userId), now);
      if (!verdict.ok) return verdict.reason === 'too_soon' ? fail('too_soon', { retryAt: verdict.retryAt.toISOString() }) : fail('export_pending');
      const id = randomUUID();
      const row = await db.transaction(async (tx) => {
        const inserted = await repo.insertPending(tx, { id, userId, requestedBy: caller.id, requestedAt: now });
        if (inserted) await BUILD_EXPORT_QUEUE.enqueue(tx, { exportId: id }, { dedupeKey: `${BUILD_EXPORT_QUEUE.queue}:${id}`, now });
        return inserted;
      });
      if (!row) return fail('export_pending');
      logger.info({ event: 'data_export_requested', audit: true, exportId: id, userId, requestedBy: caller.id }, 'data export requested');
      return ok(stateOf(await repo.exportsOf(userId)));
    },

    /** The job: every module's part into one ZIP on disk, then ready, and the user (and the guardian who asked) told. */
    async build(exportId: string): Promise<void> {
      const row = await repo.byId(exportId);
      if (!row || row.status !== 'pending') return;
      const started = clock.now();
      const key = `exports/${row.id}.zip`;
      let bytes: number;
      try {
        const parts = [];
        for (const source of deps.sources) parts.push(await source.exportFor(row.userId));
        bytes = await writeExportZip(storage, key, parts, { exportId: row.id, userId: row.userId, createdAt: started });
      } catch (err) {
        await storage.delete(key);
        await repo.markFailed(row.id, err instanceof Error ? err.message : String(err));
        logger.error({ err, event: 'data_export_failed', exportId: row.id, userId: row.userId }, 'data export could not be built');
        return;
      }
      const readyAt = clock.now();
      const expiresAt = exportExpiresAt(readyAt);
      const ready: ExportRow = { ...row, status: 'ready', readyAt, expiresAt, storageKey: key, bytes };
      const url = `${deps.publicUrl}${linkFor(ready)!}`;
      const recipients = [...new Set([row.userId, row.requestedBy])];
      const pushes = await db.transaction(async (tx) => {
        if (!(await repo.markReady(tx, row.id, { readyAt, expiresAt, storageKey: key, bytes }))) return null;
        const out = [];
        for (const userId of recipients) {
          const forChild = userId !== row.userId;
          out.push(
            await deps.notify(tx, userId, {
              kind: 'data_export_ready',
              text: `${forChild ? "Your child's" : 'Your'} Tutorline data is ready to download. The link works for 7 days: ${url}`,
              data: { exportId: row.id, userId: row.userId, url, expiresAt: expiresAt.toISOString() },
              dedupeKey: `data-export-ready:${row.id}:${userId}`,
            }),
          );
        }
        return out;
      });
      if (!pushes) {
        await storage.delete(key);
        return;
      }
      for (const push of pushes) push();
      logger.info({ event: 'data_export_ready', audit: true, exportId: row.id, userId: row.userId, bytes, ms: readyAt.getTime() - started.getTime() }, 'data export ready');
    },

    /** Opens a download: the signature, the expiry, and the caller (the export's user, or the guardian who asked). */
    async download(caller: AuthUser | null, link: DownloadLink): Promise<Result<{ stream: NodeJS.ReadableStream; bytes: number; filename: string }, DownloadFailure>> {
      const now = clock.now();
      // The MAC alone, checked as if one second before the link's expiry; the expiry itself is judged by the rules.
      const signatureValid = signer.verify(EXPORT_LINK_PURPOSE, exportLinkValue(link.u, link.id), link.exp, link.sig, new Date(link.exp * 1000 - 1000));
      const row = signatureValid ? await repo.byId(link.id) : undefined;
      if (signatureValid && row && !caller) return fail('login_needed');
      const callerAllowed = !!row && !!caller && (caller.id === row.userId || (caller.id === row.requestedBy && (await deps.isGuardianOf(caller, row.userId))));
      const verdict = downloadVerdict({ signatureValid, linkExpiresAt: new Date(link.exp * 1000), now, exportRow: row ?? null, linkUserId: link.u, callerAllowed });
      if (!verdict.ok) {
        logger.warn({ event: 'data_export_download_refused', reason: verdict.reason, exportId: link.id, callerId: caller?.id ?? null }, 'data export download refused');
        return fail(verdict.reason);
      }
      const file = row!.storageKey ? await storage.openRead(row!.storageKey) : null;
      if (!file) return fail('expired');
      logger.info({ event: 'data_export_downloaded', audit: true, exportId: row!.id, userId: row!.userId, by: caller!.id }, 'data export downloaded');
      return ok({ stream: file.stream, bytes: file.bytes, filename: `tutorline-data-${row!.readyAt!.toISOString().slice(0, 10)}.zip` });
    },

    /** Deletes the ZIPs whose link has expired; returns how many. */
    async sweep(limit = 200): Promise<number> {
      const due = await repo.expiredBy(clock.now(), limit);
      let removed = 0;
      for (const row of due) {
        if (row.storageKey) await storage.delete(row.storageKey);
        if (await repo.markExpired(row.id)) removed++;
      }
      if (removed) logger.info({ event: 'data_export_sweep', removed }, 'expired data exports deleted');
      return removed;
    },

    cooldownMs: EXPORT_COOLDOWN_MS,
  };
}
export type PrivacyService = ReturnType<typeof createPrivacyService>;
