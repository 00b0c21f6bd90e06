import { z } from 'zod';

/** In-app notices (booking confirmed, cancelled, moved, reminders, …): what the app shows a user. */
export const noticeSchema = z.object({
  id: z.number(),
  kind: z.string(),
  text: z.string(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type NoticeView = z.infer<typeof noticeSchema>;

export const noticesSchema = z.object({ notices: z.array(noticeSchema), unread: z.number() });
export type NoticesView = z.infer<typeof noticesSchema>;

export const markNoticesReadBodySchema = z.strictObject({
  /** Marks every notice with an id up to and including this one as read. */
  upTo: z.number().int().min(1),
});
