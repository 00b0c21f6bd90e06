import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { decideReport, isReportKeyword, type ReportFlow, reportFlowSchema } from './conversation';
import type { WhatsAppReports } from './whatsapp.ports';
import type { ContactRow, WhatsAppRepo } from './whatsapp.repo';

type Queue = (waId: string, message: { type: 'text'; text: string }, key: string, kind: string) => Promise<unknown>;

/**
 * Runs a number's report flow (conversation/report.machine.ts) for one inbound message: true when the flow took it.
 * The report is the web's, made through the safety module's port (evidence kept, severe categories escalated).
 */
export async function runReportFlow(deps: { repo: WhatsAppRepo; clock: Clock; logger: Logger; reports: WhatsAppReports; queueMessage: Queue }, contact: ContactRow, userId: string, text: string | null, key: string): Promise<boolean> {
  const now = deps.clock.now();
  const parsed = contact.reportFlow ? reportFlowSchema.safeParse(contact.reportFlow) : null;
  const stored: ReportFlow | null = parsed?.success ? parsed.data : null;
  const live = stored !== null && Date.parse(stored.expiresAt) > now.getTime();
  if (!live && !(text && isReportKeyword(text))) return false;
  const lastSession = live ? null : await deps.reports.lastSessionOf(userId);
  const decision = decideReport(stored, text === null ? { kind: 'other' } : { kind: 'text', text }, { now, lastSession });
  if (!decision.handled) return false;
  const waId = contact.waId;
  let reply = decision.reply;
  if (decision.file) {
    const made = await deps.reports.report({ id: userId }, { sessionId: decision.file.sessionId, category: decision.file.category, text: decision.file.text, source: 'whatsapp', block: false });
    if (made.ok) {
      reply = made.value.severe
        ? 'Thank you. Your report went to our safety team, who look at reports like this one straight away. If you are in danger, contact local emergency services.'
        : 'Thank you. Your report went to our safety team, who will review it.';
      deps.logger.info({ event: 'whatsapp_report_filed', waId, userId, reportId: made.value.id, sessionId: decision.file.sessionId, category: made.value.category, severe: made.value.severe }, 'report made from WhatsApp');
    } else {
      reply = 'That session can no longer be reported from here. Nothing was sent.';
      deps.logger.info({ event: 'whatsapp_report_refused', waId, userId, reason: made.reason }, 'report from WhatsApp refused');
    }
  } else {
    deps.logger.info({ event: 'whatsapp_report_step', waId, userId, step: decision.flow?.step ?? 'none' }, 'report flow on WhatsApp');
  }
  await deps.repo.setReportFlow(waId, decision.flow);
  await deps.queueMessage(waId, { type: 'text', text: reply }, `${key}:report`, 'reply');
  return true;
}
