import type { ApplicationStatus, DocumentKind } from '@tutorline/contracts';

/** What each status means to the tutor, on their page. */
export const tutorStatusWords: Record<ApplicationStatus, { title: string; body: string; tone: 'info' | 'warning' | 'success' | 'error' }> = {
  draft: { title: 'Not sent yet', body: 'Fill in every part below, then send your application for review.', tone: 'info' },
  applied: { title: 'Sent: waiting for review', body: 'Our team will review your documents and sample answers. We will tell you here and on WhatsApp.', tone: 'info' },
  under_review: { title: 'Being reviewed', body: 'A reviewer is looking at your application now.', tone: 'info' },
  needs_info: { title: 'We need more from you', body: 'Update what is listed below, then send your application again.', tone: 'warning' },
  approved: { title: 'Approved', body: 'You can now receive questions and bookings in the subjects approved below.', tone: 'success' },
  rejected: { title: 'Not approved', body: 'Your application was not approved this time.', tone: 'error' },
};

export const staffStatusWords: Record<ApplicationStatus, string> = {
  draft: 'Draft',
  applied: 'Waiting for review',
  under_review: 'Under review',
  needs_info: 'Needs information',
  approved: 'Approved',
  rejected: 'Rejected',
};

export const documentKindWords: Record<DocumentKind, string> = { id_document: 'ID document', qualification: 'Proof of qualification' };
