import { conflict, forbidden, notFound, type RefusalTable } from '../../platform/errors';
import type { BlockFailure, CloseFailure, ReportFailure } from './safety.service';
import type { Fail } from '../../platform/result';

/** Safety's refusals as HTTP errors and words, in one place (decision 039). */
export const reportErrors = {
  not_found: () => notFound('That session'),
} satisfies RefusalTable<ReportFailure>;

export const blockErrors = {
  not_a_student: () => forbidden('Only students block tutors. To report someone, use Report in the session.'),
  not_found: () => notFound('That tutor'),
} satisfies RefusalTable<BlockFailure>;

export const staffReportErrors = {
  not_found: () => notFound('That report'),
} satisfies RefusalTable<Fail<'not_found'>>;

export const closeErrors = {
  not_found: () => notFound('That report'),
  already_closed: () => conflict('That report is already closed.'),
} satisfies RefusalTable<CloseFailure>;
