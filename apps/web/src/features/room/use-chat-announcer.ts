import type { ChatMessage } from '@tutorline/contracts';
import { useEffect, useRef } from 'react';
import { announce } from '../../lib/announce';
import { newMessageWords } from './chat-unread';

/**
 * New messages from the other side are announced while the chat is not on screen (a phone's Board tab): the chat
 * list's own live region is hidden then, and a hidden region says nothing. Messages there on joining are not news.
 */
export function useAnnounceNewMessages(messages: readonly ChatMessage[], selfId: string, names: Record<string, string>, chatOnScreen: boolean, joined: boolean): void {
  const newest = messages.at(-1)?.id ?? 0;
  const seen = useRef<number | null>(null);
  useEffect(() => {
    if (!joined) return;
    if (seen.current === null) {
      seen.current = newest;
      return;
    }
    if (newest <= seen.current) return;
    const words = chatOnScreen ? [] : newMessageWords(messages, selfId, seen.current, names);
    seen.current = newest;
    if (words.length) announce(words.join('. '));
  }, [newest, messages, selfId, names, chatOnScreen, joined]);
}
