import type { TicketMessage } from '@tutorline/contracts';
import { formatDateTime } from '../../lib/format';
import './support.css';

const kindWords = { user: '', reply: 'reply', note: 'internal note' } as const;

/** A ticket's conversation, oldest first; staff also see internal notes (marked). */
export function TicketThread({ messages, empty }: { messages: TicketMessage[]; empty: string }) {
  if (!messages.length) return <p className="empty">{empty}</p>;
  return (
    <ol className="ticket-thread" aria-label="Messages" aria-live="polite">
      {messages.map((m) => (
        <li key={m.id} className="ticket-message" data-kind={m.kind} data-testid="ticket-message">
          <p className="ticket-message-meta">
            {m.author.displayName}
            {kindWords[m.kind] && ` · ${kindWords[m.kind]}`} · <time dateTime={m.at}>{formatDateTime(m.at)}</time>
          </p>
          <p>{m.body}</p>
        </li>
      ))}
    </ol>
  );
}
