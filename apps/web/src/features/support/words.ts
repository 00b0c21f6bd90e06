import type { ProblemArea, TicketStatus } from '@tutorline/contracts';

/** The canned questions' answers as a person reads them (the values are the API's). */
export const areaWords: Record<ProblemArea, string> = {
  video: 'Video (I could not see, or it froze)',
  sound: 'Sound (I could not hear, or was not heard)',
  board: 'The board',
  join: 'I could not join the call',
  other: 'Something else',
};
export const areaShort: Record<ProblemArea, string> = { video: 'Video', sound: 'Sound', board: 'Board', join: 'Could not join', other: 'Other' };
export const deviceWords = { phone: 'Phone', tablet: 'Tablet', computer: 'Computer' } as const;
export const networkWords = { wifi: 'Wi-Fi at home', mobile: 'Mobile data (3G/4G/5G)', school: 'School or office network', unknown: 'I don’t know' } as const;
export const workedBeforeWords = { yes: 'Yes, it worked before', no: 'No, it never worked', first_time: 'This was my first call' } as const;
export const statusWords: Record<TicketStatus, string> = { open: 'Waiting for support', waiting: 'Support replied', solved: 'Solved' };
export const staffStatusWords: Record<TicketStatus, string> = { open: 'Open', waiting: 'Waiting on user', solved: 'Solved' };
