import { randomBytes, randomInt } from 'node:crypto';
import type { CheckIceServers, ConnectivityReport, ConnectivityReportBody } from '@tutorline/contracts';
import { issueTurnCredential } from '../../integrations/turn';
import type { Clock } from '../../platform/clock';
import { AppError, notFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import type { ConnectivityRepo, ConnectivityReportRow } from './connectivity.repo';
import { checkSetupOf, formatReportId, normaliseReportId, overallStatus, REPORT_ID_ALPHABET, REPORT_ID_LENGTH, splitTurnUrls } from './connectivity.rules';

export interface CheckIceConfig {
  stunUrls: string[];
  turnUrls: string[];
  turnSecret: string | undefined;
}

/** Long enough for one run of the self-test, short enough that a copied credential is soon useless. */
export const CHECK_TURN_TTL_SECONDS = 600;
const ID_ATTEMPTS = 5;

export function createConnectivityService(deps: { repo: ConnectivityRepo; clock: Clock; logger: Logger; ice: CheckIceConfig; reported?: (report: { id: string; overall: string }) => Promise<void> }) {
  const { repo, clock, logger, ice } = deps;
  // What this site offers calls: a way it does not offer is never held against the user's network.
  const setup = checkSetupOf(ice);

  function toReport(row: ConnectivityReportRow): ConnectivityReport {
    return { ...(row.results as ConnectivityReportBody), id: row.id, createdAt: row.createdAt.toISOString(), userId: row.userId, overall: row.overall };
  }

  return {
    /** STUN, and a TURN credential for an anonymous "check-…" user that expires in ten minutes. */
    checkIceServers(): CheckIceServers {
      if (!ice.turnSecret || !ice.turnUrls.length) {
        return { stunUrls: ice.stunUrls, turn: null, turnUnavailable: 'This Tutorline server has no relay (TURN) server set up, so the relay tests were skipped.' };
      }
      const checkUser = `check-${randomBytes(6).toString('hex')}`;
      const c = issueTurnCredential({ secret: ice.turnSecret, userId: checkUser, now: clock.now(), ttlSeconds: CHECK_TURN_TTL_SECONDS });
      logger.info({ event: 'check_turn_credential_issued', checkUser, expiresAt: c.expiresAt.toISOString() }, 'TURN credential issued for a self-test');
      return { stunUrls: ice.stunUrls, turn: { ...splitTurnUrls(ice.turnUrls), username: c.username, credential: c.credential, expiresAt: c.expiresAt.toISOString() }, turnUnavailable: null };
    },

    /** Stores a finished self-test under a fresh short id, with its overall verdict. */
    async saveReport(body: ConnectivityReportBody, who: { userId: string | null; ip: string | null }): Promise<ConnectivityReport> {
      const overall = overallStatus(body, setup);
      for (let attempt = 1; attempt <= ID_ATTEMPTS; attempt++) {
        const id = formatReportId(Array.from({ length: REPORT_ID_LENGTH }, () => randomInt(REPORT_ID_ALPHABET.length)));
        const row = await repo.insert({ id, userId: who.userId, overall, results: body, ip: who.ip, createdAt: clock.now() });
        if (row) {
          logger.info(
            {
              event: 'connectivity_report_saved',
              reportId: id,
              userId: who.userId,
              overall,
              statuses: { camera: body.camera.status, microphone: body.microphone.status, speaker: body.speaker.status, stun: body.stun.status, turnUdp: body.turnUdp.status, turnTcp: body.turnTcp.status },
              uploadKbps: body.uploadKbps,
              downloadKbps: body.downloadKbps,
              device: body.diagnostics.device,
            },
            'connectivity report saved',
          );
          await deps.reported?.({ id, overall });
          return toReport(row);
        }
        logger.warn({ event: 'connectivity_report_id_collision', attempt }, 'report id already taken, drawing another');
      }
      throw new AppError(503, 'service_unavailable', 'Could not save the report just now. Please try again.');
    },

    /** A report by the id a user read out: any case, with or without the dash. */
    async getReport(rawId: string): Promise<ConnectivityReport> {
      const id = normaliseReportId(rawId);
      const row = id ? await repo.find(id) : undefined;
      if (!row) throw notFound('That report');
      return toReport(row);
    },
  };
}
export type ConnectivityService = ReturnType<typeof createConnectivityService>;
