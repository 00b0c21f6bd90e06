/** Query keys of instant help. Everything under `help` is refetched when the socket (re)connects. */
export const helpQueryRoot = 'help';

export const helpKeys = {
  questions: [helpQueryRoot, 'questions'] as const,
  question: (id: string) => [helpQueryRoot, 'question', id] as const,
  feed: [helpQueryRoot, 'feed'] as const,
  availability: [helpQueryRoot, 'availability'] as const,
  today: [helpQueryRoot, 'today'] as const,
  answerable: [helpQueryRoot, 'answerable-subjects'] as const,
};
