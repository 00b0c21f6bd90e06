import type { CreateReportBody, SafetyReport } from '@tutorline/contracts';
import { definePort } from '../../platform/ports';
import type { Fail, Result } from '../../platform/result';

/**
 * Reports from WhatsApp (#20): the same report as the web's, made by the safety module (which provides this port),
 * and the sender's last session with the other person's name, for the REPORT keyword.
 */
export interface WhatsAppReports {
  lastSessionOf(userId: string): Promise<{ sessionId: string; otherName: string } | null>;
  report(caller: { id: string }, body: CreateReportBody): Promise<Result<SafetyReport, Fail<'not_found'>>>;
}
export const WHATSAPP_REPORTS = definePort<WhatsAppReports>('whatsapp.reports', 'the safety module (tutorline-safety)');
