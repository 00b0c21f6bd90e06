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

/** Base64url without padding, decoding to exactly `bytes` bytes (a browser's PushSubscription keys). */
const base64urlOf = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, `${what} must be base64url (A-Z, a-z, 0-9, - and _, no padding)`)
    .refine((s) => s.length === Math.ceil((bytes * 4) / 3), `${what} must encode ${bytes} bytes`);

/** A browser's PushSubscription.toJSON() (#21): the push service's endpoint and the keys that encrypt for it (RFC 8291). */
export const pushSubscriptionBodySchema = z.object({
  endpoint: z.url({ protocol: /^https?$/, error: 'endpoint must be an http(s) URL' }).max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({
    /** The browser's P-256 public key, uncompressed (65 bytes). */
    p256dh: base64urlOf(65, 'keys.p256dh'),
    /** The 16-byte authentication secret. */
    auth: base64urlOf(16, 'keys.auth'),
  }),
});
export type PushSubscriptionBody = z.infer<typeof pushSubscriptionBodySchema>;

export const pushUnsubscribeBodySchema = z.strictObject({ endpoint: z.string().min(1).max(2048) });

/** The server's VAPID public key for pushManager.subscribe's applicationServerKey; null when push is off. */
export const pushKeySchema = z.object({ publicKey: z.string().nullable() });

/** Where a user wants to be told things (#21): each channel on or off. */
export const notificationChannelsSchema = z.object({ push: z.boolean(), whatsapp: z.boolean(), inApp: z.boolean() });
export type NotificationChannels = z.infer<typeof notificationChannelsSchema>;
export const notificationChannelsBodySchema = z.strictObject({ push: z.boolean().optional(), whatsapp: z.boolean().optional(), inApp: z.boolean().optional() });

/** What a push carries to the service worker: the notice, plus the actions the notification offers. */
export const pushPayloadSchema = z.object({
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  /** Which page the notification opens. */
  url: z.string(),
  data: z.record(z.string(), z.unknown()),
  /** 'accept' on a tutor's question alert: claims the question from the notification. */
  actions: z.array(z.object({ action: z.string(), title: z.string() })),
  /** Replaces an earlier notification with the same tag (one per question). */
  tag: z.string().optional(),
});
export type PushPayload = z.infer<typeof pushPayloadSchema>;
