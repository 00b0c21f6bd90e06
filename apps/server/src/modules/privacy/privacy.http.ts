import { AppError, conflict, forbidden, type RefusalTable } from '../../platform/errors';
import type { Fail } from '../../platform/result';
import type { CancelRefusal, ErasureRefusal } from './privacy.erasure';
import type { DownloadFailure, RequestFailure } from './privacy.service';

/** Privacy's refusals as HTTP errors and words, in one place (decision 039). */
export const stateErrors = {
  not_your_child: () => forbidden('You can only see the data of your own account or of a child you are a guardian of.'),
} satisfies RefusalTable<Fail<'not_your_child'>>;

export const requestErrors = {
  not_your_child: () => forbidden('You can only export the data of your own account or of a child you are a guardian of.'),
  export_pending: () => conflict('Your data is already being prepared. We will tell you when it is ready.'),
  too_soon: (f) => new AppError(429, 'rate_limited', 'You can ask for one export a day. Please try again later.', { retryAt: f.detail.retryAt }),
} satisfies RefusalTable<RequestFailure>;

export const erasureErrors = {
  not_your_child: () => forbidden('You can only delete your own account or the account of a child you are a guardian of.'),
  erasure_pending: () => conflict('This account is already due to be deleted. You can cancel that in Settings until the date shown there.'),
} satisfies RefusalTable<ErasureRefusal>;

export const cancelErasureErrors = {
  not_your_child: () => forbidden('You can only change your own account or the account of a child you are a guardian of.'),
  nothing_to_cancel: () => conflict('There is no deletion to cancel: either none was asked for, or it has already happened.'),
} satisfies RefusalTable<CancelRefusal>;

/** A download is opened from an email or WhatsApp message: the refusals are short pages, not JSON. */
export const downloadPages: Record<DownloadFailure['reason'], { status: number; title: string; text: string }> = {
  bad_link: { status: 403, title: 'This link does not work', text: 'The download link is not valid. Open the link from your message exactly as it was sent, or ask for a new export in Settings.' },
  expired: { status: 410, title: 'This link has expired', text: 'Download links work for 7 days, and then the file is deleted. You can ask for a new export in Settings.' },
  not_yours: { status: 403, title: 'This export is not yours', text: 'This link belongs to another account. Log in as the person who asked for it.' },
  login_needed: { status: 401, title: 'Please log in first', text: 'Log in as the person who asked for this export, then open the link again.' },
};

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function downloadRefusalPage(reason: DownloadFailure['reason']): { status: number; html: string } {
  const page = downloadPages[reason];
  const login = reason === 'login_needed' || reason === 'not_yours' ? '<p><a href="/login">Log in</a></p>' : '<p><a href="/settings">Go to Settings</a></p>';
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(page.title)} · Tutorline</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5"><h1 style="font-size:1.4rem">${escape(page.title)}</h1><p>${escape(page.text)}</p>${login}</body></html>`;
  return { status: page.status, html };
}
