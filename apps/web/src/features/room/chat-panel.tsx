import type { ChatMessage, UploadedChatPhoto } from '@tutorline/contracts';
import { ROOM_LIMITS } from '@tutorline/contracts/plain';
import { type FormEvent, Fragment, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { formatTime } from '../../lib/format';
import { uploadFile } from '../../lib/upload';
import { Button } from '../../ui/button';
import { GalleryIcon } from '../../ui/icons';
import { ProgressBar } from '../../ui/progress-bar';
import type { PendingChat, RoomConnection, RoomSnapshot } from './room-connection';
import './room.css';

interface ChatPanelProps {
  connection: RoomConnection | null;
  snapshot: RoomSnapshot;
  sessionId: string;
  selfId: string;
  /** Display names by user id. */
  names: Record<string, string>;
  /** Observers and ended sessions read only. */
  readOnly: boolean;
}


/** The room's chat: history on every (re)join, our unsent messages kept and resent until the server has them. */
export function ChatPanel({ connection, snapshot, sessionId, selfId, names, readOnly }: ChatPanelProps) {
  const [text, setText] = useState('');
  const [upload, setUpload] = useState<{ progress: number; error: string | null } | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const count = snapshot.messages.length + snapshot.pending.length;

  // Keep the newest message in view.
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [count]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!connection || !text.trim()) return;
    connection.sendChat({ text });
    setText('');
  };

  const sendPhoto = async (file: File) => {
    if (!connection) return;
    setUpload({ progress: 0, error: null });
    try {
      const photo = await uploadFile<UploadedChatPhoto>(`/api/sessions/${sessionId}/photos`, 'file', file, { onProgress: (progress) => setUpload({ progress, error: null }) });
      connection.sendChat({ photo: { id: photo.photoId, url: photo.url, thumbUrl: photo.thumbUrl, width: photo.width, height: photo.height } });
      setUpload(null);
    } catch (err) {
      setUpload({ progress: 0, error: errorMessage(err) });
    }
  };

  return (
    <section className="chat-panel" data-testid="chat-panel" aria-label="Chat" data-read-saved={snapshot.savedReadMessageId ?? ''}>
      <ol className="chat-list" ref={listRef} aria-live="polite">
        {count === 0 && <li className="chat-empty muted">No messages yet. Say hello, or send a photo of your working.</li>}
        {snapshot.messages.map((m) => (
          <Fragment key={m.id}>
            <ChatBubble message={m} mine={m.senderId === selfId} name={names[m.senderId] ?? 'Someone'} />
            {snapshot.chatWarning?.messageId === m.id && (
              <li className="chat-warning" data-testid="chat-warning">
                {snapshot.chatWarning.text}
              </li>
            )}
          </Fragment>
        ))}
        {snapshot.pending.map((p) => (
          <PendingBubble key={p.clientId} pending={p} onRetry={() => connection?.retryChat(p.clientId)} />
        ))}
      </ol>
      {upload && (
        <div className="chat-upload" data-testid="chat-upload">
          {upload.error ? (
            <p className="form-error" role="alert">
              {upload.error}{' '}
              <button type="button" className="link-button" onClick={() => setUpload(null)}>
                Dismiss
              </button>
            </p>
          ) : (
            <ProgressBar value={upload.progress} label="Sending photo…" />
          )}
        </div>
      )}
      {readOnly ? (
        <p className="chat-readonly muted">{snapshot.status === 'ended' ? 'This session has ended. The chat is kept here.' : 'You are observing: the chat is read-only.'}</p>
      ) : (
        <form className="chat-form" onSubmit={submit}>
          <input
            ref={fileRef}
            type="file"
            accept="image/*"
            hidden
            data-testid="chat-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void sendPhoto(file);
            }}
          />
          <button type="button" className="icon-button" aria-label="Send a photo" data-testid="chat-attach" onClick={() => fileRef.current?.click()} disabled={Boolean(upload && !upload.error)}>
            <GalleryIcon />
          </button>
          <label className="visually-hidden" htmlFor="chat-input">
            Message
          </label>
          <input
            id="chat-input"
            className="chat-input"
            data-testid="chat-input"
            value={text}
            maxLength={ROOM_LIMITS.chatChars}
            placeholder="Type a message"
            autoComplete="off"
            enterKeyHint="send"
            onChange={(e) => setText(e.target.value)}
          />
          <Button type="submit" data-testid="chat-send" disabled={!text.trim()}>
            Send
          </Button>
        </form>
      )}
    </section>
  );
}

function ChatBubble({ message, mine, name }: { message: ChatMessage; mine: boolean; name: string }) {
  return (
    <li className={`chat-message ${mine ? 'chat-mine' : 'chat-theirs'}`} data-testid="chat-message" data-id={message.id}>
      {!mine && <span className="chat-sender">{name}</span>}
      {message.photo && (
        <a href={message.photo.url} target="_blank" rel="noreferrer" className="chat-photo">
          <img src={message.photo.thumbUrl} alt={`Photo from ${mine ? 'you' : name}`} width={message.photo.width} height={message.photo.height} loading="lazy" />
        </a>
      )}
      {message.text && <p className="chat-text">{message.text}</p>}
      <time className="chat-time" dateTime={message.sentAt}>
        {formatTime(message.sentAt)}
      </time>
    </li>
  );
}

function PendingBubble({ pending, onRetry }: { pending: PendingChat; onRetry: () => void }) {
  return (
    <li className="chat-message chat-mine chat-pending" data-testid="chat-message" data-pending={pending.status}>
      {pending.photo && <img className="chat-photo" src={pending.photo.thumbUrl} alt="Your photo" width={pending.photo.width} height={pending.photo.height} />}
      {pending.text && <p className="chat-text">{pending.text}</p>}
      {pending.status === 'sending' ? (
        <span className="chat-time">Sending…</span>
      ) : (
        <button type="button" className="link-button chat-retry" onClick={onRetry}>
          Not sent{pending.error ? `: ${pending.error}` : ''}. Tap to try again
        </button>
      )}
    </li>
  );
}
