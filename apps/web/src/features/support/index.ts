export { ReportProblemButton, ReportProblemDialog } from './report-problem-dialog';
export { TicketThread } from './ticket-thread';
export { type QueueFilter, useMyTicket, useMyTickets, useReportProblem, useStaffTicket, useTicketAction, useTicketQueue, useWriteToSupport } from './use-support';
export { areaShort, areaWords, deviceWords, networkWords, staffStatusWords, statusWords, workedBeforeWords } from './words';
export { usePersonTimeline, useSupportSearch, useSupportSession } from './use-support-lookup';
