import { AppError, badRequest, conflict, notFound, type RefusalTable } from '../../platform/errors';
import { DAILY_TICKETS, type ReportFailure, type StaffTicketFailure, type TicketFailure } from './support.service';

/** Support's refusals as HTTP errors and words, in one place (decision 039). */

export const reportErrors = {
  session_not_found: () => notFound('That session'),
  check_report_not_found: () => badRequest('No connection check has that code. Check the code on the result page, or leave it out.', [{ path: 'checkReportId', message: 'no such report' }]),
  too_many: () => new AppError(429, 'rate_limited', `You have reported ${DAILY_TICKETS} problems today. Support will answer those first; please add to one of them instead.`),
} satisfies RefusalTable<ReportFailure>;

export const ticketErrors = {
  not_found: () => notFound('That report'),
} satisfies RefusalTable<TicketFailure>;

export const staffTicketErrors = {
  not_found: () => notFound('That ticket'),
  same_status: () => conflict('The ticket already has that status. Nothing was changed.'),
  not_support_staff: () => badRequest('Tickets can be assigned only to support staff or admins.', [{ path: 'assigneeId', message: 'not a support staff member' }]),
  same_assignee: () => conflict('The ticket is already held by that person. Nothing was changed.'),
} satisfies RefusalTable<StaffTicketFailure>;
