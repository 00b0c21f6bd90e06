import type { ChatMessage } from '@tutorline/contracts';

/** Messages from others after the user's read mark (kept by the server, so a reload or another device agrees). */
export function unreadCount(messages: readonly Pick<ChatMessage, 'id' | 'senderId'>[], selfId: string, lastReadMessageId: number | null): number {
  const mark = lastReadMessageId ?? 0;
  return messages.reduce((n, m) => n + (m.id > mark && m.senderId !== selfId ? 1 : 0), 0);
}

/** The newest message id, when it is past the read mark: what to mark read now that the chat is on screen. */
export function readMarkToSend(messages: readonly Pick<ChatMessage, 'id'>[], lastReadMessageId: number | null): number | null {
  const newest = messages.at(-1)?.id ?? 0;
  return newest > (lastReadMessageId ?? 0) ? newest : null;
}

/** What a screen reader is told of messages from others newer than `afterId`: one line each, a photo said as such. */
export function newMessageWords(messages: readonly Pick<ChatMessage, 'id' | 'senderId' | 'text' | 'photo'>[], selfId: string, afterId: number, names: Record<string, string>): string[] {
  return messages.filter((m) => m.id > afterId && m.senderId !== selfId).map((m) => `${names[m.senderId] ?? 'Someone'} wrote: ${m.text ?? (m.photo ? 'sent a photo' : '')}`);
}
