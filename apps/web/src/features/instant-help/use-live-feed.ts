import type { FeedItem } from '@tutorline/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useSocketEvent } from '../../lib/socket';
import { helpKeys } from './help-keys';
import { removeFromFeed } from './tutor-queries';

/** Adds questions to the tutor's cached feed as they arrive and removes them the moment they are taken or closed. */
export function useLiveFeed(onArrived?: (item: FeedItem) => void): void {
  const queryClient = useQueryClient();

  useSocketEvent('help:question', (item) => {
    let added = false;
    queryClient.setQueryData<FeedItem[]>(helpKeys.feed, (items = []) => {
      if (items.some((i) => i.questionId === item.questionId)) return items;
      added = true;
      return [...items, item].sort((a, b) => Date.parse(a.askedAt) - Date.parse(b.askedAt));
    });
    if (added) onArrived?.(item);
  });

  const remove = ({ questionId }: { questionId: string }) => {
    queryClient.setQueryData<FeedItem[]>(helpKeys.feed, (items) => removeFromFeed(items, questionId));
  };
  useSocketEvent('help:taken', remove);
  // The winning tutor gets help:claimed instead of help:taken.
  useSocketEvent('help:claimed', remove);
}
